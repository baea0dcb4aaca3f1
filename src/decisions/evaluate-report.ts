// The backtest as a self-contained HTML page: the three policies against the majority baseline, per-channel bars,
// confusion matrices as heat tables, and the off-policy estimates with their intervals. Inline SVG, no scripts.
import { CHANNELS } from './rules.schema.js';
import { POLICIES } from './policy.js';
import type { EvaluationResult } from './evaluation.js';

const escape = (text: string) => text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] as string);

const COLORS = { rules: '#bab0ac', imitate: '#4c78a8', learned: '#54a24b', baseline: '#e45756' } as const;

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

/** Each policy's estimates as points with their 95% interval, on a 0..1 axis, with the agents' own rate as a line. */
function intervals(result: EvaluationResult): string {
  const x = (value: number) => 190 + Math.round(Math.max(0, Math.min(1, value)) * 400);
  const rows = POLICIES.flatMap((policy) => {
    const estimate = result.off_policy[policy];
    return (['ips', 'snips', 'dr'] as const).flatMap((name) => {
      const value = estimate[name];
      const ci = estimate.ci95[name];
      return value === null || ci === null ? [] : [{ label: `${policy} ${name.toUpperCase()}`, value, ci, color: COLORS[policy] }];
    });
  });
  const height = rows.length * 20 + 40;
  const logged = x(result.logged_resolution_rate);
  const body = rows.map((row, i) => {
    const y = 20 + i * 20;
    return `<text x="0" y="${y + 4}" font-size="12">${escape(row.label)}</text>` +
      `<line x1="${x(row.ci[0])}" x2="${x(row.ci[1])}" y1="${y}" y2="${y}" stroke="${row.color}" stroke-width="3"/>` +
      `<circle cx="${x(row.value)}" cy="${y}" r="4" fill="${row.color}"><title>${row.value} [${row.ci[0]}, ${row.ci[1]}]</title></circle>` +
      `<text x="${x(row.ci[1]) + 6}" y="${y + 4}" font-size="11">${row.value} [${row.ci[0]}, ${row.ci[1]}]</text>`;
  });
  const axis = `<line x1="190" x2="590" y1="${height - 12}" y2="${height - 12}" stroke="#999"/><text x="186" y="${height}" font-size="10">0</text><text x="586" y="${height}" font-size="10">1</text>`;
  const line = `<line x1="${logged}" x2="${logged}" y1="8" y2="${height - 12}" stroke="#333" stroke-dasharray="4 3"><title>agents: ${result.logged_resolution_rate}</title></line>`;
  return `<svg width="720" height="${height}" role="img">${line}${body.join('')}${axis}</svg>`;
}

function confusionTable(result: EvaluationResult, policy: (typeof POLICIES)[number]): string {
  const confusion = result.policies[policy].confusion;
  const peak = Math.max(1, ...CHANNELS.flatMap((a) => CHANNELS.map((p) => confusion[a][p])));
  const cells = CHANNELS.map((actual) => {
    const tds = CHANNELS.map((predicted) => `<td style="background: rgba(76,120,168,${(confusion[actual][predicted] / peak).toFixed(2)})">${confusion[actual][predicted]}</td>`).join('');
    return `<tr><th>${actual}</th>${tds}</tr>`;
  }).join('');
  return `<h3>${policy}</h3><table><tr><th></th>${CHANNELS.map((c) => `<th>${c}</th>`).join('')}</tr>${cells}</table>`;
}

export function renderEvaluationHtml(result: EvaluationResult): string {
  const split = result.split;
  const splitText = split.mode === 'time'
    ? `Trained on the earliest ${Math.round((split.fraction ?? 0) * 100)}% of brand replies (${split.train_samples}, before ${escape(split.until ?? '')}); scored on the latest ${split.test_samples} (${escape(split.test_from ?? '')} to ${escape(split.test_to ?? '')}).`
    : `Model ${escape(result.model_id)} scored on every brand reply of this store (${split.test_samples}); nothing here was trained on.`;
  const versus = bars('Policies against the majority baseline', [
    { label: 'agreement', values: [...POLICIES.map((p) => ({ name: p, value: result.policies[p].agreement, color: COLORS[p] })), { name: `always ${result.baseline.channel}`, value: result.baseline.agreement, color: COLORS.baseline }] },
    { label: 'macro-F1', values: [...POLICIES.map((p) => ({ name: p, value: result.policies[p].macro_f1, color: COLORS[p] })), { name: `always ${result.baseline.channel}`, value: result.baseline.macro_f1, color: COLORS.baseline }] },
  ]);
  const perChannel = bars(
    'Recall per channel (what share of the agents\' choices each policy matched)',
    CHANNELS.map((channel) => ({ label: channel, values: POLICIES.map((p) => ({ name: `${p} P ${result.policies[p].per_channel[channel].precision} R`, value: result.policies[p].per_channel[channel].recall, color: COLORS[p] })) })),
  );
  const opeRows = POLICIES.map((p) => {
    const o = result.off_policy[p];
    const cell = (value: number | null, ci: [number, number] | null) => (value === null || ci === null ? '<td>n/a</td>' : `<td>${value} [${ci[0]}, ${ci[1]}]</td>`);
    return `<tr><th>${p}</th>${cell(o.ips, o.ci95.ips)}${cell(o.snips, o.ci95.snips)}${cell(o.dr, o.ci95.dr)}<td>${o.ess}</td></tr>`;
  }).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Riverline backtest</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:960px}table{border-collapse:collapse;margin-bottom:1rem}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{text-align:left;font-weight:600}</style>
</head><body>
<h1>Backtest: rules, imitate and learned</h1>
<p>${result.samples} brand replies replayed. ${splitText} Model ${escape(result.model_id)}. Rules: ${escape(result.rules)}.</p>
<table><tr><th>policy</th><th>agreement</th><th>macro-F1</th><th>decided by outcome / propensity / rules</th></tr>
${POLICIES.map((p) => `<tr><th>${p}</th><td>${result.policies[p].agreement}</td><td>${result.policies[p].macro_f1}</td><td>${result.policies[p].layers.outcome} / ${result.policies[p].layers.propensity} / ${result.policies[p].layers.rules}</td></tr>`).join('')}
<tr><th>always ${result.baseline.channel}</th><td>${result.baseline.agreement}</td><td>${result.baseline.macro_f1}</td><td></td></tr></table>
${versus}
${perChannel}
<h2>Off-policy estimates of the resolution rate (95% bootstrap intervals)</h2>
<p>The agents resolved ${result.logged_resolution_rate} of these replies (dashed line). Each estimate says how often the issue would have resolved had the policy chosen; ESS is the effective sample size of the importance weights.</p>
<table><tr><th>policy</th><th>IPS</th><th>SNIPS</th><th>DR</th><th>ESS</th></tr>${opeRows}</table>
${intervals(result)}
<h2>Confusion matrices (rows: what the agent did, columns: what the policy chose)</h2>
${POLICIES.map((p) => confusionTable(result, p)).join('\n')}
</body></html>
`;
}
