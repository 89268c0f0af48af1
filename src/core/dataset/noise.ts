// The noise floor of measured labels: how much two passes over the same models disagree.
import { Dataset } from './loader';
import { Sample } from './types';

export const NOISE_SUBSET_SIZE = 200;

/**
 * The fixed subset re-measured for the noise floor: the first 200 samples in (seed, family order) — seeds 0..16
 * across all families — so it is balanced and stays the same as the data set grows to more seeds. Samples
 * without a seed (imported data sets) keep their file order.
 */
export function noiseSubset(samples: Sample[], families: string[], size = NOISE_SUBSET_SIZE): Sample[] {
  return labellingOrder(samples, families).slice(0, size);
}

/** Seed-major, family-minor: a partly labelled data set stays balanced across families. */
export function labellingOrder(samples: Sample[], families: string[]): Sample[] {
  const rank = new Map(families.map((f, i) => [f, i]));
  return samples
    .map((s, i) => ({ s, i }))
    .sort((a, b) =>
      (a.s.seed ?? a.i) - (b.s.seed ?? b.i) || (rank.get(a.s.family) ?? 1e9) - (rank.get(b.s.family) ?? 1e9) || a.i - b.i)
    .map((x) => x.s);
}

export interface NoiseReport {
  platform: string;
  passes: [number, number];
  subset: number;
  /** Models of the subset labelled in both passes. */
  compared: number;
  /** |a - b| / min(a, b) between the two passes: median and 90th percentile. */
  medianDisagreement: number | null;
  p90Disagreement: number | null;
  maxDisagreement: number | null;
  /**
   * Mean |a - b| / b: the MAPE that pass `a` scores as a predictor of pass `b`. On the same scale as a model's
   * MAPE; with independent noise in both passes, one label's own share is about 1/sqrt(2) of it.
   */
  passMape: number | null;
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Disagreement between passes `a` and `b` on the fixed subset (lowest row per pass if a pass repeats). */
export function noiseFloor(ds: Dataset, platform: string, a: number, b: number): NoiseReport {
  const subset = new Set(noiseSubset(ds.samples, ds.meta.families).map((s) => s.id));
  const byPass = (pass: number) => {
    const m = new Map<string, number>();
    for (const l of ds.labels) {
      if (l.platform !== platform || l.pass !== pass || !subset.has(l.id)) continue;
      const prev = m.get(l.id);
      if (prev === undefined || l.latencyMs < prev) m.set(l.id, l.latencyMs);
    }
    return m;
  };
  const first = byPass(a);
  const second = byPass(b);
  const diffs: number[] = [];
  let relativeErrorSum = 0;
  for (const [id, x] of first) {
    const y = second.get(id);
    if (y === undefined) continue;
    diffs.push(Math.abs(x - y) / Math.min(x, y));
    relativeErrorSum += Math.abs(x - y) / y;
  }
  diffs.sort((p, q) => p - q);
  const has = diffs.length > 0;
  return {
    platform,
    passes: [a, b],
    subset: subset.size,
    compared: diffs.length,
    medianDisagreement: has ? quantile(diffs, 0.5) : null,
    p90Disagreement: has ? quantile(diffs, 0.9) : null,
    maxDisagreement: has ? diffs[diffs.length - 1] : null,
    passMape: has ? relativeErrorSum / diffs.length : null,
  };
}
