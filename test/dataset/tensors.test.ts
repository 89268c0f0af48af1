// `nar-lens dataset tensors` on small data sets built from real corpus models: the folders it writes hold exactly
// the tokens the analysis pipeline gives for each file, the labels in the requested platform order (lowest pass,
// NaN when missing), one folder per label batch, and it reports (and within 1 %, skips) samples it cannot encode.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../src/cli/command';
import { datasetCommand } from '../../src/cli/commands/dataset';
import { groupFolders, listTag } from '../../src/cli/commands/datasetTensors';
import { analyzeFile } from '../../src/core/analyze';
import { decodeNpy } from '../../src/core/tokenizer';
import { staticVector } from '../../src/core/tokenizer/staticVector';
import { GRAPH_ONLY_RESNET, MNIST, SQUEEZENET_LIGHT, tempDir, writeDataset, type Entry } from './fixtures';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const BAD_RECORD = new TextEncoder().encode('this record is not an ONNX ModelProto');
const PLATFORMS = [
  { id: 'cpu-b', batch: 1 },
  { id: 'gpu-x-bs1' },
  { id: 'gpu-x-bs32' }, // batch from the id's suffix only
];

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  try {
    const code = await datasetCommand.run(['tensors', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
    return { code, out, err };
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, out, err: e.message };
    throw e;
  }
}

