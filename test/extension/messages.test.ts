// The webview's message validation (media/src/messages.ts): a report whose prediction carries OOD reasons is
// accepted only when they are strings (and held-out figures only when they are numbers), so rendering them can
// never throw.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isModelReport } from '../../media/src/messages';

const report = (platform: Record<string, unknown>) => ({
  path: '/m.onnx', totals: { flops: 1, macs: 1, params: 1, memory: 1 }, coverage: { encoded: 1, total: 1 },
  layers: [], opTypes: [], unknownOps: {},
  prediction: { status: 'ok', executionProvider: 'cpu', platforms: [{ platform: 'p', latencyMs: 1, low: 0.5, high: 1.5, outOfDistribution: false, ...platform }] },
});

test('OOD reasons: absent or an array of strings is accepted, anything else refused', () => {
  assert.equal(isModelReport(report({})), true);
  assert.equal(isModelReport(report({ oodReasons: [] })), true);
  assert.equal(isModelReport(report({ outOfDistribution: true, oodReasons: ['compute 3.64 GFLOPs above the training range'] })), true);
  assert.equal(isModelReport(report({ oodReasons: 'compute too high' })), false);
  assert.equal(isModelReport(report({ oodReasons: [3] })), false);
});

test('held-out figures: absent or numbers (with an optional interval share) are accepted, anything else refused', () => {
  assert.equal(isModelReport(report({ heldOut: { mape: 2.67, graphs: 2562, insideInterval: 0.937 } })), true);
  assert.equal(isModelReport(report({ heldOut: { mape: 6.3, graphs: 720 } })), true);
  assert.equal(isModelReport(report({ heldOut: { mape: '2.67', graphs: 2562 } })), false);
  assert.equal(isModelReport(report({ heldOut: { mape: 2.67, graphs: 2562, insideInterval: 'most' } })), false);
  assert.equal(isModelReport(report({ heldOut: 2.67 })), false);
});
