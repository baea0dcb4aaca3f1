// The embedded ClickHouse allows one process per data folder: it locks `<folder>/status` and writes its PID there.
// This finds who holds that lock (Linux: /proc/locks; elsewhere: whether the PID is alive) and waits for it to let go.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';

export interface StoreHolder {
  pid: number;
  /** The holder's command line, or '' when the system does not say. */
  command: string;
}

/** How long opening the embedded store waits for another process, and where the waiting is reported. */
export interface EmbeddedWait {
  seconds: number;
  report: (line: string) => void;
}

export const DEFAULT_WAIT_SECONDS = 30;
const RETRY_MS = 250;

let policy: EmbeddedWait = { seconds: DEFAULT_WAIT_SECONDS, report: (line) => process.stderr.write(`${line}\n`) };

/** Set once per process by the command (its --wait flag); every embedded store opened later follows it. */
export function setEmbeddedWait(next: Partial<EmbeddedWait>): void {
  policy = { ...policy, ...next };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the file is under a lock: true/false from /proc/locks, null where the system has no such list. */
function lockedNow(file: string): boolean | null {
  let locks: string;
  try {
    locks = fs.readFileSync('/proc/locks', 'utf8');
  } catch {
    return null;
  }
  let inode: number;
  try {
    inode = fs.statSync(file).ino;
  } catch {
    return false;
  }
  // A line reads `1: FLOCK  ADVISORY  WRITE 13612 fe:00:2148333 0 EOF`; the fifth field ends with the inode.
  return locks.split('\n').some((line) => line.split(/\s+/)[5]?.endsWith(`:${inode}`));
}

function commandLine(pid: number): string {
  try {
    const parts = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    // Control characters from an argument must not reach the terminal.
    const text = parts.join(' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
    return text.length > 200 ? `${text.slice(0, 199)}…` : text;
  } catch {
    return '';
  }
}

/** The other process holding the embedded store in `dataPath`, or null when it is free (or held by this process). */
export function findHolder(dataPath: string): StoreHolder | null {
  const file = path.join(dataPath, 'status');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const pid = Number(/^PID:\s*(\d+)/m.exec(text)?.[1] ?? 0);
  if (pid === process.pid) return null;
  // A killed holder leaves its status file behind; the lock (or, failing that, the process) tells whether it still holds.
  const locked = lockedNow(file);
  if (locked === false || (locked === null && !(pid > 0 && isAlive(pid)))) return null;
  return { pid, command: pid > 0 ? commandLine(pid) : '' };
}

export function describeHolder(holder: StoreHolder): string {
  return holder.command ? `${holder.command} pid ${holder.pid}` : `pid ${holder.pid}`;
}

export function storeBusyError(dataPath: string, holder: StoreHolder, waitedSeconds: number): UserError {
  const who = holder.command ? `process ${holder.pid} (${holder.command})` : `process ${holder.pid}`;
  return new UserError('store_busy', `The embedded store at ${dataPath} is held by ${who}, which did not let go of it within ${waitedSeconds} s.`, {
    actions: [`Run again when it has finished, stop it (kill ${holder.pid}), or wait longer with --wait SECONDS.`],
    data: { pid: holder.pid, command: holder.command, data_path: dataPath, waited_seconds: waitedSeconds },
  });
}

/**
 * Runs `open` (which throws while another process holds the store) once the store is free, retrying for up to the
 * policy's seconds and saying once that it waits. Throws `store_busy` naming the holder when the time is up.
 */
export async function openWhenFree<T>(dataPath: string, open: () => T, wait: EmbeddedWait = policy): Promise<T> {
  const deadline = Date.now() + wait.seconds * 1000;
  let announced = false;
  for (;;) {
    // Opening a held store makes the engine print its own error line; look first, so a wait stays quiet.
    let holder = findHolder(dataPath);
    if (!holder) {
      try {
        return open();
      } catch (error) {
        // Lost a race with another process opening it: wait like any other holder.
        holder = findHolder(dataPath);
        if (!holder) throw error;
      }
    }
    if (Date.now() >= deadline) throw storeBusyError(dataPath, holder, wait.seconds);
    if (!announced) {
      wait.report(`Waiting for the embedded store (held by ${describeHolder(holder)})…`);
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_MS, Math.max(0, deadline - Date.now()))));
  }
}

/** Opens at once, without waiting: a held store gives `store_busy` rather than the engine's error. */
export function openNow<T>(dataPath: string, open: () => T): T {
  const holder = findHolder(dataPath);
  if (holder) throw storeBusyError(dataPath, holder, 0);
  try {
    return open();
  } catch (error) {
    const late = findHolder(dataPath);
    if (late) throw storeBusyError(dataPath, late, 0);
    throw error;
  }
}
