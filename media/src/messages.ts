// Messages between the extension and its webviews, validated on both sides: the webview treats what it gets as
// data to render as text, and the extension accepts only these shapes from the webview. No DOM, no vscode here:
// both sides import it.
import type { ModelReport, MeasureResult } from '../../src/server/protocol';

export type ToModelView =
  | { type: 'report'; file: string; platform: string; report: ModelReport; measured?: MeasureResult; trusted?: boolean }
  | { type: 'error'; file: string; message: string };

export type FromModelView = { type: 'ready' } | { type: 'compareWithBaseline' } | { type: 'measure' };

export interface CompareColumn {
  label: string;
  report: ModelReport | null;
  error?: string;
}

export interface ToCompareView {
  type: 'compare';
  platform: string;
  columns: CompareColumn[];
  /** What the extension needs to rebuild the panel after a reload (kept in the webview's state). */
  restore?: { label: string; path: string }[];
}

export type FromCompareView = { type: 'ready' } | { type: 'export'; format: 'markdown' | 'csv' };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Enough of a ModelReport's shape that rendering cannot throw on it. */
export function isModelReport(v: unknown): v is ModelReport {
  if (!isObj(v) || typeof v.path !== 'string' || !isObj(v.totals) || !isObj(v.coverage) || !isObj(v.prediction)) return false;
  const t = v.totals;
  if (![t.flops, t.macs, t.params, t.memory].every(isNum)) return false;
  if (!Array.isArray(v.layers) || !Array.isArray(v.opTypes) || !isObj(v.unknownOps)) return false;
  const p = v.prediction;
  if (p.status === 'ok') {
    if (typeof p.executionProvider !== 'string' || !Array.isArray(p.platforms)) return false;
    const reasons = (r: unknown) => r === undefined || (Array.isArray(r) && r.every((s) => typeof s === 'string'));
    const heldOut = (h: unknown) => h === undefined || (isObj(h) && isNum(h.mape) && isNum(h.graphs) && (h.insideInterval === undefined || isNum(h.insideInterval)));
    if (!p.platforms.every((x) => isObj(x) && typeof x.platform === 'string' && isNum(x.latencyMs) && isNum(x.low) && isNum(x.high) && reasons(x.oodReasons) && heldOut(x.heldOut))) return false;
  } else if (p.status !== 'none' && p.status !== 'error') return false;
  return true;
}

export function isMeasureResult(v: unknown): v is MeasureResult {
  return isObj(v) && isNum(v.totalMs) && isNum(v.runs) && typeof v.setup === 'string' && typeof v.randomWeights === 'boolean'
    && Array.isArray(v.layers) && v.layers.every((l) => isObj(l) && isNum(l.index) && isNum(l.ms));
}

export function parseToModelView(v: unknown): ToModelView | null {
  if (!isObj(v) || typeof v.file !== 'string') return null;
  if (v.type === 'report' && typeof v.platform === 'string' && isModelReport(v.report)) {
    const measured = isMeasureResult(v.measured) ? v.measured : undefined;
    return { type: 'report', file: v.file, platform: v.platform, report: v.report, measured, trusted: v.trusted === true };
  }
  if (v.type === 'error' && typeof v.message === 'string') return { type: 'error', file: v.file, message: v.message };
  return null;
}

export function parseFromModelView(v: unknown): FromModelView | null {
  if (!isObj(v)) return null;
  if (v.type === 'ready' || v.type === 'compareWithBaseline' || v.type === 'measure') return { type: v.type };
  return null;
}

export function parseToCompareView(v: unknown): ToCompareView | null {
  if (!isObj(v) || v.type !== 'compare' || typeof v.platform !== 'string' || !Array.isArray(v.columns)) return null;
  const columns: CompareColumn[] = [];
  for (const c of v.columns) {
    if (!isObj(c) || typeof c.label !== 'string') return null;
    if (c.report !== null && !isModelReport(c.report)) return null;
    columns.push({ label: c.label, report: c.report as ModelReport | null, error: typeof c.error === 'string' ? c.error : undefined });
  }
  const restore = Array.isArray(v.restore)
    ? v.restore.filter((r): r is { label: string; path: string } => isObj(r) && typeof r.label === 'string' && typeof r.path === 'string')
    : undefined;
  return { type: 'compare', platform: v.platform, columns, restore };
}

export function parseFromCompareView(v: unknown): FromCompareView | null {
  if (!isObj(v)) return null;
  if (v.type === 'ready') return { type: 'ready' };
  if (v.type === 'export' && (v.format === 'markdown' || v.format === 'csv')) return { type: 'export', format: v.format };
  return null;
}
