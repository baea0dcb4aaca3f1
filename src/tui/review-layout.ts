// The review screen as lines of styled text, cut to the terminal: never wider than `width` columns, never more than
// `height - 1` lines (the last row stays free, so the terminal never scrolls and Ink can redraw in place). From 120
// columns the list and the detail sit side by side; narrower, the detail goes under the list. Pure, so tests can
// measure it; review.tsx only prints the lines.
import { forTerminal } from '../cli/terminal-text.js';
import { receiptLines } from './receipt-lines.js';
import { CHANNELS_FOR_REVIEW, selectedItem, visibleItems, type Mode, type ReviewItem, type ReviewState, type ViewLimits } from './review-state.js';
import { fitToWidth, textWidth, truncateToWidth, wrapToWidth } from './text-width.js';

export interface Segment {
  text: string;
  color?: 'cyan' | 'yellow' | 'gray' | 'red' | 'green' | 'magenta';
  bold?: boolean;
  inverse?: boolean;
}
export type Line = Segment[];

export interface ReviewScreen {
  lines: Line[];
  limits: ViewLimits;
}

const MARK: Record<string, string> = { approved: '✔', rejected: '✘', edited: '✎' };
const MARK_COLOR: Record<string, Segment['color']> = { approved: 'green', rejected: 'red', edited: 'yellow' };
// Short labels keep the list to one line a row; the detail pane shows the full names.
export const SHORT_CHANNEL: Record<string, string> = { twitter_dm_reply: 'DM', twitter_public_reply: 'public', email_reply: 'email', scheduling_phone_call: 'call', no_action: 'none' };
const SHORT_STATUS: Record<string, string> = { resolved: 'resolved', pending_customer_response: 'pending', awaiting_agent: 'agent', escalated: 'escalated' };
const shortTime = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(5, 16) : '-');
// Texts come from tweets and rules: shown without the control characters that would drive the terminal.
const oneLine = (text: string) => forTerminal(text, { singleLine: true });
const paragraph = (text: string) => forTerminal(text.replace(/\t/g, '  ').replace(/\r\n?/g, '\n'));

export const FOOTER: Record<Mode['kind'], string> = {
  list: '↑↓/jk move  a approve  r reject  e edit  c channel  [ ] chat  / filter  ? help  q quit',
  edit: 'Enter save  Ctrl-N new line  Backspace delete  Esc cancel',
  reason: 'Enter reject with this reason  Backspace delete  Esc cancel',
  filter: 'Enter apply (empty shows all)  Backspace delete  Esc cancel',
  channel: '←→/jk choose  1-5 pick  Enter take  Esc cancel',
  send_time: 'Enter save  Backspace delete  Esc cancel  (UTC, YYYY-MM-DD HH:MM)',
  help: 'any key goes back',
};
// The list's keys when the footer above does not fit (80 columns).
const COMPACT_LIST_FOOTER = '↑↓:move a:approve r:reject e:edit c:channel [ ]:chat /:filter ?:help q:quit';

const HELP = [
  'Keys',
  '',
  '↑/↓ or j/k      move through the list',
  'a               approve the action, go to the next',
  'r               reject with a reason (Enter), go to the next',
  'e               edit the message: Enter saves, Ctrl-N adds a line, Esc cancels',
  'c               change the channel: a channel asks for its message and',
  '                send time; no_action clears them',
  '[ ] or PgUp/PgDn scroll the chat',
  '/               filter by channel, status, brand, customer or text',
  '?               this help',
  'q               quit (every decision is already saved)',
  '',
  'Columns: ✔ approved  ✘ rejected  ✎ edited; send = send time (UTC);',
  'LLM = whether a language model rewrote the message (off: the rule’s text).',
];

/** A line of one segment. */
const plain = (text: string, style: Omit<Segment, 'text'> = {}): Line => [{ text, ...style }];

