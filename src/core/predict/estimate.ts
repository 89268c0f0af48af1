// The predictor's raw outputs for one graph → what is shown: latency, calibrated interval and OOD flag. Pure, so
// that the server and the CLI (and the tests) turn the same numbers into the same answer.
import type { Coverage } from '../tokenizer/types';
import { PredictorOutputError } from './errors';
import { predictionInterval } from './interval';
import type { PredictorEntry } from './manifest';
import { oodDistance, staticRangeReasons } from './ood';

export interface RawOutputs {
  latency_ms?: ArrayLike<number>;
  embedding?: ArrayLike<number>;
  latency_members?: ArrayLike<number>;
}

export interface Estimate {
  predictor: string;
  platform: string;
  latencyMs: number;
  interval: [number, number];
  /** Outside what the predictor was trained on: an op type the tokenizer could not encode, an embedding
   *  farther from the training centroids than the validation graphs' quantile, or a batch size, GFLOPs, Gparams
   *  or Gmacs outside the training graphs' range. */
  outOfDistribution: boolean;
  /** Why, one phrase per rule that fired (empty when in distribution). */
  oodReasons: string[];
  /** The OOD distance and threshold, when the predictor ships an OOD reference. */
  oodDistance?: number;
  oodThreshold?: number;
  coverage: Coverage;
}

/** `staticRaw` is the graph's [batch, GFLOPs, Gparams, Gmacs] (Tokens.staticRaw), for the training-range rule. */
export function toEstimate(entry: PredictorEntry, out: RawOutputs, coverage: Coverage, staticRaw?: ArrayLike<number>): Estimate {
  const latency = out.latency_ms;
  if (!latency || latency.length !== 1) {
    throw new PredictorOutputError(`predictor ${entry.id}: latency_ms ${latency ? `has ${latency.length} values, not 1` : 'is missing'}`);
  }
  const ms = Number(latency[0]);
  if (!Number.isFinite(ms)) throw new PredictorOutputError(`predictor ${entry.id} returned a latency of ${ms}`);
  // Without the members (an older single-model file) only the relative floor makes the interval.
  const members = out.latency_members && out.latency_members.length > 0 ? Array.from(out.latency_members, Number) : [ms];
  if (!members.every(Number.isFinite)) throw new PredictorOutputError(`predictor ${entry.id} returned a non-finite member latency`);
  const estimate: Estimate = {
    predictor: entry.id,
    platform: entry.platform,
    latencyMs: ms,
    interval: predictionInterval(ms, members, entry),
    outOfDistribution: false,
    oodReasons: [],
    coverage: { encoded: coverage.encoded, total: coverage.total },
  };
  if (coverage.encoded < coverage.total) {
    estimate.oodReasons.push(`${coverage.total - coverage.encoded} of ${coverage.total} vertices have op types the tokenizer cannot encode`);
  }
  if (entry.ood) {
    if (!out.embedding) throw new PredictorOutputError(`predictor ${entry.id} has an OOD reference but no embedding output`);
    if (out.embedding.length !== entry.ood.mean.length) {
      throw new PredictorOutputError(`predictor ${entry.id}: embedding has ${out.embedding.length} values, its OOD reference ${entry.ood.mean.length}`);
    }
    estimate.oodDistance = oodDistance(out.embedding, entry.ood);
    estimate.oodThreshold = entry.ood.threshold;
    if (estimate.oodDistance > entry.ood.threshold) {
      estimate.oodReasons.push(`structure unlike the training graphs (embedding distance ${estimate.oodDistance.toFixed(2)} > ${entry.ood.threshold.toFixed(2)})`);
    }
    if (entry.ood.staticRange && staticRaw) estimate.oodReasons.push(...staticRangeReasons(staticRaw, entry.ood.staticRange));
  }
  estimate.outOfDistribution = estimate.oodReasons.length > 0;
  return estimate;
}
