// The one data-set loader: layout, label resolution, stats, noise floor and the errors of malformed data sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  datasetStats, DatasetFormatError, finalLabels, labellingOrder, listDatasetDirs, noiseFloor, noiseSubset, openDataset,
  splitRecords,
} from '../../src/core/dataset';
import { GRAPH_ONLY_RESNET, MNIST, SQUEEZENET_LIGHT, tempDir, writeDataset } from './fixtures';

const ENTRIES = [
  { id: 'a-0', family: 'a', seed: 0, file: MNIST },
  { id: 'b-0', family: 'b', seed: 0, file: GRAPH_ONLY_RESNET },
  { id: 'a-1', family: 'a', seed: 1, file: SQUEEZENET_LIGHT },
];

function label(id: string, latencyMs: number, pass?: number) {
  return JSON.stringify({ id, platform: 'ort-cpu-x86-1t', latencyMs, ...(pass ? { pass } : {}) }) + '\n';
}

test('graphs come back byte-identical from the shards', () => {
  const dir = writeDataset(tempDir('ds-'), ENTRIES);
  try {
    const ds = openDataset(dir);
    assert.equal(ds.samples.length, 3);
    for (const [i, s] of ds.samples.entries()) assert.deepEqual(Buffer.from(ds.graph(s)), readFileSync(ENTRIES[i].file));
    assert.equal(ds.samples[2].shard, 1);
    assert.deepEqual(ds.warnings, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('final label = lowest row; stats count labelled graphs per platform and family', () => {
  const dir = writeDataset(tempDir('ds-'), ENTRIES, 2, ['a', 'b', 'c']);
  try {
    writeFileSync(join(dir, 'labels.jsonl'), label('a-0', 2.0, 1) + label('a-0', 1.5, 2) + label('b-0', 9, 1));
    const ds = openDataset(dir);
    assert.equal(finalLabels(ds.labels).get('ort-cpu-x86-1t')!.get('a-0'), 1.5);
    const s = datasetStats(ds);
    assert.equal(s.platform, 'ort-cpu-x86-1t');
    assert.deepEqual(s.platforms, { 'ort-cpu-x86-1t': 2 });
    assert.deepEqual(s.families, { a: 1, b: 1, c: 0 });
    assert.equal(s.graphs, 3);
    assert.deepEqual(s.passes, { 'ort-cpu-x86-1t': [1, 2] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('noise floor: median and p90 of the relative disagreement between two passes, and the MAPE between them', () => {
  const dir = writeDataset(tempDir('ds-'), ENTRIES);
  try {
    writeFileSync(join(dir, 'labels.jsonl'),
      label('a-0', 10, 1) + label('a-0', 11, 2) + label('b-0', 4, 1) + label('b-0', 4, 2) + label('a-1', 1, 1) + label('a-1', 1.5, 2));
    const r = noiseFloor(openDataset(dir), 'ort-cpu-x86-1t', 1, 2);
    assert.equal(r.compared, 3);
    assert.ok(Math.abs(r.medianDisagreement! - 0.1) < 1e-12);
    assert.ok(Math.abs(r.p90Disagreement! - 0.42) < 1e-12); // sorted [0, 0.1, 0.5]: position 1.8 → 0.1 + 0.8 * 0.4
    assert.ok(Math.abs(r.maxDisagreement! - 0.5) < 1e-12);
    // pass 1 predicting pass 2: |10 - 11| / 11, 0, |1 - 1.5| / 1.5
    assert.ok(Math.abs(r.passMape! - (1 / 11 + 0 + 0.5 / 1.5) / 3) < 1e-12);
    assert.equal(noiseFloor(openDataset(dir), 'ort-cpu-x86-1t', 1, 3).compared, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('labelling order is seed-major across families; the noise subset is its fixed prefix', () => {
  const samples = ['b-1', 'a-1', 'c-0', 'a-0', 'b-0'].map((id, i) => ({
    id, family: id[0], seed: Number(id[2]), config: {}, batch: 1, shard: 0, index: i,
  }));
  assert.deepEqual(labellingOrder(samples, ['a', 'b', 'c']).map((s) => s.id), ['a-0', 'b-0', 'c-0', 'a-1', 'b-1']);
  assert.deepEqual(noiseSubset(samples, ['a', 'b', 'c'], 2).map((s) => s.id), ['a-0', 'b-0']);
});

test('an append cut off by a crash is a warning; a malformed middle line is an error with its line number', () => {
  const dir = writeDataset(tempDir('ds-'), ENTRIES);
  try {
    writeFileSync(join(dir, 'labels.jsonl'), label('a-0', 2, 1) + '{"id":"b-0","platf');
    const ds = openDataset(dir);
    assert.equal(ds.labels.length, 1);
    assert.match(ds.warnings[0], /labels\.jsonl: last line cut off/);
    appendFileSync(join(dir, 'labels.jsonl'), '\n' + label('b-0', 3, 1));
    assert.throws(() => openDataset(dir), (e: Error) => e instanceof DatasetFormatError && /labels\.jsonl:2: not valid JSON/.test(e.message));
    writeFileSync(join(dir, 'labels.jsonl'), label('a-0', -1, 1));
    assert.throws(() => openDataset(dir), /label 1 needs id, platform and a positive latencyMs/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('missing or damaged shards and metadata give specific errors', () => {
  const dir = writeDataset(tempDir('ds-'), ENTRIES);
  try {
    const ds = openDataset(dir);
    assert.throws(() => ds.graph({ ...ds.samples[0], index: 7 }), /shard-000\.bin\.gz: no record 7 \(it has 2\)/);
    unlinkSync(join(dir, 'graphs', 'shard-001.bin.gz'));
    assert.throws(() => openDataset(dir).graph(ds.samples[2]), /shard-001\.bin\.gz: shard file missing/);
    writeFileSync(join(dir, 'graphs', 'shard-001.bin.gz'), 'not gzip');
    assert.throws(() => openDataset(dir).graph(ds.samples[2]), /not a readable gzip stream/);
    assert.throws(() => splitRecords(new Uint8Array([9, 0, 0, 0, 1, 2]), 'x'), /record 0 claims 9 bytes, 2 left/);
    writeFileSync(join(dir, 'dataset.json'), '{"name":"x"}');
    assert.throws(() => openDataset(dir), /needs "name", "families" \[\] and "platforms" \[\]/);
    assert.throws(() => openDataset(join(dir, 'graphs')), /no dataset\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the committed data sets load, and cpu-zoo declares the CPU platform', () => {
  const dirs = listDatasetDirs('datasets');
  assert.ok(dirs.some((d) => d.endsWith('cpu-zoo')), `cpu-zoo not among ${dirs.join(', ')}`);
  const zoo = openDataset(join('datasets', 'cpu-zoo'));
  const s = datasetStats(zoo);
  assert.equal(s.platform, 'ort-cpu-x86-1t');
  assert.equal(Object.keys(s.families).length, 12);
  for (const sample of zoo.samples.slice(0, 3)) assert.ok(zoo.graph(sample).length > 100);
});