/** The line cut to `width` columns and padded to exactly that width. */
function fitLine(line: Line, width: number): Line {
  const out: Line = [];
  let used = 0;
  for (const segment of line) {
    if (used >= width) break;
    const text = truncateToWidth(segment.text, width - used);
    out.push({ ...segment, text });
    used += textWidth(text);
  }
  if (used < width) out.push({ text: ' '.repeat(width - used) });
  return out;
}

/** The list's columns, sized from the width: the brand gets what is left, up to its longest name. */
function listColumns(items: ReviewItem[], width: number): { customer: number; brand: number; send: number; llm: number; natural: number } {
  const longest = (values: string[], floor: number, cap: number) => Math.min(Math.max(floor, ...values.map((value) => textWidth(oneLine(value)))), cap);
  const customer = longest(items.slice(0, 2000).map((item) => item.customer_id), 8, 14);
  const brandWanted = longest(items.slice(0, 2000).map((item) => item.brand ?? '-'), 5, 24);
  const llmWanted = longest(items.slice(0, 2000).map((item) => item.llm_status), 3, 10);
  // mark, customer, channel (7), status (9): always; then send time (11) and LLM when they fit beside a brand of 8.
  const base = 2 + customer + 1 + 7 + 1 + 9;
  const send = base + 1 + 11 + 1 + 8 <= width ? 11 : 0;
  const llm = base + (send ? 12 : 0) + 1 + llmWanted + 1 + 8 <= width ? llmWanted : 0;
  const brand = Math.max(Math.min(brandWanted, width - base - (send ? 12 : 0) - (llm ? llm + 1 : 0) - 1), 4);
  // The width all columns take at their longest: the list needs no more.
  const natural = base + 12 + llmWanted + 1 + brandWanted + 1;
  return { customer, brand, send, llm, natural };
}

function listLines(state: ReviewState, width: number, rows: number): Line[] {
  const visible = visibleItems(state);
  const columns = listColumns(state.items, width);
  const row = (cells: Array<[string, number]>) => cells.filter(([, size]) => size > 0).map(([text, size]) => fitToWidth(text, size)).join(' ');
  const heading = row([[' ', 1], ['customer', columns.customer], ['brand', columns.brand], ['channel', 7], ['status', 9], ['send (UTC)', columns.send], ['LLM', columns.llm]]);
  const lines: Line[] = [fitLine(plain(heading, { bold: true }), width)];
  const cursor = Math.min(state.cursor, Math.max(visible.length - 1, 0));
  const offset = Math.max(0, Math.min(cursor - Math.floor(rows / 2), visible.length - rows));
  visible.slice(offset, offset + rows).forEach((item, i) => {
    const active = offset + i === cursor;
    const text = row([
      [oneLine(item.customer_id), columns.customer],
      [oneLine(item.brand ?? '-'), columns.brand],
      [SHORT_CHANNEL[item.channel] ?? oneLine(item.channel), 7],
      [SHORT_STATUS[item.issue_status] ?? oneLine(item.issue_status), 9],
      [shortTime(item.send_time), columns.send],
      [oneLine(item.llm_status), columns.llm],
    ]);
    const mark: Segment = { text: `${MARK[item.decision ?? ''] ?? ' '} `, color: MARK_COLOR[item.decision ?? ''], inverse: active };
    lines.push(fitLine([mark, { text, inverse: active }], width));
  });
  if (visible.length === 0) lines.push(fitLine(plain('No action matches the filter.', { color: 'gray' }), width));
  return lines;
}

/** "key=value, …" for the features a rule tested. */
function firedText(fired: string): string {
  try {
    const parsed = JSON.parse(fired || '{}') as Record<string, unknown>;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return fired;
    return Object.entries(parsed)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(', ');
  } catch {
    return fired;
  }
}

