// The compare webview: metrics side by side, FLOPs per op type as grouped bars (Chart.js), and the layers that
// differ most between the first model and each other one. Export buttons ask the extension to save Markdown/CSV.
import { el, vscodeApi } from './dom';
import { barChart } from './charts';
import { parseToCompareView, type ToCompareView } from './messages';
import { metricRows, opTypeMatrix, layersThatDiffer } from '../../src/extension/compareModel';
import { flops } from '../../src/extension/format';

const api = vscodeApi<ToCompareView>();
const app = document.getElementById('app')!;
let chart: { destroy(): void } | undefined;

function render(msg: ToCompareView): void {
  chart?.destroy();
  app.replaceChildren();
  const cols = msg.columns;
  app.appendChild(el('h1', { text: `Compare: ${cols.map((c) => c.label).join(' vs ')}` }));
  const md = el('button', { text: 'Export Markdown', id: 'export-md' });
  md.addEventListener('click', () => api.postMessage({ type: 'export', format: 'markdown' }));
  const csv = el('button', { text: 'Export CSV', id: 'export-csv' });
  csv.addEventListener('click', () => api.postMessage({ type: 'export', format: 'csv' }));
  app.appendChild(el('p', {}, md, csv));

  const table = el('table', { id: 'metrics' }, el('tr', {}, el('th', { text: 'Metric' }), ...cols.map((c) => el('th', { text: c.label, cls: 'num' }))));
  for (const r of metricRows(cols)) table.appendChild(el('tr', {}, el('td', { text: r.metric }), ...r.values.map((v) => el('td', { text: v, cls: 'num' }))));
  app.appendChild(table);

  app.appendChild(el('h2', { text: 'FLOPs per op type' }));
  const canvas = el('canvas', { id: 'op-chart' });
  app.appendChild(el('div', { cls: 'chart-box' }, canvas));
  const ops = opTypeMatrix(cols).slice(0, 15);
  chart = barChart(canvas, ops.map((o) => o.opType), cols.map((c, i) => ({ label: c.label, data: ops.map((o) => o.flops[i] / 1e6) })), 'MFLOPs');

  const [first, ...rest] = cols;
  for (const other of rest) {
    if (!first?.report || !other.report) continue;
    app.appendChild(el('h2', { text: `Layers that differ most: ${first.label} → ${other.label}` }));
    const diffs = layersThatDiffer(first.report, other.report);
    if (diffs.length === 0) {
      app.appendChild(el('p', { cls: 'muted', text: 'No layer differs in FLOPs.' }));
      continue;
    }
    const t = el('table', { cls: 'layer-diff' }, el('tr', {}, el('th', { text: 'Layer' }), el('th', { text: 'Op' }),
      el('th', { text: 'FLOPs before', cls: 'num' }), el('th', { text: 'FLOPs after', cls: 'num' })));
    for (const d of diffs) {
      t.appendChild(el('tr', {}, el('td', { text: d.name }), el('td', { text: d.opType }),
        el('td', { text: d.before === null ? '—' : flops(d.before), cls: 'num' }),
        el('td', { text: d.after === null ? '—' : flops(d.after), cls: `num ${d.delta > 0 ? 'worse' : 'better'}` })));
    }
    app.appendChild(t);
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  const msg = parseToCompareView(e.data);
  if (!msg) return;
  api.setState(msg);
  render(msg);
});

const saved = api.getState();
if (saved) render(saved);
api.postMessage({ type: 'ready' });
