import { test } from 'node:test';
import assert from 'node:assert/strict';
import { si, flops, params, lensLine, tooltip, badge } from '../../src/extension/format';
import type { ModelReport, PredictionResult } from '../../src/server/protocol';

function report(prediction: PredictionResult, totalFlops = 4.1e9): ModelReport {
  return {
    path: '/w/m.onnx', contentHash: 'x', fileSize: 1, format: 'onnx', producer: 'p', opsets: {}, inputs: [], outputs: [],
    nodeCount: 3, totals: { flops: totalFlops, macs: 2e9, params: 25.6e6, memory: 9.8e7 }, incompleteNodes: 0,
    coverage: { encoded: 3, total: 3 }, unknownOps: {}, fusions: { batchNormalization: 0, layerNormalization: 0, dropout: 0, identity: 0 }, opTypes: [], layers: [], layersTruncated: false, prediction,
    timingsMs: { hash: 0, analyze: 0, predict: 0 }, cached: false,
  };
}

test('si keeps three significant digits and an SI prefix', () => {
  assert.deepEqual(si(4_100_000_000), ['4.10', 'G']);
  assert.deepEqual(si(999), ['999', '']);
  assert.deepEqual(si(999_600), ['1.00', 'M']);
  assert.deepEqual(si(25_600_000), ['25.6', 'M']);
  assert.equal(flops(3.64e9), '3.64 GFLOPs');
  assert.equal(params(11.7e6), '11.7 M params');
  assert.equal(params(12), '12 params');
});

test('without a predictor the lens says so and shows computed costs, never a latency', () => {
  const r = report({ status: 'none', reason: 'no predictor installed' });
  assert.equal(lensLine(r, ''), '⏱ no predictor installed · 4.10 GFLOPs · 25.6 M params');
  assert.doesNotMatch(tooltip(r, ''), /\d\s*ms\b/);
  assert.equal(badge(r, ''), '4G');
  assert.equal(badge(report({ status: 'none', reason: '' }, 2e8), ''), '<1');
  assert.equal(badge(report({ status: 'none', reason: '' }, 42e9), ''), '42');
});

test('with a prediction the chosen platform is shown with its interval', () => {
  const r = report({ status: 'ok', executionProvider: 'cpu', platforms: [
    { platform: 'gpu-t4', latencyMs: 3.2, low: 3, high: 3.4, outOfDistribution: false },
    { platform: 'ort-cpu-x86-1t', latencyMs: 12.4, low: 11.6, high: 13.2, outOfDistribution: false },
  ] });
  assert.equal(lensLine(r, 'ort-cpu-x86-1t'), '⏱ 12.4 ms ± 0.80 (ort-cpu-x86-1t) · 4.10 GFLOPs · 25.6 M params');
  assert.match(lensLine(r, 'unknown-platform'), /3\.20 ms ± 0\.20 \(gpu-t4\)/); // falls back to the first
  assert.equal(badge(r, 'ort-cpu-x86-1t'), '12');
  assert.match(tooltip(r, 'ort-cpu-x86-1t'), /^NAR Lens: 12\.4 ms ± 0\.80 \(ort-cpu-x86-1t\)\n4\.10 GFLOPs · 25\.6 M params\ncoverage 3\/3 nodes$/);
});

test('an out-of-distribution prediction is marked, and the tooltip says why', () => {
  const r = report({ status: 'ok', executionProvider: 'cpu', platforms: [
    { platform: 'ort-cpu-x86-1t', latencyMs: 10.3, low: 2.2, high: 18.4, outOfDistribution: true,
      oodReasons: ['compute 3.64 GFLOPs above the training range 0.00431–3.29 GFLOPs'] },
  ] });
  assert.match(lensLine(r, 'ort-cpu-x86-1t'), /^⏱ 10\.3 ms ± 8\.10 \(ort-cpu-x86-1t\) ⚠ out of distribution · /);
  assert.match(tooltip(r, 'ort-cpu-x86-1t'), /\nout of distribution: compute 3\.64 GFLOPs above the training range 0\.00431–3\.29 GFLOPs$/);
});

test('the tooltip gives the predictor\'s held-out error when its manifest states it', () => {
  const r = report({ status: 'ok', executionProvider: 'cpu', platforms: [
    { platform: 'gpu-titan-rtx-bs1', latencyMs: 4.2, low: 4, high: 4.4, outOfDistribution: false,
      heldOut: { mape: 2.6656, graphs: 2562, insideInterval: 0.93677 } },
  ] });
  assert.match(tooltip(r, 'gpu-titan-rtx-bs1'), /\ncoverage 3\/3 nodes\npredictor error on held-out networks: 2\.7 % \(2562 networks, 93\.7 % inside their interval\)$/);
  const bare = report({ status: 'ok', executionProvider: 'cpu', platforms: [
    { platform: 'p', latencyMs: 4.2, low: 4, high: 4.4, outOfDistribution: false, heldOut: { mape: 6.3, graphs: 720 } },
  ] });
  assert.match(tooltip(bare, 'p'), /held-out networks: 6\.3 % \(720 networks\)$/);
});

test('a failed prediction is reported as such', () => {
  assert.match(lensLine(report({ status: 'error', message: 'boom' }), ''), /^⏱ prediction failed: boom · /);
});
