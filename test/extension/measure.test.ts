// "Measure on this machine" through the real server child: per-layer and total medians from onnxruntime's
// profile on real corpus models (graph-only ones get random weights), and clear failures.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerClient, ServerError } from '../../src/extension/serverClient';
import { summarizeProfile } from '../../src/server/measureLayers';
import { readModelFile } from '../../src/core/onnx';
import { toGraphJsonText } from '../../src/core/formats';

const ROOT = process.cwd();
const CORPUS = join(ROOT, 'test', 'fixtures', 'onnx-corpus', 'models');
const tmp = mkdtempSync(join(tmpdir(), 'nar-lens-measure-'));
const client = new ServerClient({ serverPath: join(ROOT, 'dist', 'server.js'), extensionRoot: tmp });
after(() => {
  client.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

test('a graph-only ResNet-18: random weights filled in, a time for every layer, layers add up to the run', async () => {
  const path = join(CORPUS, 'nnlqp_resnet18-v1-7-no-weight.onnx');
  const analysed = await client.analyze(path, { batch: 1 });
  const m = await client.measure(path, { batch: 1 });
  assert.equal(m.randomWeights, true);
  assert.equal(m.runs, 5, '7 runs, the first 2 dropped');
  assert.equal(m.nodes, analysed.nodeCount);
  // Optimisation is disabled, so every node of the file ran as its own kernel and maps back by position.
  assert.deepEqual(m.layers.map((l) => l.index), analysed.layers.map((l) => l.index));
  const sum = m.layers.reduce((a, l) => a + l.ms, 0);
  assert.ok(m.totalMs > 0 && sum > 0.5 * m.totalMs && sum <= 1.2 * m.totalMs, `layers ${sum} ms vs run ${m.totalMs} ms`);
  // The convolutions dominate ResNet-18's time.
  const conv = m.layers.filter((l) => analysed.layers[l.index].opType === 'Conv').reduce((a, l) => a + l.ms, 0);
  assert.ok(conv > 0.5 * sum, `Conv ${conv} of ${sum} ms`);
});

test('a model with its weights is run as is', async () => {
  const m = await client.measure(join(CORPUS, 'onnx_light__light_squeezenet.onnx'), {});
  assert.equal(m.layers.length, m.nodes);
  assert.match(m.setup, /1 thread, graph optimisation disabled, median of 5 runs after 2 dropped/);
});

test('a corrupt file and graph JSON fail with a clear message, and the server keeps working', async () => {
  const corrupt = join(tmp, 'corrupt.onnx');
  writeFileSync(corrupt, readFileSync(join(CORPUS, 'onnx_light__light_squeezenet.onnx')).subarray(0, 3000));
  await assert.rejects(client.measure(corrupt, {}), (e: unknown) => e instanceof ServerError && e.code === 'measure-failed' && /not an ONNX model onnxruntime could run|cannot load/.test(e.message));
  const graphJson = join(tmp, 'squeeze.graph.json');
  writeFileSync(graphJson, toGraphJsonText(readModelFile(join(CORPUS, 'onnx_light__light_squeezenet.onnx'))));
  await assert.rejects(client.measure(graphJson, {}), (e: unknown) => e instanceof ServerError && e.code === 'measure-failed');
  const r = await client.analyze(join(CORPUS, 'onnx_light__light_squeezenet.onnx'), {});
  assert.ok(r.nodeCount > 0);
});

test('profile summary: warm-up runs dropped, kernels summed per run, medians', () => {
  const ev = (name: string, ts: number, dur: number, cat = 'Node') => ({ cat, name, ts, dur });
  const events = [
    ev('model_run', 0, 100, 'Session'), ev('narlens_0_kernel_time', 1, 90),
    ev('model_run', 200, 100, 'Session'), ev('narlens_0_kernel_time', 201, 80),
    ev('model_run', 400, 10, 'Session'), ev('narlens_0_kernel_time', 401, 4), ev('narlens_0_kernel_time', 406, 2), ev('narlens_1_kernel_time', 408, 1),
    ev('model_run', 500, 30, 'Session'), ev('narlens_0_kernel_time', 501, 20), ev('narlens_1_kernel_time', 522, 3),
    ev('model_run', 600, 20, 'Session'), ev('narlens_0_kernel_time', 601, 10), ev('narlens_1_kernel_time', 612, 5), ev('other_kernel_time', 615, 1),
  ];
  const s = summarizeProfile(events, 2);
  assert.equal(s.runs, 3);
  assert.equal(s.totalMs, 0.02);
  assert.deepEqual(s.layers, [{ index: 0, ms: 0.01 }, { index: 1, ms: 0.003 }]);
});