/** A data set under a (new, unless given) temporary root: the given graphs, platforms and label rows. */
function dataset(entries: Entry[], labels: object[], name = 'tiny', root?: string, platforms: object[] = PLATFORMS): { root: string; name: string } {
  if (!root) {
    root = tempDir('tensors-');
    dirs.push(root);
  }
  const dir = writeDataset(join(root, name), entries);
  writeFileSync(join(dir, 'dataset.json'), JSON.stringify({ name, families: [...new Set(entries.map((e) => e.family))], platforms }));
  writeFileSync(join(dir, 'labels.jsonl'), labels.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return { root, name };
}

function npy(dir: string, name: string): { shape: number[]; values: number[] } {
  const d = decodeNpy(new Uint8Array(readFileSync(join(dir, name))));
  return { shape: d.shape, values: Array.from(d.data as ArrayLike<number | bigint>, Number) };
}

function meta(dir: string): { ids: string[]; families: string[]; batch: number[]; platforms: string[]; mode: string } {
  return JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
}

const GOOD: Entry[] = [
  { id: 'r-0', family: 'resnet', file: GRAPH_ONLY_RESNET },
  { id: 'm-0', family: 'mnist', file: MNIST },
  { id: 's-0', family: 'squeeze', file: SQUEEZENET_LIGHT },
];
const LABELS = [
  { id: 'r-0', platform: 'cpu-b', latencyMs: 5.0, pass: 1 },
  { id: 'r-0', platform: 'cpu-b', latencyMs: 4.0, pass: 2 }, // the lower pass is the label
  { id: 'm-0', platform: 'gpu-x-bs1', latencyMs: 0.5, batch: 1 },
  { id: 'r-0', platform: 'gpu-x-bs32', latencyMs: 9.0, batch: 32 },
];

test('one folder per label batch: the pipeline tokens per graph, platforms in the order asked, NaN where unlabelled', async () => {
  const { root, name } = dataset(GOOD, LABELS);
  const out = join(root, 'out');
  const r = await run(['--dataset', name, '--root', root, '--platforms', 'gpu-x-bs1,cpu-b,gpu-x-bs32', '--out', out]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /3\/3 graphs \(100\.0%\).*done in/);
  assert.deepEqual(readdirSync(root).sort(), ['out-bs1', 'out-bs32', 'tiny'], 'no temporary folder left behind');

  const bs1 = join(root, 'out-bs1');
  const bs32 = join(root, 'out-bs32');
  const m1 = meta(bs1);
  assert.deepEqual(m1.platforms, ['gpu-x-bs1', 'cpu-b']);
  assert.deepEqual(m1.ids, ['r-0', 'm-0', 's-0']);
  assert.deepEqual(m1.families, ['resnet', 'mnist', 'squeeze']);
  assert.deepEqual(m1.batch, [1, 1, 1]);
  assert.equal(m1.mode, 'extended');
  assert.deepEqual(meta(bs32).platforms, ['gpu-x-bs32']);
  assert.deepEqual(meta(bs32).batch, [32, 32, 32]);

  // Rows = the vertices the analysis of each file gives, and the very same feature values.
  const expected = GOOD.map((e) => analyzeFile(e.file!, { mode: 'extended' }).tokens);
  const offsets = npy(bs1, 'node_offsets.npy').values;
  assert.deepEqual(offsets.slice(1).map((o, g) => o - offsets[g]), expected.map((t) => t.names.length));
  const features = npy(bs1, 'features.npy');
  assert.deepEqual(features.shape, [offsets[3], 152]);
  const flat = expected.flatMap((t) => t.features.flatMap((row) => Array.from(row)));
  assert.deepEqual(features.values, flat);
  const edgeOffsets = npy(bs1, 'edge_offsets.npy').values;
  assert.deepEqual(edgeOffsets.slice(1).map((o, g) => o - edgeOffsets[g]), expected.map((t) => t.edges.length));

  const latency1 = npy(bs1, 'latency.npy');
  assert.deepEqual(latency1.shape, [3, 2]);
  assert.deepEqual(latency1.values, [NaN, 4.0, 0.5, NaN, NaN, NaN]);
  assert.deepEqual(npy(bs32, 'latency.npy').values, [9.0, NaN, NaN]);

  // Batch-32 folder: same tokens, the static vector's batch entry is 32, the per-graph costs unchanged.
  assert.deepEqual(npy(bs32, 'features.npy').values, features.values);
  const raw1 = npy(bs1, 'static_raw.npy').values;
  const raw32 = npy(bs32, 'static_raw.npy').values;
  for (let g = 0; g < 3; g++) {
    assert.equal(raw1[g * 4], 1);
    assert.equal(raw32[g * 4], 32);
    assert.deepEqual(raw32.slice(g * 4 + 1, g * 4 + 4), raw1.slice(g * 4 + 1, g * 4 + 4));
  }
  const static32 = npy(bs32, 'static.npy');
  const wanted = staticVector([32, expected[0].staticRaw[1], expected[0].staticRaw[2], expected[0].staticRaw[3]]);
  assert.deepEqual(static32.values.slice(0, wanted.length), Array.from(wanted));
  assert.notDeepEqual(npy(bs1, 'static.npy').values.slice(0, wanted.length), Array.from(wanted));

  const build = JSON.parse(readFileSync(join(bs1, 'build.json'), 'utf8'));
  assert.deepEqual(build.labelled, { 'gpu-x-bs1': 1, 'cpu-b': 1 });
  assert.deepEqual(build.failures, []);
});

test('several data sets share one folder per batch: a platform one of them lacks leaves its samples unlabelled', async () => {
  const { root } = dataset(GOOD.slice(0, 2), LABELS, 'space-a');
  dataset([{ ...GOOD[2], id: 's-9' }], [{ id: 's-9', platform: 'gpu-x-bs1', latencyMs: 0.75, batch: 1 }], 'space-b', root,
    [{ id: 'gpu-x-bs1' }]);
  const out = join(root, 'merged');
  const r = await run(['--dataset', 'space-a,space-b', '--root', root, '--platforms', 'gpu-x-bs1,cpu-b', '--out', out]);
  assert.equal(r.code, 0, r.err);
  const m = meta(out);
  assert.deepEqual(m.ids, ['r-0', 'm-0', 's-9']);
  assert.deepEqual(m.families, ['resnet', 'mnist', 'squeeze']);
  assert.deepEqual(m.platforms, ['gpu-x-bs1', 'cpu-b']);
  assert.deepEqual(npy(out, 'latency.npy').values, [NaN, 4.0, 0.5, NaN, 0.75, NaN]);
  assert.equal(JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')).dataset, 'space-a+space-b');
  // Platforms of two label batches: one folder per batch, each holding the samples of the data sets that have
  // one of its platforms (space-b has no batch-32 platform).
  const batches = await run(['--dataset', 'space-a,space-b', '--root', root, '--platforms', 'gpu-x-bs1,gpu-x-bs32', '--out', join(root, 'two')]);
  assert.equal(batches.code, 0, batches.err);
  assert.deepEqual(meta(join(root, 'two-bs1')).ids, ['r-0', 'm-0', 's-9']);
  assert.deepEqual(npy(join(root, 'two-bs1'), 'latency.npy').values, [NaN, 0.5, 0.75]);
  assert.deepEqual(meta(join(root, 'two-bs32')).ids, ['r-0', 'm-0']);
  assert.deepEqual(meta(join(root, 'two-bs32')).batch, [32, 32]);
  assert.deepEqual(npy(join(root, 'two-bs32'), 'latency.npy').values, [9.0, NaN]);
  // A family in two data sets would merge two split units: refused, naming both.
  dataset([{ ...GOOD[0], id: 'r-9' }], [], 'space-c', root, [{ id: 'gpu-x-bs1' }]);
  const clash = await run(['--dataset', 'space-a,space-c', '--root', root, '--platforms', 'gpu-x-bs1', '--out', join(root, 'x')]);
  assert.equal(clash.code, 1);
  assert.match(clash.err, /space-c and space-a both have a family 'resnet'/);
  const nowhere = await run(['--dataset', 'space-a,space-b', '--root', root, '--platforms', 'gpu-y-bs1', '--out', join(root, 'y')]);
  assert.equal(nowhere.code, 1);
  assert.match(nowhere.err, /no data set has platform 'gpu-y-bs1'/);
});

test('reference mode writes the published extractor\'s 70 ResNet-18 vertices', async () => {
  const { root, name } = dataset([GOOD[0]], []);
  const out = join(root, 'ref');
  const r = await run(['--dataset', name, '--root', root, '--mode', 'reference', '--platforms', 'cpu-b', '--out', out]);
  assert.equal(r.code, 0, r.err);
  assert.equal(meta(out).mode, 'reference');
  assert.deepEqual(npy(out, 'node_offsets.npy').values, [0, 70]);
  assert.deepEqual(npy(out, 'nnlp_features.npy').shape, [70, 44]);
  assert.deepEqual(npy(out, 'latency.npy').values, [NaN]);
});

test('an unreadable sample above the 1% limit fails the command, names the sample and writes nothing', async () => {
  const { root, name } = dataset([...GOOD, { id: 'bad-0', family: 'mnist', bytes: BAD_RECORD }], LABELS);
  const out = join(root, 'out');
  const r = await run(['--dataset', name, '--root', root, '--platforms', 'cpu-b', '--out', out]);
  assert.equal(r.code, 1);
  assert.match(r.err, /1 of 4 samples could not be read or encoded/);
  assert.match(r.err, /bad-0: ModelReadError: /);
  assert.match(r.err, /by family: mnist 1\n/);
  assert.match(r.err, /nothing written/);
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(root), ['tiny']);
});

test('within the 1% limit a failing sample is skipped and reported, and a rerun replaces the folder', async () => {
  const entries: Entry[] = Array.from({ length: 120 }, (_, i) => ({ id: `m-${i}`, family: 'mnist', file: MNIST }));
  entries.splice(60, 0, { id: 'bad-60', family: 'mnist', bytes: BAD_RECORD });
  const { root, name } = dataset(entries, [{ id: 'm-7', platform: 'cpu-b', latencyMs: 1.5 }]);
  const out = join(root, 'out');
  for (const limit of ['121', '100']) {
    const r = await run(['--dataset', name, '--root', root, '--platforms', 'cpu-b', '--out', out, '--limit', limit]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, new RegExp(`1 of ${limit} samples could not be read or encoded and are skipped`));
    assert.match(r.err, /bad-60: ModelReadError/);
    const summary = JSON.parse(r.out);
    assert.equal(summary.failed, 1);
    assert.equal(summary.failures[0].id, 'bad-60');
  }
  // The second run (--limit 100) replaced the first folder whole.
  const m = meta(out);
  assert.equal(m.ids.length, 99);
  assert.ok(!m.ids.includes('bad-60'));
  assert.equal(m.ids[60], 'm-60');
  const latency = npy(out, 'latency.npy').values;
  assert.equal(latency[7], 1.5);
  assert.equal(latency.filter((v) => !Number.isNaN(v)).length, 1);
  const build = JSON.parse(readFileSync(join(out, 'build.json'), 'utf8'));
  assert.equal(build.attempted, 100);
  assert.equal(build.failures.length, 1);
  assert.deepEqual(readdirSync(root).sort(), ['out', 'tiny']);
});

test('--families keeps only those families (how reference mode skips the op types it cannot encode)', async () => {
  const { root, name } = dataset([...GOOD, { id: 'bad-0', family: 'broken', bytes: BAD_RECORD }], LABELS);
  const out = join(root, 'fam');
  const r = await run(['--dataset', name, '--root', root, '--families', 'squeeze,resnet', '--platforms', 'cpu-b', '--out', out]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(meta(out).ids, ['r-0', 's-0']);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'build.json'), 'utf8')).families, ['squeeze', 'resnet']);
  const unknown = await run(['--dataset', name, '--root', root, '--families', 'resnet,vgg', '--out', join(root, 'o')]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /no family 'vgg' in dataset\.json \(has: resnet, mnist, squeeze, broken\)/);
});

