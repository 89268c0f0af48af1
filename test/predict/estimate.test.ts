// Interval and OOD math on numbers small enough to check by hand, and the estimate built from raw outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  intervalHalfWidth, isOutOfDistribution, oodDistance, populationStd, predictionInterval, toEstimate, PredictorOutputError,
  type PredictorEntry, type OodReference,
} from '../../src/core/predict';

const close = (a: number, b: number, msg?: string) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b} ${msg ?? ''}`);

test('interval: spreadScale × population std of the members, relative floor when members agree, low ≥ 0', () => {
  close(populationStd([1, 2, 3, 4]), Math.sqrt(1.25));
  // mean 10, members 9/11 → std 1; spreadScale 2 → ±2 (floor 0.05 × 10 = 0.5 is smaller)
  close(intervalHalfWidth(10, [9, 11], { spreadScale: 2, relativeErrorQ: 0.05 }), 2);
  assert.deepEqual(predictionInterval(10, [9, 11], { spreadScale: 2, relativeErrorQ: 0.05 }), [8, 12]);
  // members agree → the floor: ±0.3 × 10
  assert.deepEqual(predictionInterval(10, [10, 10, 10], { spreadScale: 5, relativeErrorQ: 0.3 }), [7, 13]);
  // wide spread → the low end is clipped at zero, never a negative latency
  assert.deepEqual(predictionInterval(1, [0, 2], { spreadScale: 3, relativeErrorQ: 0 }), [0, 4]);
});

// D = 2: mean [1, 1], std [2, 2]; centroids at z = (0, 0) and (3, 0); threshold 1.
const ood: OodReference = { mean: [1, 1], std: [2, 2], centroids: [[0, 0], [3, 0]], threshold: 1 };

test('OOD: standardised nearest-centroid distance / √D against the threshold', () => {
  close(oodDistance([1, 1], ood), 0); // z = (0,0), on a centroid
  close(oodDistance([7, 1], ood), 0); // z = (3,0), on the other
  close(oodDistance([1, 7], ood), 3 / Math.SQRT2); // z = (0,3): 3 from (0,0)
  close(oodDistance([4, 3], ood), Math.hypot(1.5, 1) / Math.SQRT2); // z = (1.5, 1): equidistant from both centroids
  assert.equal(isOutOfDistribution([1, 1], ood), false);
  assert.equal(isOutOfDistribution([1, 7], ood), true);
  assert.equal(isOutOfDistribution([1, 3], ood), false); // distance exactly 1/√2 < 1
  assert.throws(() => oodDistance([1, 2, 3], ood), /embedding has 3 values, the OOD reference 2/);
});

const entry: PredictorEntry = {
  id: 'p', platform: 'cpu-x', file: '/p.onnx', tokenizerMode: 'extended', vocabularyVersion: 'ext-test',
  tokenKind: 'features', inputForm: 'edges', inputNames: ['tokens', 'edge_src', 'edge_dst', 'static'], spreadScale: 2, relativeErrorQ: 0.05, ood,
};

test('estimate: latency, interval and OOD from raw outputs; unknown ops make it OOD too', () => {
  const e = toEstimate(entry, { latency_ms: [10], latency_members: [9, 11], embedding: [1, 1] }, { encoded: 5, total: 5 });
  assert.deepEqual(e, {
    predictor: 'p', platform: 'cpu-x', latencyMs: 10, interval: [8, 12], outOfDistribution: false, oodReasons: [],
    oodDistance: 0, oodThreshold: 1, coverage: { encoded: 5, total: 5 },
  });
  const far = toEstimate(entry, { latency_ms: [10], latency_members: [9, 11], embedding: [1, 7] }, { encoded: 5, total: 5 });
  assert.equal(far.outOfDistribution, true);
  assert.deepEqual(far.oodReasons, ['structure unlike the training graphs (embedding distance 2.12 > 1.00)']);
  const unknown = toEstimate(entry, { latency_ms: [10], latency_members: [9, 11], embedding: [1, 1] }, { encoded: 4, total: 5 });
  assert.equal(unknown.outOfDistribution, true);
  assert.deepEqual(unknown.oodReasons, ['1 of 5 vertices have op types the tokenizer cannot encode']);
  // no members output: the relative floor alone
  assert.deepEqual(toEstimate({ ...entry, ood: null }, { latency_ms: [10] }, { encoded: 1, total: 1 }).interval, [9.5, 10.5]);
});

test('estimate: a batch, GFLOPs, Gparams or Gmacs outside the training range makes it OOD, with the reason', () => {
  const ranged: PredictorEntry = {
    ...entry, ood: { ...ood, staticRange: { names: ['batch', 'GFLOPs', 'Gparams', 'Gmacs'], min: [1, 0.01, 0.001, 0.005], max: [1, 3.31, 0.2, 1.6] } },
  };
  const run = (staticRaw?: number[]) => toEstimate(ranged, { latency_ms: [10], latency_members: [9, 11], embedding: [1, 1] }, { encoded: 5, total: 5 }, staticRaw);
  assert.equal(run([1, 1.8, 0.01, 0.9]).outOfDistribution, false); // inside every range, embedding on a centroid
  assert.equal(run([1, 3.31, 0.2, 1.6]).outOfDistribution, false); // the bounds themselves are inside
  const big = run([1, 3.64, 0.0117, 1.82]);
  assert.equal(big.outOfDistribution, true);
  assert.deepEqual(big.oodReasons, ['compute 3.64 GFLOPs above the training range 0.01–3.31 GFLOPs', 'memory traffic 1820 MB above the training range 5–1600 MB']);
  assert.deepEqual(run([8, 1, 0.01, 0.5]).oodReasons, ['batch size 8 above the training range 1–1']);
  assert.deepEqual(run([1, 1, 0.0005, 0.5]).oodReasons, ['parameters 0.5 M below the training range 1–200 M']);
  assert.equal(run(undefined).outOfDistribution, false); // no static values given: the range rule cannot apply
});

test('outputs that break the interface are errors, not numbers', () => {
  const cov = { encoded: 1, total: 1 };
  assert.throws(() => toEstimate(entry, {}, cov), /latency_ms is missing/);
  assert.throws(() => toEstimate(entry, { latency_ms: [1, 2] }, cov), /latency_ms has 2 values, not 1/);
  assert.throws(() => toEstimate(entry, { latency_ms: [NaN] }, cov), PredictorOutputError);
  assert.throws(() => toEstimate(entry, { latency_ms: [1], latency_members: [1, Infinity] }, cov), /non-finite member/);
  assert.throws(() => toEstimate(entry, { latency_ms: [1] }, cov), /has an OOD reference but no embedding output/);
  assert.throws(() => toEstimate(entry, { latency_ms: [1], embedding: [1, 2, 3] }, cov), /embedding has 3 values, its OOD reference 2/);
});
