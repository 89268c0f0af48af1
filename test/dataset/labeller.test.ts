// The CPU labeller end to end on tiny real models: materialising graph-only models, the protocol record of each
// label, resuming without losing or duplicating labels, failures recorded instead of crashing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, rmSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { datasetStats, joinRecords, noiseFloor, openDataset, readJsonl } from '../../src/core/dataset';
import { materialize, MaterializeError } from '../../src/server/measure/materialize';
import { openTimedModel } from '../../src/server/measure/session';
import { runLabelling } from '../../src/server/measure/labeller';
import { repairTail } from '../../src/server/measure/labelFile';
import { GRAPH_ONLY_RESNET, MNIST, MNIST_TORCH, tempDir, writeDataset } from './fixtures';

const QUICK = { rounds: 2, warmups: 1, runs: 3, canaryTolerance: 0.1, maxRemeasure: 1 };

test('a graph-only model is materialised into a runnable one with the original output shape', async () => {
  const graphOnly = new Uint8Array(readFileSync(GRAPH_ONLY_RESNET));
  const m = materialize(graphOnly);
  assert.ok(m.filledTensors > 50, `${m.filledTensors} tensors filled`);
  assert.ok(m.filledBytes > 40e6, `${m.filledBytes} bytes filled (ResNet-18 has 11.7 M weights)`);
  assert.deepEqual(materialize(graphOnly).bytes, m.bytes, 'materialising is deterministic');
  const timed = await openTimedModel(graphOnly);
  assert.deepEqual(Object.values(timed.outputShapes), [[1, 1000]]);
  const outputs = await timed.session.run(timed.feeds);
  const values = Object.values(outputs)[0].data as Float32Array;
  assert.ok(values.every((v) => Number.isFinite(v)), 'random weights must not produce NaN or Inf');
  await timed.session.release();
  // A model that already has its weights is left as it is.
  assert.equal(materialize(new Uint8Array(readFileSync(MNIST))).filledTensors, 0);
  assert.throws(() => materialize(new Uint8Array([0xff, 0xff, 0xff])), MaterializeError);
});

test('labelling: protocol record, resume without duplicates, a cut-off line repaired, two passes', async () => {
  const dir = writeDataset(tempDir('label-'), [
    { id: 'm-0', family: 'm', seed: 0, file: MNIST },
    { id: 'm-1', family: 'm', seed: 1, file: MNIST_TORCH },
    { id: 'r-0', family: 'r', seed: 0, file: GRAPH_ONLY_RESNET },
  ]);
  const logs: string[] = [];
  const run = (pass: number, extra = {}) => runLabelling({
    datasetDir: dir, pass, canaryPath: MNIST, blockSize: 2, protocol: QUICK, log: (l) => logs.push(l), ...extra,
  });
  try {
    let r = await run(1, { limit: 2 });
    assert.deepEqual([r.labelled, r.failed, r.remaining], [2, 0, 1]);
    assert.ok(logs.some((l) => /pass 1 2\/3 .*ETA/.test(l)), logs.join('\n'));
    r = await run(1);
    assert.deepEqual([r.labelled, r.remaining], [1, 0]);
    let labels = openDataset(dir).labels;
    assert.deepEqual(labels.map((l) => l.id).sort(), ['m-0', 'm-1', 'r-0']);
    for (const l of labels) {
      assert.equal(l.pass, 1);
      assert.equal(l.platform, 'ort-cpu-x86-1t');
      assert.equal(l.roundMediansMs!.length >= 2, true);
      assert.equal(l.latencyMs, Math.min(...l.roundMediansMs!));
      assert.ok(l.canaryMs! > 0 && l.canaryBaselineMs! > 0 && typeof l.canaryDrift === 'number');
      assert.ok(l.roundSpread! >= 0);
      assert.match(l.ortVersion!, /^\d+\.\d+/);
      assert.ok(l.cpuModel!.length > 0);
      assert.match(l.protocol!, /2 rounds x \(1 warm-up \+ 3 timed\)/);
    }
    const resnet = labels.find((l) => l.id === 'r-0')!.latencyMs;
    const mnist = labels.find((l) => l.id === 'm-0')!.latencyMs;
    assert.ok(resnet > 5 * mnist, `ResNet-18 (${resnet} ms) should be far slower than MNIST (${mnist} ms)`);

    // A crash in the middle of writing the last label leaves half a line: it is dropped and measured again.
    const path = join(dir, 'labels.jsonl');
    truncateSync(path, statSync(path).size - 40);
    assert.equal(openDataset(dir).labels.length, 2);
    r = await run(1);
    assert.equal(r.labelled, 1);
    labels = openDataset(dir).labels;
    assert.equal(labels.length, 3);
    assert.equal(new Set(labels.map((l) => l.id)).size, 3);

    r = await run(2);
    assert.equal(r.labelled, 3);
    const ds = openDataset(dir);
    assert.deepEqual(datasetStats(ds).passes, { 'ort-cpu-x86-1t': [1, 2] });
    assert.equal(noiseFloor(ds, 'ort-cpu-x86-1t', 1, 2).compared, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--follow picks up samples a generator appends while the labeller waits', async () => {
  const dir = writeDataset(tempDir('follow-'), [{ id: 'm-0', family: 'm', seed: 0, file: MNIST }]);
  try {
    setTimeout(() => {
      // what the generator does: the shard first, then its sample line
      writeFileSync(join(dir, 'graphs', 'shard-001.bin.gz'), gzipSync(joinRecords([new Uint8Array(readFileSync(MNIST_TORCH))])));
      appendFileSync(join(dir, 'samples.jsonl'), JSON.stringify({ id: 'm-1', family: 'm', seed: 1, config: {}, batch: 1, shard: 1, index: 0 }) + '\n');
    }, 300);
    const logs: string[] = [];
    const r = await runLabelling({
      datasetDir: dir, pass: 1, canaryPath: MNIST, protocol: QUICK, followMinutes: 0.02, pollMs: 100, log: (l) => logs.push(l),
    });
    assert.equal(r.labelled, 2, logs.join('\n'));
    assert.ok(logs.some((l) => /1 new samples to measure/.test(l)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a model onnxruntime cannot load is recorded as a failure and not retried', async () => {
  const dir = writeDataset(tempDir('label-'), [
    { id: 'ok-0', family: 'ok', seed: 0, file: MNIST },
    { id: 'bad-0', family: 'bad', seed: 0, bytes: new Uint8Array([0x08, 0x07, 0x3a, 0x02, 0x0a, 0x00]) },
  ]);
  try {
    const opts = { datasetDir: dir, pass: 1, canaryPath: MNIST, protocol: QUICK, log: () => {} };
    const r = await runLabelling(opts);
    assert.deepEqual([r.labelled, r.failed], [1, 1]);
    const failures = readJsonl<{ id: string; error: string }>(join(dir, 'label-failures.jsonl')).rows;
    assert.equal(failures[0].id, 'bad-0');
    assert.match(failures[0].error, /onnxruntime cannot load the model/);
    assert.equal((await runLabelling(opts)).failed, 0, 'a recorded failure is not measured again');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('repairTail keeps whole lines and drops a cut-off last line', () => {
  const dir = tempDir('tail-');
  try {
    const path = join(dir, 'x.jsonl');
    writeFileSync(path, '{"a":1}\n{"b":');
    assert.equal(repairTail(path), 5);
    assert.equal(readFileSync(path, 'utf8'), '{"a":1}\n');
    assert.equal(repairTail(path), 0);
    writeFileSync(path, 'no newline at all');
    assert.equal(repairTail(path), 17);
    assert.equal(readFileSync(path, 'utf8'), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
