// Compare logic shared by the compare webview and the Markdown/CSV export: rows of metrics per model, op-type
// breakdown, and the layers that differ most between the first model and each other. Pure (no DOM, no vscode).
import type { ModelReport } from '../server/protocol';
import { flops, params, bytes, latency, noLatency } from './format';

export interface Column {
  label: string;
  report: ModelReport | null;
  error?: string;
}

export interface MetricRow {
  metric: string;
  values: string[];
}

export function platformsOf(columns: Column[]): string[] {
  const set = new Set<string>();
  for (const c of columns) if (c.report?.prediction.status === 'ok') for (const p of c.report.prediction.platforms) set.add(p.platform);
  return [...set];
}

export function metricRows(columns: Column[]): MetricRow[] {
  const val = (f: (r: ModelReport) => string) => columns.map((c) => (c.report ? f(c.report) : `error: ${c.error ?? 'not analysed'}`));
  const rows: MetricRow[] = [];
  const platforms = platformsOf(columns);
  if (platforms.length === 0) rows.push({ metric: 'Latency', values: val((r) => noLatency(r)) });
  for (const plat of platforms) {
    rows.push({
      metric: `Latency (${plat})`,
      values: val((r) => {
        const p = r.prediction.status === 'ok' ? r.prediction.platforms.find((x) => x.platform === plat) : undefined;
        return p ? latency(p) : noLatency(r);
      }),
    });
  }
  rows.push({ metric: 'FLOPs', values: val((r) => flops(r.totals.flops)) });
  rows.push({ metric: 'MACs', values: val((r) => flops(r.totals.macs).replace('FLOPs', 'MACs')) });
  rows.push({ metric: 'Params', values: val((r) => params(r.totals.params)) });
  rows.push({ metric: 'Memory traffic', values: val((r) => bytes(r.totals.memory)) });
  rows.push({ metric: 'Nodes', values: val((r) => String(r.nodeCount)) });
  rows.push({ metric: 'Coverage', values: val((r) => `${r.coverage.encoded}/${r.coverage.total}`) });
  return rows;
}

/** Op types across all models, FLOPs per model (0 where absent), biggest first. */
export function opTypeMatrix(columns: Column[]): { opType: string; flops: number[]; counts: number[] }[] {
  const types = new Map<string, { flops: number[]; counts: number[] }>();
  columns.forEach((c, i) => {
    for (const o of c.report?.opTypes ?? []) {
      const row = types.get(o.opType) ?? { flops: columns.map(() => 0), counts: columns.map(() => 0) };
      row.flops[i] = o.flops;
      row.counts[i] = o.count;
      types.set(o.opType, row);
    }
  });
  return [...types].map(([opType, v]) => ({ opType, ...v })).sort((a, b) => Math.max(...b.flops) - Math.max(...a.flops));
}

export interface LayerDiff {
  name: string;
  opType: string;
  /** FLOPs in the first model and in the other (null where the layer is absent). */
  before: number | null;
  after: number | null;
  delta: number;
}

/** Layers matched by name between `a` and `b`, plus those only in one; largest |ΔFLOPs| first. */
export function layersThatDiffer(a: ModelReport, b: ModelReport, limit = 15): LayerDiff[] {
  const left = new Map(a.layers.map((l) => [l.name, l]));
  const right = new Map(b.layers.map((l) => [l.name, l]));
  const diffs: LayerDiff[] = [];
  for (const [name, l] of left) {
    const r = right.get(name);
    const after = r ? r.flops : null;
    diffs.push({ name, opType: l.opType, before: l.flops, after, delta: (after ?? 0) - l.flops });
  }
  for (const [name, r] of right) {
    if (!left.has(name)) diffs.push({ name, opType: r.opType, before: null, after: r.flops, delta: r.flops });
  }
  return diffs
    .filter((d) => d.delta !== 0 || d.before === null || d.after === null)
    .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta))
    .slice(0, limit);
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function toCsv(columns: Column[]): string {
  const lines = [['metric', ...columns.map((c) => c.label)].map(csvCell).join(',')];
  for (const r of metricRows(columns)) lines.push([r.metric, ...r.values].map(csvCell).join(','));
  for (const o of opTypeMatrix(columns)) lines.push([`FLOPs ${o.opType}`, ...o.flops.map(String)].map(csvCell).join(','));
  return lines.join('\n') + '\n';
}

export function toMarkdown(columns: Column[]): string {
  const head = ['Metric', ...columns.map((c) => c.label)].map(mdCell);
  const out = [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`];
  for (const r of metricRows(columns)) out.push(`| ${[r.metric, ...r.values].map(mdCell).join(' | ')} |`);
  out.push('', '| Op type | ' + columns.map((c) => mdCell(c.label) + ' FLOPs').join(' | ') + ' |', `|${[0, ...columns].map(() => ' --- ').join('|')}|`);
  for (const o of opTypeMatrix(columns)) out.push(`| ${mdCell(o.opType)} | ${o.flops.map((f) => flops(f)).join(' | ')} |`);
  const [first, ...rest] = columns;
  for (const other of rest) {
    if (!first?.report || !other.report) continue;
    out.push('', `Layers that differ most (${mdCell(first.label)} → ${mdCell(other.label)}):`, '', '| Layer | Op | FLOPs before | FLOPs after |', '| --- | --- | --- | --- |');
    for (const d of layersThatDiffer(first.report, other.report)) {
      out.push(`| ${mdCell(d.name)} | ${mdCell(d.opType)} | ${d.before === null ? '—' : flops(d.before)} | ${d.after === null ? '—' : flops(d.after)} |`);
    }
  }
  return out.join('\n') + '\n';
}
