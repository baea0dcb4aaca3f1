// Ink view of a StageTracker: one line per stage with status, rows, rows/s and elapsed time.
import { useEffect, useState } from 'react';
import { Box, Text, render } from 'ink';
import { elapsedSeconds, rowsPerSecond, type StageState, type StageTracker } from '../progress/stage-tracker.js';
import { formatRows } from '../progress/plain.js';
import { forTerminal } from '../cli/terminal-text.js';

const ICON: Record<StageState['status'], { symbol: string; color: string }> = {
  pending: { symbol: '·', color: 'gray' },
  running: { symbol: '▸', color: 'cyan' },
  done: { symbol: '✔', color: 'green' },
  failed: { symbol: '✘', color: 'red' },
  skipped: { symbol: '-', color: 'gray' },
};

function StageLine({ stage, now }: { stage: StageState; now: number }) {
  const icon = ICON[stage.status];
  const rows = stage.rows > 0 ? `${formatRows(stage.rows)}${stage.total !== null ? ` / ${formatRows(stage.total)}` : ''} rows` : '';
  const rate = stage.rows > 0 && stage.status !== 'pending' ? `${formatRows(Math.round(rowsPerSecond(stage, now)))} rows/s` : '';
  const time = stage.startedAt !== null ? `${elapsedSeconds(stage, now).toFixed(1)}s` : '';
  return (
    <Box>
      <Box width={3}>
        <Text color={icon.color}>{icon.symbol}</Text>
      </Box>
      <Box width={15}>
        <Text bold={stage.status === 'running'}>{forTerminal(stage.label, { singleLine: true })}</Text>
      </Box>
      <Box width={30}>
        <Text>{rows}</Text>
      </Box>
      <Box width={17}>
        <Text color="gray">{rate}</Text>
      </Box>
      <Box width={8}>
        <Text color="gray">{time}</Text>
      </Box>
      <Text color={stage.status === 'failed' ? 'red' : 'gray'} wrap="truncate-end">
        {forTerminal(stage.note, { singleLine: true })}
      </Text>
    </Box>
  );
}

export function ProgressView({ tracker, title }: { tracker: StageTracker; title: string }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const refresh = () => setNow(Date.now());
    tracker.on('change', refresh);
    const timer = setInterval(refresh, 200);
    return () => {
      tracker.off('change', refresh);
      clearInterval(timer);
    };
  }, [tracker]);
  return (
    <Box flexDirection="column">
      <Text bold>
        {forTerminal(title, { singleLine: true })} <Text color="gray">({((now - tracker.startedAt) / 1000).toFixed(1)}s)</Text>
      </Text>
      {tracker.stages.map((stage) => (
        <StageLine key={stage.id} stage={stage} now={now} />
      ))}
    </Box>
  );
}

/** Renders on stderr so stdout stays clean; returns a function that renders the last frame and unmounts. */
export function renderProgress(tracker: StageTracker, title: string): () => void {
  const instance = render(<ProgressView tracker={tracker} title={title} />, { stdout: process.stderr, patchConsole: false, exitOnCtrlC: true });
  return () => {
    instance.rerender(<ProgressView tracker={tracker} title={title} />);
    instance.unmount();
  };
}
