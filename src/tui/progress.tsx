// Ink view of a StageTracker: one line per stage (status, label, rows, rows/s, elapsed time, note) under a heading per
// job when a command runs several (run: ingest, process, train, predict). The label column fits the longest label and
// the counts are right-aligned after it; only the note is cut to the terminal's width. A failed stage shows ✘ only:
// the command prints the error's sentence once, below the view.
import { useEffect, useState } from 'react';
import { Box, Text, render, useStdout } from 'ink';
import type { StageState, StageTracker } from '../progress/stage-tracker.js';
import { columnWidths, stageCells, type ColumnWidths } from '../progress/stage-line.js';
import { forTerminal } from '../cli/terminal-text.js';

const ICON: Record<StageState['status'], { symbol: string; color: string }> = {
  pending: { symbol: '·', color: 'gray' },
  running: { symbol: '▸', color: 'cyan' },
  done: { symbol: '✔', color: 'green' },
  failed: { symbol: '✘', color: 'red' },
  skipped: { symbol: '-', color: 'gray' },
};

/** Two spaces between columns. */
const GAP = 2;

function StageLine({ stage, now, widths, indent }: { stage: StageState; now: number; widths: ColumnWidths; indent: number }) {
  const icon = ICON[stage.status];
  const cells = stageCells(stage, now);
  const note = stage.status === 'failed' ? 'failed' : stage.status === 'skipped' ? `skipped${cells.note ? `: ${cells.note}` : ''}` : cells.note;
  return (
    <Box paddingLeft={indent}>
      <Box width={2} flexShrink={0}>
        <Text color={icon.color}>{icon.symbol}</Text>
      </Box>
      <Box width={widths.label + GAP} flexShrink={0}>
        <Text bold={stage.status === 'running'}>{cells.label}</Text>
      </Box>
      <Box width={widths.rows} flexShrink={0} justifyContent="flex-end">
        <Text>{cells.rows}</Text>
      </Box>
      <Box width={widths.rate + GAP} flexShrink={0} justifyContent="flex-end">
        <Text color="gray">{cells.rate}</Text>
      </Box>
      <Box width={widths.time + GAP} flexShrink={0} justifyContent="flex-end">
        <Text color="gray">{cells.time}</Text>
      </Box>
      <Box paddingLeft={GAP} flexGrow={1} flexShrink={1}>
        <Text color={stage.status === 'failed' ? 'red' : 'gray'} wrap="truncate-end">
          {note}
        </Text>
      </Box>
    </Box>
  );
}

type Group = ReturnType<StageTracker['groups']>[number];

function groupStatus(group: Group): StageState['status'] {
  const statuses = group.stages.map((stage) => stage.status);
  if (statuses.includes('failed')) return 'failed';
  if (statuses.includes('running')) return 'running';
  if (statuses.every((status) => status === 'pending')) return 'pending';
  return statuses.every((status) => status === 'done' || status === 'skipped') ? 'done' : 'running';
}

/**
 * The groups shown as one line each, so the view stays shorter than the terminal: Ink redraws a view as tall as the
 * terminal by clearing the screen on every frame. Finished groups fold first (oldest first), then groups not started
 * (last first); the running one never does.
 */
export function foldedGroups(groups: readonly Group[], height: number | undefined): Set<string> {
  const folded = new Set<string>();
  if (!height || groups.length < 2) return folded;
  let lines = 1 + groups.reduce((sum, group) => sum + 1 + group.stages.length, 0);
  const finished = groups.filter((group) => ['done', 'failed'].includes(groupStatus(group)));
  const pending = groups.filter((group) => groupStatus(group) === 'pending').reverse();
  for (const group of [...finished, ...pending]) {
    if (lines < height) break;
    folded.add(group.name);
    lines -= group.stages.length;
  }
  return folded;
}

function GroupLine({ group, now, widths }: { group: Group; now: number; widths: ColumnWidths }) {
  const status = groupStatus(group);
  const icon = ICON[status];
  const starts = group.stages.flatMap((stage) => (stage.startedAt === null ? [] : [stage.startedAt]));
  const ends = group.stages.map((stage) => stage.finishedAt ?? (stage.status === 'running' ? now : 0));
  const time = starts.length > 0 ? `${((Math.max(...ends) - Math.min(...starts)) / 1000).toFixed(1)}s` : '';
  return (
    <Box>
      <Box width={2} flexShrink={0}>
        <Text color={icon.color}>{icon.symbol}</Text>
      </Box>
      <Box width={2 + widths.label + GAP + widths.rows + widths.rate + GAP} flexShrink={0}>
        <Text bold color="blue">
          {forTerminal(group.name || 'other', { singleLine: true })}
        </Text>
      </Box>
      <Box width={widths.time + GAP} flexShrink={0} justifyContent="flex-end">
        <Text color="gray">{time}</Text>
      </Box>
      <Box paddingLeft={GAP} flexGrow={1} flexShrink={1}>
        <Text color="gray" wrap="truncate-end">
          {group.stages.length} stages
        </Text>
      </Box>
    </Box>
  );
}

/** `height`: the terminal's rows (default: the output's); the view keeps below it by folding groups. */
export function ProgressView({ tracker, title, height }: { tracker: StageTracker; title: string; height?: number }) {
  const { stdout } = useStdout();
  const rows = height ?? stdout.rows;
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
  const widths = columnWidths(tracker.stages, now);
  const groups = tracker.groups();
  const grouped = groups.length > 1;
  const folded = foldedGroups(groups, rows);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {forTerminal(title, { singleLine: true })} <Text color="gray">({((now - tracker.startedAt) / 1000).toFixed(1)}s)</Text>
      </Text>
      {groups.map((group) =>
        folded.has(group.name) ? (
          <GroupLine key={group.name} group={group} now={now} widths={widths} />
        ) : (
          <Box key={group.name || 'stages'} flexDirection="column">
            {grouped ? (
              <Text bold color="blue">
                {forTerminal(group.name || 'other', { singleLine: true })}
              </Text>
            ) : null}
            {group.stages.map((stage) => (
              <StageLine key={stage.id} stage={stage} now={now} widths={widths} indent={grouped ? 2 : 0} />
            ))}
          </Box>
        ),
      )}
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
