// The out-of-distribution rule of training/train/ensemble.py (OodReference): standardise member 0's embedding
// with the training mean and std, take the distance to the nearest k-means centroid divided by √D, and flag the
// graph when it exceeds the threshold (a high quantile of the same distance over the validation graphs).
import { ManifestError } from './errors';

export interface OodReference {
  mean: number[];
  std: number[];
  centroids: number[][];
  threshold: number;
  /** Range of the static values [batch, GFLOPs, Gparams, Gmacs] over the graphs the predictor learnt from. */
  staticRange?: StaticRange;
}

export interface StaticRange {
  names: string[];
  min: number[];
  max: number[];
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A side-car's "ood" object, validated (dimensions agree, std > 0 so standardising cannot divide by zero). */
export function parseOodReference(raw: unknown, where: string): OodReference {
  const o = (raw ?? {}) as Record<string, unknown>;
  const vector = (v: unknown, name: string): number[] => {
    if (!Array.isArray(v) || v.length === 0 || !v.every(finite)) throw new ManifestError(where, `ood.${name} must be a non-empty array of numbers`);
    return v as number[];
  };
  const mean = vector(o.mean, 'mean');
  const std = vector(o.std, 'std');
  if (std.length !== mean.length) throw new ManifestError(where, `ood.std has ${std.length} values, ood.mean ${mean.length}`);
  if (std.some((s) => s <= 0)) throw new ManifestError(where, 'ood.std must be positive');
  if (!Array.isArray(o.centroids) || o.centroids.length === 0) throw new ManifestError(where, 'ood.centroids must be a non-empty array');
  const centroids = o.centroids.map((c, i) => {
    const row = vector(c, `centroids[${i}]`);
    if (row.length !== mean.length) throw new ManifestError(where, `ood.centroids[${i}] has ${row.length} values, the embedding ${mean.length}`);
    return row;
  });
  if (!finite(o.threshold) || o.threshold < 0) throw new ManifestError(where, 'ood.threshold must be a non-negative number');
  const reference: OodReference = { mean, std, centroids, threshold: o.threshold };
  if (o.staticRange !== undefined) reference.staticRange = parseStaticRange(o.staticRange, where);
  return reference;
}

function parseStaticRange(raw: unknown, where: string): StaticRange {
  const r = (raw ?? {}) as Record<string, unknown>;
  const names = r.names;
  if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string')) {
    throw new ManifestError(where, 'ood.staticRange.names must be a non-empty array of strings');
  }
  const bound = (v: unknown, name: string): number[] => {
    if (!Array.isArray(v) || v.length !== names.length || !v.every(finite)) {
      throw new ManifestError(where, `ood.staticRange.${name} must hold ${names.length} numbers, one per name`);
    }
    return v as number[];
  };
  const min = bound(r.min, 'min');
  const max = bound(r.max, 'max');
  if (min.some((m, i) => m > max[i])) throw new ManifestError(where, 'ood.staticRange.min must not exceed max');
  return { names: names as string[], min, max };
}

/** How each static value reads to a user: a label, and a scale from the stored unit (billions) to the shown one. */
const STATIC_DISPLAY: Record<string, { label: string; scale: number; unit: string }> = {
  batch: { label: 'batch size', scale: 1, unit: '' },
  GFLOPs: { label: 'compute', scale: 1, unit: ' GFLOPs' },
  Gparams: { label: 'parameters', scale: 1e3, unit: ' M' },
  // the extended cost model's memory traffic in bytes / 1e9 (src/core/tokenizer/staticVector.ts)
  Gmacs: { label: 'memory traffic', scale: 1e3, unit: ' MB' },
};

/** Why the static values lie outside the training range: one phrase per value outside it (none: inside). */
export function staticRangeReasons(staticRaw: ArrayLike<number>, range: StaticRange): string[] {
  const reasons: string[] = [];
  const n = Math.min(staticRaw.length, range.names.length);
  for (let i = 0; i < n; i++) {
    const v = staticRaw[i];
    if (v > range.max[i] || v < range.min[i]) {
      const d = STATIC_DISPLAY[range.names[i]] ?? { label: range.names[i], scale: 1, unit: '' };
      const g = (x: number) => Number((x * d.scale).toPrecision(3)).toString();
      reasons.push(`${d.label} ${g(v)}${d.unit} ${v > range.max[i] ? 'above' : 'below'} the training range ${g(range.min[i])}–${g(range.max[i])}${d.unit}`);
    }
  }
  return reasons;
}

/** Standardised nearest-centroid distance / √D of one embedding. */
export function oodDistance(embedding: ArrayLike<number>, ood: OodReference): number {
  const d = ood.mean.length;
  if (embedding.length !== d) throw new RangeError(`embedding has ${embedding.length} values, the OOD reference ${d}`);
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) z[i] = (embedding[i] - ood.mean[i]) / ood.std[i];
  let best = Infinity;
  for (const c of ood.centroids) {
    let d2 = 0;
    for (let i = 0; i < d; i++) d2 += (z[i] - c[i]) ** 2;
    if (d2 < best) best = d2;
  }
  return Math.sqrt(best) / Math.sqrt(d);
}

export function isOutOfDistribution(embedding: ArrayLike<number>, ood: OodReference): boolean {
  return oodDistance(embedding, ood) > ood.threshold;
}
