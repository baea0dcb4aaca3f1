// explore --summary: the distributions a support lead looks at first. summarize reads them (the object --json
// prints); formatSummary draws them as small bar charts. Channels count the latest predict run only: the store keeps
// every run's predictions, and adding runs up would count a conversation once per run.
import { shortId } from '../progress/summary-text.js';
import type { Explorer } from './explore.js';

/** The tables summarize reads, for openExplorer to copy. */
export const SUMMARY_TABLES = ['conversations', 'nba_predictions'] as const;

export interface PredictRun {
  run_id: string;
  /** When its predictions were written (ISO). */
  created_at: string;
  predictions: number;
  /** How many predict runs the store holds, this one included. */
  runs_stored: number;
}

export interface Bucket {
  label: string;
  count: number;
}

export interface BrandResponse {
  brand: string;
  conversations: number;
  /** Median and 90th percentile of the first-response time, in minutes; null when no conversation got a response. */
  p50_minutes: number | null;
  p90_minutes: number | null;
}

export interface ExploreSummary {
  messages_per_conversation: Bucket[];
  /** The ten busiest brands. */
  brand_first_response_minutes: BrandResponse[];
  topics: Bucket[];
  customer_sentiment_end: Bucket[];
  resolution: Bucket[];
  /** Over the predictions of predict_run. */
  channels: Bucket[];
  /** The run `channels` counts: the latest predict run; null when the store holds no predictions. */
  predict_run: PredictRun | null;
}

async function buckets(explorer: Explorer, sql: string): Promise<Bucket[]> {
  const { rows } = await explorer.query(sql);
  return rows.map((row) => ({ label: String(row.label), count: Number(row.n) }));
}

const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/** DuckDB's text of a timestamp ("2017-11-01 15:54:37.123", with "+00" when it has a zone) as ISO 8601 UTC. */
function isoTime(text: string): string {
  const zoned = text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  const date = new Date(/(Z|[+-]\d\d:?\d\d)$/.test(zoned) ? zoned : `${zoned}Z`);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}

async function latestPredictRun(explorer: Explorer): Promise<PredictRun | null> {
  const { rows } = await explorer.query(
    `SELECT run_id, CAST(max(created_at) AS VARCHAR) AS created_at, count(*) AS predictions,
       (SELECT count(DISTINCT run_id) FROM nba_predictions) AS runs_stored
     FROM nba_predictions GROUP BY run_id ORDER BY max(created_at) DESC, run_id DESC LIMIT 1`,
  );
  const [row] = rows;
  return row ? { run_id: String(row.run_id), created_at: isoTime(String(row.created_at)), predictions: Number(row.predictions), runs_stored: Number(row.runs_stored) } : null;
}

export async function summarize(explorer: Explorer): Promise<ExploreSummary> {
  const messagesPerConversation = await buckets(
    explorer,
    `SELECT label, count(*) AS n FROM (SELECT CASE WHEN message_count = 1 THEN '1' WHEN message_count = 2 THEN '2' WHEN message_count = 3 THEN '3'
       WHEN message_count <= 5 THEN '4-5' WHEN message_count <= 9 THEN '6-9' ELSE '10+' END AS label,
       CASE WHEN message_count <= 3 THEN message_count WHEN message_count <= 5 THEN 4 WHEN message_count <= 9 THEN 6 ELSE 10 END AS k FROM conversations)
     GROUP BY label, k ORDER BY k`,
  );
  const { rows: brands } = await explorer.query(
    `SELECT brand, count(*) AS conversations,
       round(quantile_cont(first_response_minutes, 0.5), 1) AS p50, round(quantile_cont(first_response_minutes, 0.9), 1) AS p90
     FROM conversations WHERE brand IS NOT NULL GROUP BY brand ORDER BY conversations DESC, brand LIMIT 10`,
  );
  const predictRun = await latestPredictRun(explorer);
  return {
    messages_per_conversation: messagesPerConversation,
    brand_first_response_minutes: brands.map((b) => ({ brand: String(b.brand), conversations: Number(b.conversations), p50_minutes: numberOrNull(b.p50), p90_minutes: numberOrNull(b.p90) })),
    topics: await buckets(explorer, `SELECT topic AS label, count(*) AS n FROM conversations GROUP BY topic ORDER BY n DESC, topic`),
    customer_sentiment_end: await buckets(
      explorer,
      `SELECT label, count(*) AS n FROM (SELECT CASE WHEN customer_sentiment_end <= -0.05 THEN 'negative' WHEN customer_sentiment_end >= 0.05 THEN 'positive' ELSE 'neutral' END AS label FROM conversations)
       GROUP BY label ORDER BY CASE label WHEN 'negative' THEN 1 WHEN 'neutral' THEN 2 ELSE 3 END`,
    ),
    resolution: await buckets(explorer, `SELECT resolution_status AS label, count(*) AS n FROM conversations GROUP BY 1 ORDER BY 1`),
    // The run id is the store's own text, quoted as a SQL string.
    channels: predictRun
      ? await buckets(explorer, `SELECT channel AS label, count(*) AS n FROM nba_predictions WHERE run_id = '${predictRun.run_id.replaceAll("'", "''")}' GROUP BY 1 ORDER BY n DESC, 1`)
      : [],
    predict_run: predictRun,
  };
}

function bars(title: string, buckets: Bucket[], width = 30): string {
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const labelWidth = Math.max(...buckets.map((b) => b.label.length), 4);
  const lines = buckets.map((b) => `  ${b.label.padEnd(labelWidth)} ${'█'.repeat(Math.round((b.count / max) * width)).padEnd(width)} ${b.count.toLocaleString('en-US')}`);
  return [title, ...(lines.length > 0 ? lines : ['  (no rows)'])].join('\n');
}

export function formatSummary(summary: ExploreSummary): string {
  return [
    bars('Messages per conversation', summary.messages_per_conversation),
    [
      'Brand first-response minutes (p50 / p90), busiest brands',
      ...summary.brand_first_response_minutes.map(
        (b) => `  ${b.brand.padEnd(18)} ${String(b.p50_minutes ?? '-').padStart(8)} / ${String(b.p90_minutes ?? '-').padEnd(8)} ${b.conversations.toLocaleString('en-US')} conversations`,
      ),
    ].join('\n'),
    bars('Topics', summary.topics),
    bars('Customer sentiment at the end of the conversation', summary.customer_sentiment_end),
    bars('Resolution', summary.resolution),
    bars(channelsTitle(summary.predict_run), summary.channels),
  ].join('\n\n');
}

function channelsTitle(run: PredictRun | null): string {
  if (!run) return 'Channels chosen (no predict run yet)';
  const when = run.created_at.slice(0, 16).replace('T', ' ');
  return `Channels chosen, predict run ${shortId(run.run_id)} of ${when} UTC (${run.runs_stored === 1 ? 'the only one' : `latest of ${run.runs_stored}`})`;
}
