// The review TUI: a list of proposed actions beside the detail of the selected one. A support lead approves,
// rejects (with a reason), edits the message, or changes the channel; each decision goes to onDecision at once.
// The list is windowed, so thousands of rows render as fast as ten.
import { useMemo, useState } from 'react';
import { Box, Text, useApp, useInput } from 'ink';
import { CHANNELS } from '../decisions/rules.schema.js';
import type { Review } from '../stores/index.js';
import { forTerminal } from '../cli/terminal-text.js';

export interface ReviewItem {
  conversation_id: string;
  customer_id: string;
  brand: string | null;
  channel: string;
  issue_status: string;
  send_time: string | null;
  llm_status: string;
  message: string;
  reasoning: string;
  rule_id: string;
  fired: string;
  chat_log: string;
  /** The lead's latest decision, if any. */
  decision?: Review['decision'];
}

/** What the screen reports for each key press that decides; the session adds who, when and which run. */
export type Decision = Pick<Review, 'conversation_id' | 'customer_id' | 'decision' | 'channel' | 'message' | 'reason'>;

export const CHANNELS_FOR_REVIEW: readonly string[] = CHANNELS;

type Mode = { kind: 'list' } | { kind: 'reason'; text: string } | { kind: 'edit'; text: string } | { kind: 'filter'; text: string } | { kind: 'help' };

const MARK: Record<string, string> = { approved: '✔', rejected: '✘', edited: '✎' };
// Short labels keep the list readable in an 80-column terminal; the detail pane shows the full names.
const SHORT_CHANNEL: Record<string, string> = { twitter_dm_reply: 'DM', twitter_public_reply: 'public', email_reply: 'email', scheduling_phone_call: 'call', no_action: '-' };
const SHORT_STATUS: Record<string, string> = { resolved: 'resolved', pending_customer_response: 'pending', awaiting_agent: 'agent', escalated: 'escalated' };
const shortTime = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(5, 16) : '-');
// Texts come from tweets and rules: shown without the control characters that would drive the terminal.
const shown = (text: string) => forTerminal(text, { singleLine: true });

export function matchesFilter(item: ReviewItem, filter: string): boolean {
  if (!filter) return true;
  const needle = filter.toLowerCase();
  return [item.channel, item.issue_status, item.brand ?? '', item.customer_id, item.message, item.chat_log].some((field) => field.toLowerCase().includes(needle));
}

export function ReviewApp({ items: initial, onDecision, height = 24 }: { items: ReviewItem[]; onDecision: (decision: Decision) => void; height?: number }) {
  const { exit } = useApp();
  const [items, setItems] = useState(initial);
  const [filter, setFilter] = useState('');
  const [cursor, setCursor] = useState(0);
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const visible = useMemo(() => items.filter((item) => matchesFilter(item, filter)), [items, filter]);
  const selected = visible[Math.min(cursor, Math.max(visible.length - 1, 0))];
  const listHeight = Math.max(height - 8, 5);
  const offset = Math.max(0, Math.min(cursor - Math.floor(listHeight / 2), visible.length - listHeight));

  const decide = (decision: Decision['decision'], changes: Partial<ReviewItem> = {}, reason = '') => {
    if (!selected) return;
    const updated = { ...selected, ...changes, decision };
    setItems((all) => all.map((item) => (item.conversation_id === selected.conversation_id ? updated : item)));
    onDecision({ conversation_id: updated.conversation_id, customer_id: updated.customer_id, decision, channel: updated.channel, message: updated.message, reason });
  };

  useInput((input, key) => {
    if (mode.kind === 'help') {
      setMode({ kind: 'list' });
      return;
    }
    if (mode.kind !== 'list') {
      if (key.escape) return setMode({ kind: 'list' });
      if (key.return && !(mode.kind === 'edit' && key.shift)) {
        if (mode.kind === 'reason') decide('rejected', {}, mode.text.trim());
        if (mode.kind === 'edit') decide('edited', { message: mode.text });
        if (mode.kind === 'filter') {
          setFilter(mode.text);
          setCursor(0);
        }
        return setMode({ kind: 'list' });
      }
      // Ctrl-N adds a line break to an edited message (Enter saves).
      if (mode.kind === 'edit' && key.ctrl && input === 'n') return setMode({ ...mode, text: `${mode.text}\n` });
      if (key.backspace || key.delete) return setMode({ ...mode, text: mode.text.slice(0, -1) });
      if (input && !key.ctrl && !key.meta) setMode({ ...mode, text: mode.text + input });
      return;
    }
    if (input === 'q') return exit();
    if (key.downArrow || input === 'j') return setCursor((c) => Math.min(c + 1, Math.max(visible.length - 1, 0)));
    if (key.upArrow || input === 'k') return setCursor((c) => Math.max(c - 1, 0));
    if (input === '?') return setMode({ kind: 'help' });
    if (input === '/') return setMode({ kind: 'filter', text: filter });
    if (!selected) return;
    if (input === 'a') return decide('approved');
    if (input === 'r') return setMode({ kind: 'reason', text: '' });
    if (input === 'e') return setMode({ kind: 'edit', text: selected.message });
    if (input === 'c') {
      const next = CHANNELS_FOR_REVIEW[(CHANNELS_FOR_REVIEW.indexOf(selected.channel) + 1) % CHANNELS_FOR_REVIEW.length];
      return decide('edited', { channel: next });
    }
  });

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
