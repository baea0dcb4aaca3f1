// The review TUI: a list of proposed actions with the detail of the selected one. A support lead approves, rejects
// (with a reason), edits the message, or changes the channel; each decision goes to onDecision at once.
// What a key does is review-state.ts (a plain state machine), what the screen holds is review-layout.ts (lines cut
// to the terminal's size); this component reads the keys and the terminal's size and prints the lines.
import { useEffect, useRef, useState } from 'react';
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { keysFromInk } from './review-keys.js';
import { reviewScreen, type Line } from './review-layout.js';
import { initialReviewState, reviewKey, type Decision, type ReviewItem, type ViewLimits } from './review-state.js';

export { CHANNELS_FOR_REVIEW, matchesFilter, type Decision, type ReviewItem } from './review-state.js';

/** The terminal's size now, and again on each resize. */
function useTerminalSize(): { width: number; height: number } {
  const { stdout } = useStdout();
  const read = () => ({ width: stdout.columns || 80, height: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const resized = () => setSize(read());
    stdout.on('resize', resized);
    return () => void stdout.off('resize', resized);
  }, [stdout]);
  return size;
}

function ScreenLine({ line }: { line: Line }) {
  return (
    <Text wrap="truncate-end">
      {line.map((segment, i) => (
        <Text key={i} color={segment.color} bold={segment.bold} inverse={segment.inverse}>
          {segment.text}
        </Text>
      ))}
    </Text>
  );
}

export function ReviewApp({ items: initial, onDecision }: { items: ReviewItem[]; onDecision: (decision: Decision) => void }) {
  const { exit } = useApp();
  const size = useTerminalSize();
  // Each key is applied to the newest state, even when keys arrive faster than the screen renders.
  const current = useRef(initialReviewState(initial));
  const limits = useRef<ViewLimits>({ chatScrollMax: 0, chatPage: 1 });
  const [state, setState] = useState(current.current);
  useInput((input, key) => {
    for (const press of keysFromInk(input, key)) {
      const step = reviewKey(current.current, press, limits.current);
      current.current = step.state;
      for (const effect of step.effects) {
        if (effect.kind === 'decision') onDecision(effect.decision);
      }
      if (step.effects.some((effect) => effect.kind === 'exit')) {
        exit();
        return;
      }
    }
    setState(current.current);
  });
  const screen = reviewScreen(state, size);
  limits.current = screen.limits;
  return (
    <Box flexDirection="column" width={size.width}>
      {screen.lines.map((line, i) => (
        <ScreenLine key={i} line={line} />
      ))}
    </Box>
  );
}
