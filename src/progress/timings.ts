// RIVERLINE_TIMINGS=1 (set by --verbose): each statement's wall time on stderr, for a breakdown of where a stage's time goes.

/** RIVERLINE_TIMINGS=1: every staging or ClickHouse-engine statement's wall time on stderr, slowest work first to find (a breakdown per stage). */
export function timingsOn(): boolean {
  return process.env.RIVERLINE_TIMINGS === '1';
}

/** One line: engine, milliseconds, and the statement's first words (names from the code, never data). */
export function reportTiming(engine: string, sql: string, started: number): void {
  const words = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
  process.stderr.write(`[timing] ${engine} ${String(Math.round(performance.now() - started)).padStart(6)} ms  ${words}\n`);
}