/** The chat as wrapped lines, customer lines cyan and agent lines yellow; a line without a speaker keeps the last one's colour. */
function chatLines(chatLog: string, width: number): Line[] {
  const lines: Line[] = [];
  let color: Segment['color'] = 'cyan';
  for (const message of paragraph(chatLog).split('\n')) {
    if (message.startsWith('Customer')) color = 'cyan';
    else if (message.startsWith('Agent')) color = 'yellow';
    for (const part of wrapToWidth(message, width)) lines.push(plain(part, { color }));
  }
  return lines;
}

function detailLines(state: ReviewState, item: ReviewItem | undefined, width: number, height: number): { lines: Line[]; limits: ViewLimits } {
  const none = { chatScrollMax: 0, chatPage: 1 };
  if (!item) return { lines: [plain('No action matches.')], limits: none };
  const { mode } = state;
  const wrap = (text: string, style: Omit<Segment, 'text'> = {}) => wrapToWidth(text, width).map((part) => plain(part, style));
  const channel = mode.kind === 'edit' || mode.kind === 'send_time' ? mode.channel : item.channel;
  const top: Line[] = [
    ...wrap(`${oneLine(channel)} · ${oneLine(item.issue_status)} · ${item.send_time ? `send ${shortTime(item.send_time)} UTC` : 'no send time'}${item.decision ? ` · ${item.decision}` : ''}`, { bold: true }),
  ];
  const editing = mode.kind === 'edit';
  const message = editing ? `${mode.text}▌` : item.message;
  top.push(plain(editing ? 'Message (editing)' : 'Message', { bold: true, color: editing ? 'magenta' : undefined }));
  top.push(...wrap(message ? paragraph(message) : '(none: no_action sends nothing)', editing ? {} : message ? {} : { color: 'gray' }));
  const info: Line[] = [
    ...wrap(`Why: ${oneLine(item.rule_id)}: ${paragraph(item.reasoning)}`, { color: 'gray' }),
    ...(item.fired && item.fired !== '{}' ? wrap(`Fired: ${oneLine(firedText(item.fired))}`, { color: 'gray' }) : []),
    ...receiptLines(item.receipt).flatMap((line) => wrap(oneLine(line), { color: 'gray' })),
  ];
  const chat = chatLines(item.chat_log, width);
  // The message first (in full while editing), then the chat with a heading, then why, cut to what is left.
  const topHeight = Math.min(top.length, Math.max(height - 4, 2));
  const remaining = height - topHeight;
  const chatHeight = Math.min(chat.length, Math.max(remaining - 1 - info.length, Math.min(Math.max(3, Math.floor(remaining * 0.6)), remaining - 1)));
  const infoHeight = Math.max(Math.min(info.length, remaining - 1 - chatHeight), 0);
  const chatScrollMax = Math.max(chat.length - chatHeight, 0);
  const scroll = Math.min(state.chatScroll, chatScrollMax);
  const end = chat.length - scroll;
  const start = Math.max(end - chatHeight, 0);
  const shownTop = editing && top.length > topHeight ? [top[0], top[1], ...top.slice(top.length - (topHeight - 2))] : top.slice(0, topHeight);
  const scrolled = chat.length > chatHeight ? ` · lines ${start + 1}-${end} of ${chat.length} · [ ] scroll` : '';
  const lines = [
    ...shownTop,
    ...(remaining > 0 ? [plain(`Chat${scrolled}`, { bold: true })] : []),
    ...chat.slice(start, end),
    ...info.slice(0, infoHeight - 1),
    // A cut ends in a marker, so the lead knows there is more (a taller or wider terminal shows it).
    ...(infoHeight > 0 ? [infoHeight < info.length ? plain('… (more in a larger terminal)', { color: 'gray' }) : info[infoHeight - 1]] : []),
  ];
  return { lines: lines.slice(0, height), limits: { chatScrollMax, chatPage: Math.max(chatHeight - 1, 1) } };
}

