// Errors a user can act on. Anything else that escapes a command is a bug and shows a stack with --verbose.

export type ErrorCode =
  | 'config_invalid'
  | 'file_not_found'
  | 'file_empty'
  | 'file_unreadable'
  | 'missing_columns'
  | 'database_unreachable'
  | 'database_not_configured'
  | 'database_error'
  | 'ingest_locked'
  | 'store_busy'
  | 'home_not_writable'
  | 'llm_unreachable'
  | 'query_failed'
  | 'query_refused'
  | 'bad_flag';

export class UserError extends Error {
  readonly code: ErrorCode;
  readonly actions: string[];
  readonly data: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: { actions?: string[]; data?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'UserError';
    this.code = code;
    this.actions = options.actions ?? [];
    this.data = options.data ?? {};
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/** The message of any thrown value, for wrapping driver errors at an adapter boundary. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
