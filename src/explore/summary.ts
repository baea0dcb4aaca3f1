// explore --summary: the distributions a support lead looks at first. summarize reads them (the object --json
// prints); formatSummary draws them as small bar charts.
import type { Explorer } from './explore.js';

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
  /** Over all stored predictions. */
  channels: Bucket[];
}

async function buckets(explorer: Explorer, sql: string): Promise<Bucket[]> {
  const { rows } = await explorer.query(sql);
  return rows.map((row) => ({ label: String(row.label), count: Number(row.n) }));
}

const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

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
    channels: await buckets(explorer, `SELECT channel AS label, count(*) AS n FROM nba_predictions GROUP BY 1 ORDER BY n DESC, 1`),
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
    bars('Channels chosen (all stored predictions)', summary.channels),
  ].join('\n\n');
}
