// Text for what the user reads: latency lines, FLOPs, params. Pure (no vscode) so it is unit-tested.
import type { ModelReport, PlatformPrediction } from '../server/protocol';

const UNITS = ['', 'K', 'M', 'G', 'T', 'P'];

/** 4_100_000_000 → ["4.10", "G"]: three significant digits and an SI prefix. */
export function si(n: number): [string, string] {
  if (!Number.isFinite(n)) return ['?', ''];
  let i = 0;
  let v = Math.abs(n);
  while (v >= 999.5 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  const digits = i === 0 || v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return [`${n < 0 ? '-' : ''}${v.toFixed(digits)}`, UNITS[i]];
}

const withUnit = (n: number, unit: string) => {
  const [v, prefix] = si(n);
  return `${v} ${prefix}${unit}`;
};
/** "4.10 GFLOPs" */
export const flops = (n: number) => withUnit(n, 'FLOPs');
/** "25.6 M params" */
export const params = (n: number) => `${si(n).join(' ').trim()} params`;
/** "98.0 MB" */
export const bytes = (n: number) => withUnit(n, 'B');

export function ms(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** "12.4 ms ± 0.8 (ort-cpu-x86-1t)". */
export function latency(p: PlatformPrediction): string {
  const half = (p.high - p.low) / 2;
  return `${ms(p.latencyMs)} ms ± ${ms(half)} (${p.platform})${p.outOfDistribution ? ' ⚠ out of distribution' : ''}`;
}

/** "out of distribution: <reason>; <reason>", or undefined when the prediction is in distribution. */
export function oodText(p: PlatformPrediction | undefined): string | undefined {
  return p?.oodReasons?.length ? `out of distribution: ${p.oodReasons.join('; ')}` : undefined;
}

/** "predictor error on held-out networks: 2.7 % (2562 networks, 93.7 % inside their interval)", or undefined
 *  when the predictor's manifest states no test figures. */
export function heldOutText(p: PlatformPrediction | undefined): string | undefined {
  const h = p?.heldOut;
  if (!h) return undefined;
  const inside = h.insideInterval !== undefined ? `, ${(100 * h.insideInterval).toFixed(1)} % inside their interval` : '';
  return `predictor error on held-out networks: ${h.mape.toFixed(1)} % (${h.graphs} networks${inside})`;
}

/** The chosen platform's prediction, or the first one when the setting names none that exists. */
export function pickPlatform(report: ModelReport, platform: string): PlatformPrediction | undefined {
  if (report.prediction.status !== 'ok') return undefined;
  const list = report.prediction.platforms;
  return list.find((p) => p.platform === platform) ?? list[0];
}

/** What stands in for latency when there is none: the honest reason. */
export function noLatency(report: ModelReport): string {
  const p = report.prediction;
  if (p.status === 'none') return 'no predictor installed';
  if (p.status === 'error') return `prediction failed: ${p.message}`;
  return 'no prediction for this platform';
}

/** One line for CodeLens and the hover title: "⏱ 12.4 ms ± 0.8 (ort-cpu-x86-1t) · 4.1 GFLOPs". */
export function lensLine(report: ModelReport, platform: string): string {
  const p = pickPlatform(report, platform);
  const head = p ? `⏱ ${latency(p)}` : `⏱ ${noLatency(report)}`;
  return `${head} · ${flops(report.totals.flops)} · ${params(report.totals.params)}`;
}

/** Tooltip lines for the Explorer decoration. */
export function tooltip(report: ModelReport, platform: string): string {
  const p = pickPlatform(report, platform);
  const lines = [
    p ? `NAR Lens: ${latency(p)}` : `NAR Lens: ${noLatency(report)}`,
    `${flops(report.totals.flops)} · ${params(report.totals.params)}`,
    `coverage ${report.coverage.encoded}/${report.coverage.total} nodes`,
  ];
  const heldOut = heldOutText(p);
  if (heldOut) lines.push(heldOut);
  const ood = oodText(p);
  if (ood) lines.push(ood);
  return lines.join('\n');
}

/** A ≤ 2-character badge: the latency's leading digits, or a cost magnitude when there is no predictor. */
export function badge(report: ModelReport, platform: string): string {
  const p = pickPlatform(report, platform);
  if (p) {
    const v = p.latencyMs;
    // Whole milliseconds; "<1" below 1 ms, "++" from 100 ms (the tooltip has the exact figure).
    if (v < 0.5) return '<1';
    return v < 99.5 ? `${Math.round(v)}` : '++';
  }
  // Without a predictor the badge is a cost magnitude, never a latency: "<1" under 1 GFLOP, "4G" for 4 GFLOPs,
  // "42" for 42 GFLOPs, "G+" above 99 (the tooltip spells it out). No single letters: git uses those (M, U, D).
  const g = report.totals.flops / 1e9;
  if (g < 0.95) return '<1';
  if (g < 9.5) return `${Math.round(g)}G`;
  return g < 99.5 ? `${Math.round(g)}` : 'G+';
}

export function unknownOpsText(report: ModelReport): string {
  const entries = Object.entries(report.unknownOps);
  if (entries.length === 0) return 'none';
  return entries.sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ×${n}`).join(', ');
}
