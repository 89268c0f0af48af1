// The model view webview: prediction per platform (or the honest "no predictor installed"), coverage and unknown
// ops, totals, a per-op-type chart and a sortable per-layer table. State (the last report and the sort) survives
// a reload through the webview state API.
import { el, kv, vscodeApi } from './dom';
import { barChart } from './charts';
import { parseToModelView, type ToModelView } from './messages';
import type { LayerRow, ModelReport, MeasureResult } from '../../src/server/protocol';
import { flops, params, bytes, latency, oodText, heldOutText, unknownOpsText, si, ms } from '../../src/extension/format';
import { describeFusions } from '../../src/core/tokenizer/coverage';

type SortKey = 'index' | 'name' | 'opType' | 'outputShape' | 'flops' | 'params' | 'memory' | 'measured';
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
  app.appendChild(measuredSection(msg.measured, msg.trusted === true));
  app.appendChild(el('h2', { text: 'Coverage' }));
  const fused = r.fusions ? describeFusions(r.fusions) : undefined;
  app.appendChild(kv([
    ['Encoded nodes', `${r.coverage.encoded}/${r.coverage.total}`],
    ['Unknown ops', unknownOpsText(r)],
    ...(fused ? [['Fused', fused] as [string, string]] : []),
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
  const measured = new Map((msg.measured?.layers ?? []).map((l) => [l.index, l.ms]));
  app.appendChild(el('div', { cls: 'layers-box' }, layerTable(r.layers, measured)));
}

function measuredSection(m: MeasureResult | undefined, trusted: boolean): HTMLElement {
  const box = el('section', { id: 'measured' }, el('h2', { text: 'Measured on this machine' }));
  if (m) {
    box.appendChild(el('p', { id: 'measured-total', text: `${ms(m.totalMs)} ms per run — ${m.setup}${m.randomWeights ? '; the file has no weights, seeded random ones were filled in' : ''}. Per-layer times are in the table's Measured column.` }));
  } else {
    box.appendChild(el('p', { cls: 'muted', text: trusted
      ? 'Not measured yet. Measuring runs the model with onnxruntime on this machine (CPU, 1 thread).'
      : 'Measuring runs the model, which needs a trusted workspace (Restricted Mode is on).' }));
  }
  const button = el('button', { id: 'measure', text: m ? 'Measure again' : 'Measure on this machine' });
  button.addEventListener('click', () => api.postMessage({ type: 'measure' }));
  box.appendChild(button);
  return box;
}

function predictionSection(r: ModelReport, platform: string): HTMLElement {
  const box = el('section', { id: 'prediction' }, el('h2', { text: 'Predicted latency' }));
  const p = r.prediction;
  if (p.status === 'none') {
    box.appendChild(el('div', { cls: 'notice', text: 'No predictor installed: no latency is shown. The cost report below is computed from the file.' }));
  } else if (p.status === 'error') {
    box.appendChild(el('div', { cls: 'error', text: `Prediction failed: ${p.message}` }));
  } else {
    const t = el('table', {}, el('tr', {}, el('th', { text: 'Platform' }), el('th', { text: 'Latency', cls: 'num' }), el('th', { text: 'Interval', cls: 'num' }),
      el('th', { text: 'Predictor error on held-out networks', cls: 'num' })));
    for (const x of p.platforms) {
      const row = el('tr', { cls: x.platform === platform ? 'chosen' : '' },
        el('td', { text: x.platform + (x.platform === platform ? ' (chosen)' : '') }),
        el('td', { text: latency(x), cls: 'num' }),
        el('td', { text: `${x.low.toFixed(2)}–${x.high.toFixed(2)} ms`, cls: 'num' }),
        el('td', { text: x.heldOut ? `${x.heldOut.mape.toFixed(1)} %` : 'not stated', cls: 'num' }));
      row.title = heldOutText(x) ?? '';
      t.appendChild(row);
    }
    box.appendChild(t);
    if (p.platforms.some((x) => x.heldOut)) {
      box.appendChild(el('p', { cls: 'muted', text: 'Held-out error: the mean relative error on networks of the predictor\'s own training data that it never saw. '
        + 'Networks unlike that data can be off by more; the out-of-distribution notes below say when a model is one.' }));
    }
    // Why a platform's prediction is out of distribution, under the table (the tooltip and hover say it too).
    for (const x of p.platforms) {
      const ood = oodText(x);
      if (ood) box.appendChild(el('p', { cls: 'notice', text: `${x.platform}: ${ood}` }));
    }
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

function layerTable(layers: LayerRow[], measured: Map<number, number>): HTMLElement {
  const table = el('table', { id: 'layers' });
  const head = el('tr');
  for (const c of COLUMNS) {
    const th = el('th', { text: c.label, cls: `sortable${c.num ? ' num' : ''}` });
    th.dataset.key = c.key;
    if (state.sortKey === c.key) th.classList.add(state.sortDesc ? 'sorted-desc' : 'sorted-asc');
    th.addEventListener('click', () => {
      state = { ...state, sortDesc: state.sortKey === c.key ? !state.sortDesc : c.num, sortKey: c.key };
      api.setState(state);
      table.replaceWith(layerTable(layers, measured));
    });
    head.appendChild(th);
  }
  const mth = el('th', { text: 'Measured', cls: 'sortable num' });
  mth.dataset.key = 'measured';
  if (state.sortKey === 'measured') mth.classList.add(state.sortDesc ? 'sorted-desc' : 'sorted-asc');
  mth.addEventListener('click', () => {
    state = { ...state, sortDesc: state.sortKey === 'measured' ? !state.sortDesc : true, sortKey: 'measured' };
    api.setState(state);
    table.replaceWith(layerTable(layers, measured));
  });
  head.appendChild(mth);
  table.appendChild(el('thead', {}, head));
  const body = el('tbody');
  const dir = state.sortDesc ? -1 : 1;
  const key = state.sortKey;
  const value = (l: LayerRow) => (key === 'measured' ? measured.get(l.index) ?? -1 : l[key]);
  const sorted = [...layers].sort((a, b) => {
    const x = value(a), y = value(b);
    return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * dir;
  });
  for (const l of sorted) {
    const tr = el('tr');
    for (const c of COLUMNS) tr.appendChild(el('td', { text: c.show(l), cls: c.num ? 'num' : '' }));
    const t = measured.get(l.index);
    tr.appendChild(t === undefined ? el('td', { text: '—', cls: 'num muted' }) : el('td', { text: `${t.toFixed(3)} ms`, cls: 'num measured' }));
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