test('bad requests: unknown mode or platform, a label at the wrong batch', async () => {
  const { root, name } = dataset(GOOD, LABELS);
  const usage = await run(['--dataset', name, '--root', root, '--mode', 'fast']);
  assert.equal(usage.code, 2);
  assert.match(usage.err, /--mode is 'extended' or 'reference', got 'fast'/);
  assert.equal((await run(['--root', root])).code, 2);
  const unknown = await run(['--dataset', name, '--root', root, '--platforms', 'cpu-b,gpu-z', '--out', join(root, 'o')]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /no platform 'gpu-z' in dataset\.json \(has: cpu-b, gpu-x-bs1, gpu-x-bs32\)/);

  const wrong = dataset(GOOD, [{ id: 'r-0', platform: 'gpu-x-bs32', latencyMs: 3, batch: 1 }]);
  const r = await run(['--dataset', wrong.name, '--root', wrong.root, '--out', join(wrong.root, 'o')]);
  assert.equal(r.code, 1);
  assert.match(r.err, /label of 'r-0' on 'gpu-x-bs32' is at batch 1, the platform's labels are at batch 32/);
});

test('folder names: short platform lists spelled out, long ones hashed; a -bsN folder per batch group', () => {
  assert.equal(listTag(['gpu-a-bs1', 'cpu-b']), 'gpu-a-bs1+cpu-b');
  const long = Array.from({ length: 12 }, (_, i) => `gpu-device-${i}-bs32`);
  assert.match(listTag(long), /^12p-[0-9a-f]{8}$/);
  assert.notEqual(listTag(long), listTag(long.slice().reverse()));
  const group = (batch: number | undefined) => ({ batch, platforms: [] });
  assert.deepEqual(groupFolders('t/x', [group(1)]), ['t/x']);
  assert.deepEqual(groupFolders('t/x', [group(undefined), group(32)]), ['t/x-graphbatch', 't/x-bs32']);
});