/** The line under the body: what is being typed, or the notice. */
function promptLine(state: ReviewState): Line {
  const { mode, notice } = state;
  const warn: Line = notice ? [{ text: `  ${notice}`, color: 'yellow' }] : [];
  if (mode.kind === 'reason') return [{ text: `Reason for rejecting: ${oneLine(mode.text)}▌`, color: 'red' }, ...warn];
  if (mode.kind === 'filter') return [{ text: `Filter: ${oneLine(mode.text)}▌`, color: 'cyan' }, ...warn];
  if (mode.kind === 'send_time') return [{ text: `Send the ${oneLine(mode.channel)} at (UTC): ${oneLine(mode.text)}▌`, color: 'magenta' }, ...warn];
  if (mode.kind === 'channel') {
    return [
      { text: 'Channel: ', color: 'magenta' },
      ...CHANNELS_FOR_REVIEW.flatMap((channel, i) => [{ text: ` ${i + 1} ${SHORT_CHANNEL[channel] ?? channel} `, inverse: i === mode.choice }, { text: ' ' }]),
      { text: ` ${CHANNELS_FOR_REVIEW[mode.choice]}`, color: 'gray' },
    ];
  }
  if (mode.kind === 'edit') return notice ? warn : plain(`Editing the ${oneLine(mode.channel)} message`, { color: 'magenta' });
  return notice ? [{ text: notice, color: 'yellow' }] : [];
}

function titleLine(state: ReviewState): Line {
  const counts = { approved: 0, edited: 0, rejected: 0 };
  for (const item of state.items) if (item.decision) counts[item.decision] += 1;
  const untouched = state.items.length - counts.approved - counts.edited - counts.rejected;
  const visible = visibleItems(state).length;
  const filter = state.filter ? ` · filter "${oneLine(state.filter)}": ${visible} shown` : '';
  return [
    { text: `Review ${state.items.length} actions`, bold: true },
    { text: `${filter} · ✔ ${counts.approved} approved · ✎ ${counts.edited} edited · ✘ ${counts.rejected} rejected · ${untouched} to review` },
  ];
}

/** The whole screen at this size. */
export function reviewScreen(state: ReviewState, size: { width: number; height: number }): ReviewScreen {
  const width = Math.max(size.width, 20);
  const frame = Math.max(size.height - 1, 8);
  const keys = state.mode.kind === 'list' && textWidth(FOOTER.list) > width ? COMPACT_LIST_FOOTER : FOOTER[state.mode.kind];
  const footer = fitLine(plain(keys, { color: 'gray' }), width);
  if (state.mode.kind === 'help') {
    const help = HELP.slice(0, frame - 1).map((text, i) => fitLine(plain(text, { bold: i === 0 }), width));
    return { lines: [...help, footer], limits: { chatScrollMax: 0, chatPage: 1 } };
  }
  const body = frame - 3;
  const item = selectedItem(state);
  let lines: Line[];
  let limits: ViewLimits;
  if (width >= 120) {
    const listWidth = Math.min(listColumns(state.items, width).natural, Math.round(width * 0.5));
    const detailWidth = width - listWidth - 3;
    const list = listLines(state, listWidth, body - 1);
    const detail = detailLines(state, item, detailWidth, body);
    limits = detail.limits;
    lines = Array.from({ length: body }, (_, i) => [
      ...(list[i] ?? fitLine([], listWidth)),
      { text: ' │ ', color: 'gray' as const },
      ...fitLine(detail.lines[i] ?? [], detailWidth),
    ]);
  } else {
    const listRows = Math.min(Math.max(Math.floor(body * 0.3), 3), Math.max(visibleItems(state).length, 1));
    const list = listLines(state, width, listRows);
    const detail = detailLines(state, item, width, body - list.length - 1);
    limits = detail.limits;
    lines = [...list, fitLine(plain('─'.repeat(width), { color: 'gray' }), width), ...detail.lines.map((line) => fitLine(line, width))];
  }
  return { lines: [fitLine(titleLine(state), width), ...lines, fitLine(promptLine(state), width), footer], limits };
}
