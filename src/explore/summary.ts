// explore --summary: the distributions a support lead looks at first, with small bar charts.
import type { Explorer } from './explore.js';

interface Bucket {
  label: string;
  n: number;
}

function bars(title: string, buckets: Bucket[], width = 30): string {
  const max = Math.max(1, ...buckets.map((b) => b.n));
  const labelWidth = Math.max(...buckets.map((b) => b.label.length), 4);
  const lines = buckets.map((b) => `  ${b.label.padEnd(labelWidth)} ${'█'.repeat(Math.round((b.n / max) * width)).padEnd(width)} ${b.n.toLocaleString('en-US')}`);
  return [title, ...(lines.length > 0 ? lines : ['  (no rows)'])].join('\n');
}

async function buckets(explorer: Explorer, sql: string): Promise<Bucket[]> {
  const { rows } = await explorer.query(sql);
  return rows.map((row) => ({ label: String(row.label), n: Number(row.n) }));
}

export async function summarize(explorer: Explorer): Promise<string> {
  const sections: string[] = [];
  sections.push(
    bars(
      'Messages per conversation',
      await buckets(
        explorer,
        `SELECT label, count(*) AS n FROM (SELECT CASE WHEN message_count = 1 THEN '1' WHEN message_count = 2 THEN '2' WHEN message_count = 3 THEN '3'
           WHEN message_count <= 5 THEN '4-5' WHEN message_count <= 9 THEN '6-9' ELSE '10+' END AS label,
           CASE WHEN message_count <= 3 THEN message_count WHEN message_count <= 5 THEN 4 WHEN message_count <= 9 THEN 6 ELSE 10 END AS k FROM conversations)
         GROUP BY label, k ORDER BY k`,
      ),
    ),
  );
  const { rows: brands } = await explorer.query(
    `SELECT brand, count(*) AS conversations,
       round(quantile_cont(first_response_minutes, 0.5), 1) AS p50, round(quantile_cont(first_response_minutes, 0.9), 1) AS p90
     FROM conversations WHERE brand IS NOT NULL GROUP BY brand ORDER BY conversations DESC, brand LIMIT 10`,
  );
  sections.push(
    [
      'Brand first-response minutes (p50 / p90), busiest brands',
      ...brands.map((b) => `  ${String(b.brand).padEnd(18)} ${String(b.p50 ?? '-').padStart(8)} / ${String(b.p90 ?? '-').padEnd(8)} ${Number(b.conversations).toLocaleString('en-US')} conversations`),
    ].join('\n'),
  );
  sections.push(bars('Topics', await buckets(explorer, `SELECT topic AS label, count(*) AS n FROM conversations GROUP BY topic ORDER BY n DESC, topic`)));
  sections.push(
    bars(
      'Customer sentiment at the end of the conversation',
      await buckets(
        explorer,
        `SELECT label, count(*) AS n FROM (SELECT CASE WHEN customer_sentiment_end <= -0.05 THEN 'negative' WHEN customer_sentiment_end >= 0.05 THEN 'positive' ELSE 'neutral' END AS label FROM conversations)
         GROUP BY label ORDER BY CASE label WHEN 'negative' THEN 1 WHEN 'neutral' THEN 2 ELSE 3 END`,
      ),
    ),
  );
  sections.push(bars('Resolution', await buckets(explorer, `SELECT resolution_status AS label, count(*) AS n FROM conversations GROUP BY 1 ORDER BY 1`)));
  sections.push(bars('Channels chosen (all stored predictions)', await buckets(explorer, `SELECT channel AS label, count(*) AS n FROM nba_predictions GROUP BY 1 ORDER BY n DESC, 1`)));
  return sections.join('\n\n');
}
