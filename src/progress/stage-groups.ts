// The job each stage id belongs to, for the headings of the progress views (`run` shows four jobs in one view).
// Stage ids are unique across jobs for that reason; a stage list may also name its group itself (StageDefinition.group).

const GROUPS: Record<string, readonly string[]> = {
  ingest: ['connect', 'read', 'quality', 'load', 'quarantine'],
  // The history stages are process's, and the start of evaluate's too.
  process: ['check', 'export', 'threads', 'features', 'profiles', 'write'],
  train: ['train_check', 'train_samples', 'train_count', 'train_save'],
  predict: ['predict_check', 'predict_read', 'decide', 'compose', 'llm', 'predict_write'],
  evaluate: ['samples', 'train', 'score'],
};

const GROUP_OF = new Map(Object.entries(GROUPS).flatMap(([group, ids]) => ids.map((id) => [id, group] as const)));

/** The group of a stage id; '' for an id no job lists here. */
export function groupOf(id: string): string {
  return GROUP_OF.get(id) ?? '';
}
