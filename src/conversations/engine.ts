// What each process engine (DuckDB beside the store, or ClickHouse inside it) hands back to the process job.

export interface Summary {
  conversations: number;
  customers: number;
  open_conversations: number;
  resolved_conversations: number;
  as_of: string;
}
