// The extension ↔ server path with the real child process (dist/server.js, built by `node esbuild.mjs`) on real
// corpus files: reports, the content-hash cache, a corrupt file's message, timeouts, crash restart, cancellation.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerClient, ServerError } from '../../src/extension/serverClient';

const ROOT = process.cwd();
const SERVER = join(ROOT, 'dist', 'server.js');
const CORPUS = join(ROOT, 'test', 'fixtures', 'onnx-corpus', 'models');
const RESNET = join(CORPUS, 'nnlqp_resnet18-v1-7-no-weight.onnx');
const tmp = mkdtempSync(join(tmpdir(), 'nar-lens-server-'));
// An extension root without models/: no predictor installed.
const bare = new ServerClient({ serverPath: SERVER, extensionRoot: tmp });
after(() => {
  bare.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

async function rejects(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ServerError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, message);
    return true;
  });
}

test('a real model: computed costs, per-op breakdown, layers, and no invented latency', async () => {
  const r = await bare.analyze(RESNET, { batch: 1 });
  assert.equal(r.prediction.status, 'none');
  assert.ok(r.totals.flops > 3e9 && r.totals.flops < 4e9, `ResNet-18 is ~3.6 GFLOPs, got ${r.totals.flops}`);
  assert.ok(r.totals.params > 11e6 && r.totals.params < 12e6, `ResNet-18 has ~11.7 M params, got ${r.totals.params}`);
  assert.equal(r.opTypes[0].opType, 'Conv');
  assert.equal(r.layers.length, r.nodeCount);
  assert.equal(r.coverage.encoded, r.coverage.total);
  assert.ok(r.layers.some((l) => l.opType === 'Conv' && l.outputShape === '1×64×112×112'));
  assert.equal(r.cached, false);
  // Batch 4 is another analysis, four times the FLOPs.
  const r4 = await bare.analyze(RESNET, { batch: 4 });
  assert.ok(Math.abs(r4.totals.flops / r.totals.flops - 4) < 1e-9);
});

test('identical bytes under another name come from the content-hash cache', async () => {
  const copy = join(tmp, 'copy.onnx');
  copyFileSync(RESNET, copy);
  const r = await bare.analyze(copy, { batch: 1 });
  assert.equal(r.cached, true);
  assert.equal(r.path, copy);
});

test('a corrupt file gets a specific message; the server keeps serving', async () => {
  const bad = join(tmp, 'corrupt.onnx');
  writeFileSync(bad, readFileSync(RESNET).subarray(0, 5000));
  await rejects(bare.analyze(bad, {}), 'read-error', /^corrupt\.onnx: .* at byte [\d,]+/);
  await rejects(bare.analyze(join(tmp, 'missing.onnx'), {}), 'not-found', /ENOENT/);
  writeFileSync(join(tmp, 'text.onnx'), 'this is not a model\n');
  await rejects(bare.analyze(join(tmp, 'text.onnx'), {}), 'read-error', /text\.onnx/);
  assert.equal((await bare.status()).predictorsInstalled, false);
});

test('files over narLens.maxFileSizeMB are refused before reading', async () => {
  await rejects(bare.analyze(RESNET, { maxFileSizeMB: 0.001 }), 'too-large', /over narLens\.maxFileSizeMB/);
});

test('a crashed server is restarted for the next request', async () => {
  const client = new ServerClient({ serverPath: SERVER, extensionRoot: tmp });
  try {
    await client.status();
    const pid = client.pid!;
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    const r = await client.analyze(RESNET, {});
    assert.ok(r.totals.flops > 0);
    assert.notEqual(client.pid, pid);
  } finally {
    client.dispose();
  }
});

test('a request over its time limit fails with "timeout" and the server is replaced', async () => {
  const client = new ServerClient({ serverPath: SERVER, extensionRoot: tmp, timeoutMs: 1 });
  try {
    await rejects(client.analyze(RESNET, {}), 'timeout', /longer than/);
  } finally {
    client.dispose();
  }
});

test('cancellation rejects at once with "cancelled"', async () => {
  let fire: () => void = () => undefined;
  const token = {
    isCancellationRequested: false,
    onCancellationRequested(l: () => void) {
      fire = l;
      return { dispose() {} };
    },
  };
  const p = bare.analyze(join(CORPUS, 'onnx_light__light_densenet121.onnx'), { batch: 2 }, token);
  fire();
  await rejects(p, 'cancelled', /cancelled/);
  // The server is still fine afterwards.
  assert.ok((await bare.analyze(RESNET, {})).totals.flops > 0);
});
