// The model view webview: prediction per platform (or the honest "no predictor installed"), coverage and unknown
// ops, totals, a per-op-type chart and a sortable per-layer table. State (the last report and the sort) survives
// a reload through the webview state API.
import { el, kv, vscodeApi } from './dom';
import { barChart } from './charts';
import { parseToModelView, type ToModelView } from './messages';
import type { LayerRow, ModelReport } from '../../src/server/protocol';
import { flops, params, bytes, latency, unknownOpsText, si } from '../../src/extension/format';

type SortKey = 'index' | 'name' | 'opType' | 'outputShape' | 'flops' | 'params' | 'memory';
interface State {
  last?: ToModelView;
  sortKey: SortKey;
  sortDesc: boolean;
}

const api = vscodeApi<State>();
let state: State = api.getState() ?? { sortKey: 'flops', sortDesc: true };
const app = document.getElementById('app')!;
let chart: { destroy(): void } | undefined;

function render(msg: ToModelView): void {
  chart?.destroy();
  chart = undefined;
  app.replaceChildren();
  app.appendChild(el('h1', { text: msg.file, id: 'title' }));
  if (msg.type === 'error') {
    app.appendChild(el('div', { cls: 'error', id: 'error', text: `This file could not be analysed.\n${msg.message}` }));
    return;
  }
  const r = msg.report;
  app.appendChild(el('p', { cls: 'muted', text: `${r.format} · ${r.producer || 'unknown producer'} · opsets ${Object.entries(r.opsets).map(([d, v]) => `${d} ${v}`).join(', ')} · ${r.nodeCount} nodes` }));
  app.appendChild(predictionSection(r, msg.platform));
  app.appendChild(el('h2', { text: 'Coverage' }));
  app.appendChild(kv([
    ['Encoded nodes', `${r.coverage.encoded}/${r.coverage.total}`],
    ['Unknown ops', unknownOpsText(r)],
    ['Incomplete costs', r.incompleteNodes ? `${r.incompleteNodes} nodes (a shape was unknown; their costs are lower bounds)` : 'none'],
  ], 'coverage'));
  app.appendChild(el('h2', { text: 'Cost' }));
  app.appendChild(kv([
    ['FLOPs', flops(r.totals.flops)],
    ['MACs', flops(r.totals.macs).replace('FLOPs', 'MACs')],
    ['Parameters', params(r.totals.params)],
    ['Memory traffic', bytes(r.totals.memory)],
    ['Inputs', r.inputs.map((i) => `${i.name} [${i.shape}]`).join(', ') || 'none'],
  ], 'totals'));
  app.appendChild(el('h2', { text: 'FLOPs per op type' }));
  const canvas = el('canvas', { id: 'op-chart' });
  app.appendChild(el('div', { cls: 'chart-box' }, canvas));
  const top = r.opTypes.slice(0, 20);
  chart = barChart(canvas, top.map((o) => `${o.opType} ×${o.count}`), [{ label: 'FLOPs', data: top.map((o) => o.flops / 1e6) }], 'MFLOPs');
  app.appendChild(el('h2', { text: `Layers (${r.layers.length}${r.layersTruncated ? ` of ${r.nodeCount}` : ''})` }));
  app.appendChild(el('div', { cls: 'layers-box' }, layerTable(r.layers)));
}

function predictionSection(r: ModelReport, platform: string): HTMLElement {
  const box = el('section', { id: 'prediction' }, el('h2', { text: 'Predicted latency' }));
  const p = r.prediction;
  if (p.status === 'none') {
    box.appendChild(el('div', { cls: 'notice', text: 'No predictor installed: no latency is shown. The cost report below is computed from the file.' }));
  } else if (p.status === 'error') {
    box.appendChild(el('div', { cls: 'error', text: `Prediction failed: ${p.message}` }));
  } else {
    const t = el('table', {}, el('tr', {}, el('th', { text: 'Platform' }), el('th', { text: 'Latency', cls: 'num' }), el('th', { text: 'Interval', cls: 'num' })));
    for (const x of p.platforms) {
      const row = el('tr', { cls: x.platform === platform ? 'chosen' : '' },
        el('td', { text: x.platform + (x.platform === platform ? ' (chosen)' : '') }),
        el('td', { text: latency(x), cls: 'num' }),
        el('td', { text: `${x.low.toFixed(2)}–${x.high.toFixed(2)} ms`, cls: 'num' }));
      t.appendChild(row);
    }
    box.appendChild(t);
    box.appendChild(el('p', { cls: 'muted', text: `Execution provider used: ${p.executionProvider}` }));
  }
  return box;
}

const COLUMNS: { key: SortKey; label: string; num: boolean; show: (l: LayerRow) => string }[] = [
  { key: 'index', label: '#', num: true, show: (l) => String(l.index) },
  { key: 'name', label: 'Name', num: false, show: (l) => l.name },
  { key: 'opType', label: 'Op', num: false, show: (l) => l.opType },
  { key: 'outputShape', label: 'Output shape', num: false, show: (l) => l.outputShape },
  { key: 'flops', label: 'FLOPs', num: true, show: (l) => si(l.flops).join(' ') + (l.complete ? '' : ' ≥') },
  { key: 'params', label: 'Params', num: true, show: (l) => si(l.params).join(' ') },
  { key: 'memory', label: 'Memory', num: true, show: (l) => `${si(l.memory).join(' ')}B` },
];

function layerTable(layers: LayerRow[]): HTMLElement {
  const table = el('table', { id: 'layers' });
  const head = el('tr');
  for (const c of COLUMNS) {
    const th = el('th', { text: c.label, cls: `sortable${c.num ? ' num' : ''}` });
    th.dataset.key = c.key;
    if (state.sortKey === c.key) th.classList.add(state.sortDesc ? 'sorted-desc' : 'sorted-asc');
    th.addEventListener('click', () => {
      state = { ...state, sortDesc: state.sortKey === c.key ? !state.sortDesc : c.num, sortKey: c.key };
      api.setState(state);
      table.replaceWith(layerTable(layers));
    });
    head.appendChild(th);
  }
  head.appendChild(el('th', { text: 'Measured', cls: 'num' }));
  table.appendChild(el('thead', {}, head));
  const body = el('tbody');
  const dir = state.sortDesc ? -1 : 1;
  const key = state.sortKey;
  const sorted = [...layers].sort((a, b) => {
    const x = a[key], y = b[key];
    return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * dir;
  });
  for (const l of sorted) {
    const tr = el('tr');
    for (const c of COLUMNS) tr.appendChild(el('td', { text: c.show(l), cls: c.num ? 'num' : '' }));
    tr.appendChild(el('td', { text: '—', cls: 'num muted' }));
    body.appendChild(tr);
  }
  table.appendChild(body);
  return table;
}

window.addEventListener('message', (e: MessageEvent) => {
  const msg = parseToModelView(e.data);
  if (!msg) return; // not ours or malformed: ignore rather than render something half-valid
  state = { ...state, last: msg };
  api.setState(state);
  render(msg);
});

if (state.last) render(state.last);
api.postMessage({ type: 'ready' });
