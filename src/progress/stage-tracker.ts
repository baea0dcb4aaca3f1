// Holds the status of a command's stages; renderers (Ink, plain lines, silent) subscribe to changes.
import { EventEmitter } from 'node:events';
import { groupOf } from './stage-groups.js';

export type StageStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface StageState {
  id: string;
  label: string;
  /** The job the stage belongs to (ingest, process, train, predict, ...), shown as a heading; '' when unknown. */
  group: string;
  status: StageStatus;
  rows: number;
  total: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  note: string;
  /**
   * Why the stage failed. Renderers show only that it failed: the command prints the sentence itself, once, with its
   * next steps (BaseCommand.catch).
   */
  error: string;
}

export interface StageDefinition {
  id: string;
  label: string;
  /** Default: the group stage-groups.ts knows for the id. */
  group?: string;
}

export class StageTracker extends EventEmitter {
  readonly stages: StageState[];
  readonly startedAt = Date.now();

  constructor(stages: StageDefinition[]) {
    super();
    this.stages = stages.map((stage) => ({
      id: stage.id,
      label: stage.label,
      group: stage.group ?? groupOf(stage.id),
      status: 'pending',
      rows: 0,
      total: null,
      startedAt: null,
      finishedAt: null,
      note: '',
      error: '',
    }));
  }

  /** The groups in order of first appearance, each with its stages; one group ('' when none is known) for a single job. */
  groups(): Array<{ name: string; stages: StageState[] }> {
    const groups: Array<{ name: string; stages: StageState[] }> = [];
    for (const stage of this.stages) {
      const last = groups.at(-1);
      if (last && last.name === stage.group) last.stages.push(stage);
      else groups.push({ name: stage.group, stages: [stage] });
    }
    return groups;
  }

  private find(id: string): StageState {
    const stage = this.stages.find((s) => s.id === id);
    if (!stage) throw new Error(`unknown stage ${id}`);
    return stage;
  }

  start(id: string, total: number | null = null): void {
    // Starting a stage finishes the one still running before it.
    for (const stage of this.stages) if (stage.status === 'running' && stage.id !== id) this.finishStage(stage);
    const stage = this.find(id);
    Object.assign(stage, { status: 'running', startedAt: Date.now(), total });
    this.emit('change', stage);
  }

  update(id: string, rows: number, note?: string): void {
    const stage = this.find(id);
    stage.rows = rows;
    if (note !== undefined) stage.note = note;
    this.emit('change', stage);
  }

  done(id: string, note?: string): void {
    const stage = this.find(id);
    if (note !== undefined) stage.note = note;
    this.finishStage(stage);
  }

  skip(id: string, note: string): void {
    const stage = this.find(id);
    Object.assign(stage, { status: 'skipped', note });
    this.emit('change', stage);
  }

  /** Marks the running stage failed; the caller rethrows the error, and the command prints its message. */
  fail(message: string): void {
    const stage = this.stages.find((s) => s.status === 'running');
    if (stage) {
      Object.assign(stage, { status: 'failed', finishedAt: Date.now(), error: message });
      this.emit('change', stage);
    }
  }

  finish(): void {
    for (const stage of this.stages) if (stage.status === 'running') this.finishStage(stage);
    this.emit('finish');
  }

  private finishStage(stage: StageState): void {
    stage.status = 'done';
    stage.finishedAt = Date.now();
    this.emit('change', stage);
  }
}

export function elapsedSeconds(stage: StageState, now = Date.now()): number {
  if (stage.startedAt === null) return 0;
  return ((stage.finishedAt ?? now) - stage.startedAt) / 1000;
}

export function rowsPerSecond(stage: StageState, now = Date.now()): number {
  const seconds = elapsedSeconds(stage, now);
  return seconds > 0 ? stage.rows / seconds : 0;
}

