// The review TUI: a list of proposed actions beside the detail of the selected one. A support lead approves,
// rejects (with a reason), edits the message, or changes the channel; each decision goes to onDecision at once.
// What a key does is review-state.ts (a plain state machine); this is the view. The list is windowed, so thousands
// of rows render as fast as ten.
import { useRef, useState } from 'react';
import { Box, Text, useApp, useInput } from 'ink';
import { forTerminal } from '../cli/terminal-text.js';
import { receiptLines } from './receipt-lines.js';
import { initialReviewState, reviewKey, selectedItem, visibleItems, type Decision, type ReviewItem } from './review-state.js';

export { CHANNELS_FOR_REVIEW, matchesFilter, type Decision, type ReviewItem } from './review-state.js';

const MARK: Record<string, string> = { approved: '✔', rejected: '✘', edited: '✎' };
// Short labels keep the list readable in an 80-column terminal; the detail pane shows the full names.
const SHORT_CHANNEL: Record<string, string> = { twitter_dm_reply: 'DM', twitter_public_reply: 'public', email_reply: 'email', scheduling_phone_call: 'call', no_action: '-' };
const SHORT_STATUS: Record<string, string> = { resolved: 'resolved', pending_customer_response: 'pending', awaiting_agent: 'agent', escalated: 'escalated' };
const shortTime = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(5, 16) : '-');
// Texts come from tweets and rules: shown without the control characters that would drive the terminal.
const shown = (text: string) => forTerminal(text, { singleLine: true });

export function ReviewApp({ items: initial, onDecision, height = 24 }: { items: ReviewItem[]; onDecision: (decision: Decision) => void; height?: number }) {
  const { exit } = useApp();
  // Each key is applied to the newest state, even when keys arrive faster than the screen renders.
  const current = useRef(initialReviewState(initial));
  const [state, setState] = useState(current.current);
  useInput((input, key) => {
    const step = reviewKey(current.current, { ...key, input });
    current.current = step.state;
    setState(step.state);
    for (const effect of step.effects) {
      if (effect.kind === 'exit') exit();
      else onDecision(effect.decision);
    }
  });

  const { items, filter, cursor, mode } = state;
  const visible = visibleItems(state);
  const selected = selectedItem(state);
  const listHeight = Math.max(height - 8, 5);
  const offset = Math.max(0, Math.min(cursor - Math.floor(listHeight / 2), visible.length - listHeight));

  if (mode.kind === 'help') {
    return (
      <Box flexDirection="column" borderStyle="round" paddingX={1}>
        <Text bold>Keys</Text>
        <Text>↑/↓ or j/k  move           a  approve          r  reject with a reason</Text>
        <Text>e  edit the message (Enter saves, Ctrl-N new line, Esc cancels)</Text>
        <Text>c  change channel         /  filter (channel, status, brand, text)</Text>
        <Text>?  this help              q  quit (every decision is already saved)</Text>
        <Text color="gray">Any key goes back.</Text>
      </Box>
    );
  }

  const rows = visible.slice(offset, offset + listHeight);
  return (
    <Box flexDirection="column">
      <Box>
        <Box flexDirection="column" width="58%">
          <Text bold>
            {visible.length} of {items.length} actions{filter ? ` matching "${shown(filter)}"` : ''}
          </Text>
          {rows.map((item, i) => {
            const active = offset + i === cursor;
            return (
              <Text key={item.conversation_id} inverse={active} wrap="truncate-end">
                {MARK[item.decision ?? ''] ?? ' '} {shown(item.customer_id.slice(0, 8)).padEnd(8)} {shown((item.brand ?? '-').slice(0, 10)).padEnd(10)} {shown(SHORT_CHANNEL[item.channel] ?? item.channel).padEnd(6)}{' '}
                {shown(SHORT_STATUS[item.issue_status] ?? item.issue_status).padEnd(9)} {shown(shortTime(item.send_time))} {shown(item.llm_status)}
              </Text>
            );
          })}
        </Box>
        <Box flexDirection="column" width="42%" paddingLeft={1}>
          {selected ? (
            <>
              <Text bold>
                {shown(selected.channel)} · {shown(selected.issue_status)} · {shown(selected.send_time ?? 'no send time')}
              </Text>
              {selected.chat_log
                .split('\n')
                .slice(-4)
                .map((line, i) => (
                  <Text key={i} color={line.startsWith('Customer') ? 'cyan' : 'yellow'} wrap="truncate-end">
                    {shown(line)}
                  </Text>
                ))}
              <Text bold>Message</Text>
              <Text wrap="wrap">{forTerminal(mode.kind === 'edit' ? `${mode.text}▌` : selected.message || '(none)')}</Text>
              <Text color="gray" wrap="truncate-end">
                {shown(selected.rule_id)}: {shown(selected.fired)}
              </Text>
              <Text color="gray" wrap="wrap">
                {forTerminal(selected.reasoning)}
              </Text>
              {receiptLines(selected.receipt).map((line, i) => (
                <Text key={`receipt-${i}`} color="gray" wrap="truncate-end">
                  {shown(line)}
                </Text>
              ))}
            </>
          ) : (
            <Text>No action matches.</Text>
          )}
        </Box>
      </Box>
      {mode.kind === 'reason' && <Text color="red">Reason for rejecting: {shown(mode.text)}▌</Text>}
      {mode.kind === 'filter' && <Text color="cyan">Filter: {shown(mode.text)}▌</Text>}
      <Text color="gray">jk/↑↓ move  a approve  r reject  e edit  c channel  / filter  ? help  q quit</Text>
    </Box>
  );
}
