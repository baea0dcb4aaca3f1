// The backtest as a self-contained HTML page: per-channel bars, the confusion matrix as a heat table,
// engine against baseline, and timing. Inline SVG, no scripts, no external assets.
import { CHANNELS } from './rules.schema.js';
import type { EvaluationResult } from './evaluation.js';

const escape = (text: string) => text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] as string);

function bars(title: string, rows: Array<{ label: string; values: Array<{ name: string; value: number; color: string }> }>, max = 1): string {
  const rowHeight = 18 * Math.max(...rows.map((row) => row.values.length)) + 10;
  const height = rows.length * rowHeight + 30;
  const parts = rows.map((row, r) => {
    const y = 20 + r * rowHeight;
    const label = `<text x="0" y="${y + 12}" font-size="12">${escape(row.label)}</text>`;
    const values = row.values.map((v, i) => {
      const width = max > 0 ? Math.round((v.value / max) * 360) : 0;
      return `<rect x="190" y="${y + i * 18}" width="${width}" height="14" fill="${v.color}"><title>${escape(v.name)}: ${v.value}</title></rect>` +
        `<text x="${196 + width}" y="${y + i * 18 + 11}" font-size="11">${escape(v.name)} ${v.value}</text>`;
    });
    return label + values.join('');
  });
  return `<h2>${escape(title)}</h2><svg width="680" height="${height}" role="img">${parts.join('')}</svg>`;
}

export function renderEvaluationHtml(result: EvaluationResult): string {
  const perChannel = bars(
    'Precision and recall per channel',
    CHANNELS.map((channel) => ({
      label: channel,
      values: [
        { name: 'precision', value: result.per_channel[channel].precision, color: '#4c78a8' },
        { name: 'recall', value: result.per_channel[channel].recall, color: '#f58518' },
      ],
    })),
  );
  const versus = bars('Engine against the majority baseline', [
    { label: 'agreement', values: [{ name: 'engine', value: result.agreement, color: '#54a24b' }, { name: 'baseline', value: result.baseline_agreement, color: '#bab0ac' }] },
    { label: 'macro-F1', values: [{ name: 'engine', value: result.macro_f1, color: '#54a24b' }, { name: 'baseline', value: result.baseline_macro_f1, color: '#bab0ac' }] },
  ]);
  const peak = Math.max(1, ...CHANNELS.flatMap((a) => CHANNELS.map((p) => result.confusion[a][p])));
  const cells = CHANNELS.map((actual) => {
    const tds = CHANNELS.map((predicted) => {
      const n = result.confusion[actual][predicted];
      const alpha = (n / peak).toFixed(2);
      return `<td style="background: rgba(76,120,168,${alpha})">${n}</td>`;
    }).join('');
    return `<tr><th>${actual}</th>${tds}</tr>`;
  }).join('');
  const timing = result.timing;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Riverline backtest</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:900px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{text-align:left;font-weight:600}</style>
</head><body>
<h1>Backtest of the next best action rules</h1>
<p>${result.samples} brand replies replayed. Agreement ${result.agreement} (baseline ${result.baseline_agreement}, always "${result.baseline_channel}"); macro-F1 ${result.macro_f1} (baseline ${result.baseline_macro_f1}). Rules: ${escape(result.rules)}.</p>
${versus}
${perChannel}
<h2>Confusion matrix (rows: what the agent did, columns: what the engine chose)</h2>
<table><tr><th></th>${CHANNELS.map((c) => `<th>${c}</th>`).join('')}</tr>${cells}</table>
<h2>Timing</h2>
<p>Median predicted send delay ${timing.median_predicted_delay_minutes ?? 'n/a'} min; median actual brand response ${timing.median_actual_response_minutes ?? 'n/a'} min; median absolute difference ${timing.median_absolute_difference_minutes ?? 'n/a'} min.</p>
</body></html>
`;
}
