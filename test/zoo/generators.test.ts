// The zoo generators: every family exports checked ONNX, reproducibly from its seed and config, and the
// generator writes data sets the one loader reads, resuming without duplicates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDataset } from '../../src/core/dataset';
import { materialize } from '../../src/server/measure/materialize';
import { openTimedModel } from '../../src/server/measure/session';
import { runModule, torchMissing } from './python';

const skip = torchMissing();
const FAMILIES = ['resnet', 'vgg', 'efficientnet', 'mobilenetv2', 'mobilenetv3', 'mnasnet', 'alexnet', 'squeezenet',
  'googlenet', 'nb201', 'vit', 'convnext'];

function tempDir(): string {
  mkdirSync('test/.tmp', { recursive: true });
  return mkdtempSync(join('test/.tmp', 'zoo-'));
}

interface Row {
  id: string; family: string; ok: boolean; error?: string; reproducible: boolean; graphBytes: number; fullBytes: number;
  outputDims: number[]; graphOutputDims: number[]; opTypes: string[]; opset: number; macs: number; resolution: number;
  config: Record<string, unknown>;
}

test('every family exports checked, reproducible ONNX for several seeds', { skip }, () => {
  const r = runModule('training.zoo.selftest', ['--seeds', '2']);
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Row);
  assert.deepEqual([...new Set(rows.map((x) => x.family))], FAMILIES);
  for (const row of rows) {
    assert.ok(row.ok, `${row.id}: ${row.error}`);
    assert.ok(row.reproducible, `${row.id}: the config does not rebuild the same graph`);
    assert.equal(row.opset, 17, row.id);
    assert.deepEqual(row.outputDims, [1, row.family === 'nb201' ? 10 : 1000], row.id);
    assert.deepEqual(row.graphOutputDims, row.outputDims, row.id);
    assert.ok(row.macs > 0 && row.macs <= 1.5e9, `${row.id}: ${row.macs} MACs outside the budget`);
    assert.ok(row.graphBytes * 10 < row.fullBytes, `${row.id}: graph-only ${row.graphBytes} B vs full ${row.fullBytes} B`);
    if (row.family === 'nb201') assert.equal(row.resolution, 32);
    else assert.ok(row.resolution >= 64 && row.resolution <= 256, `${row.id}: resolution ${row.resolution}`);
  }
  // The two modern families must contain the operators NNLQP lacks.
  const ops = (family: string) => new Set(rows.filter((x) => x.family === family).flatMap((x) => x.opTypes));
  for (const op of ['MatMul', 'LayerNormalization', 'Softmax', 'Erf']) assert.ok(ops('vit').has(op), `vit lacks ${op}`);
  for (const op of ['LayerNormalization', 'Erf', 'Conv']) assert.ok(ops('convnext').has(op), `convnext lacks ${op}`);
  // Different seeds draw different networks.
  const byFamily = new Map<string, string[]>();
  for (const row of rows) byFamily.set(row.family, [...(byFamily.get(row.family) ?? []), JSON.stringify(row.config)]);
  for (const [family, configs] of byFamily) assert.notEqual(configs[0], configs[1], `${family}: seeds 0 and 1 drew the same config`);
});

test('the generator writes a data set the loader reads, and resumes without duplicates', { skip }, () => {
  const dir = tempDir();
  try {
    const args = ['--out', dir, '--families', 'nb201,alexnet', '--per-shard', '2'];
    let r = runModule('training.zoo.generate', [...args, '--seeds', '0:1']);
    assert.equal(r.status, 0, r.stderr);
    r = runModule('training.zoo.generate', [...args, '--seeds', '0:3']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /4 to build \(2 already present\)/);
    const ds = openDataset(dir);
    assert.equal(ds.meta.platforms[0].id, 'ort-cpu-x86-1t');
    const ids = ds.samples.map((s) => s.id).sort();
    assert.deepEqual(ids, ['alexnet-0', 'alexnet-1', 'alexnet-2', 'nb201-0', 'nb201-1', 'nb201-2']);
    for (const s of ds.samples) {
      const bytes = ds.graph(s);
      assert.ok(bytes.length > 500, `${s.id}: ${bytes.length} bytes`);
      assert.equal(s.batch, 1);
      assert.equal(s.seed, Number(s.id.split('-')[1]));
    }
    // One family per shard.
    const shardFamilies = new Map<number | string, Set<string>>();
    for (const s of ds.samples) shardFamilies.set(s.shard, (shardFamilies.get(s.shard) ?? new Set()).add(s.family));
    for (const fams of shardFamilies.values()) assert.equal(fams.size, 1);
    assert.ok(readFileSync(join(dir, 'dataset.json'), 'utf8').includes('"convnext"'));
    r = runModule('training.zoo.generate', ['--out', dir, '--families', 'nosuchnet', '--seeds', '0:1']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown families \['nosuchnet'\]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a materialised graph-only export runs in onnxruntime with the output shape of the full export', { skip }, async () => {
  const dir = tempDir();
  try {
    const r = runModule('training.zoo.selftest', ['--seeds', '1', '--families', 'resnet,vit,nb201', '--write', dir]);
    assert.equal(r.status, 0, r.stderr);
    for (const id of ['resnet-0', 'vit-0', 'nb201-0']) {
      const full = await openTimedModel(readFileSync(join(dir, `${id}.full.onnx`)));
      const graphOnly = readFileSync(join(dir, `${id}.graph.onnx`));
      const filled = materialize(new Uint8Array(graphOnly));
      assert.ok(filled.filledTensors > 0, `${id}: nothing to fill — the shard model kept its weights`);
      const materialised = await openTimedModel(graphOnly);
      assert.deepEqual(materialised.outputShapes, full.outputShapes, id);
      await full.session.release();
      await materialised.session.release();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
