// The npy writer and the training-tensor folder, read back byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy, encodeNpy, tokenize, writeTrainingTensors } from '../../src/core/tokenizer';
import { shapedCorpusModel } from './corpus';

test('npy: header is 64-byte aligned and values round-trip for f4, i4, i8', () => {
  const f = new Float32Array([1.5, -2, Math.fround(0.1), NaN, 7, 8]);
  const bytes = encodeNpy(f, [2, 3]);
  assert.equal(Buffer.from(bytes.subarray(0, 6)).toString('latin1'), '\x93NUMPY');
  const headerLength = bytes[8] | (bytes[9] << 8);
  assert.equal((10 + headerLength) % 64, 0);
  const back = decodeNpy(bytes);
  assert.equal(back.descr, '<f4');
  assert.deepEqual(back.shape, [2, 3]);
  assert.deepEqual([...back.data], [...f]);
  const i = decodeNpy(encodeNpy(new Int32Array([1, -2, 3]), [3]));
  assert.deepEqual(i.shape, [3]);
  assert.deepEqual([...i.data], [1, -2, 3]);
  const l = decodeNpy(encodeNpy(new BigInt64Array([0n, 5n, 9007199254740993n]), [3]));
  assert.deepEqual([...l.data], [0n, 5n, 9007199254740993n]);
  assert.throws(() => encodeNpy(new Float32Array(5), [2, 3]), /holds 6 values/);
});

test('writeTrainingTensors writes the training/README.md folder for two graphs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nar-tensors-'));
  try {
    const a = tokenize(shapedCorpusModel('nnlqp_resnet18-v1-7-no-weight.onnx'), { mode: 'extended', batch: 1 });
    const b = tokenize(shapedCorpusModel('onnx_pytorch-converted__test_Conv2d.onnx'), { mode: 'extended', batch: 1 });
    writeTrainingTensors(
      dir,
      [
        { id: 'resnet18', family: 'resnet', batch: 1, tokens: a, latencies: { cpu: 12.5 } },
        { id: 'conv', family: 'tiny', batch: 1, tokens: b, latencies: { gpu: 0.25 } },
      ],
      { dataset: 'unit' },
    );
    const read = (name: string) => decodeNpy(new Uint8Array(readFileSync(join(dir, name))));
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
    assert.deepEqual(meta.platforms, ['cpu', 'gpu']);
    assert.equal(meta.vocabularyVersion, 'ext-1');
    assert.equal(meta.featureDim, 152);
    assert.equal(meta.nnlpFeatureDim, a.nnlpFeatureDim);
    const n = a.names.length + b.names.length;
    const features = read('features.npy');
    assert.deepEqual(features.shape, [n, 152]);
    // Row 0 of graph b sits right after graph a's rows.
    assert.deepEqual([...features.data.slice(a.names.length * 152, a.names.length * 152 + 152)], [...b.features[0]]);
    assert.deepEqual(read('nnlp_features.npy').shape, [n, a.nnlpFeatureDim]);
    assert.deepEqual([...read('node_offsets.npy').data], [0n, BigInt(a.names.length), BigInt(n)]);
    assert.deepEqual([...read('edge_offsets.npy').data], [0n, BigInt(a.edges.length), BigInt(a.edges.length + b.edges.length)]);
    const edges = read('edges.npy');
    assert.equal(edges.descr, '<i4');
    assert.deepEqual([...edges.data.slice(0, 2)], a.edges[0]);
    assert.deepEqual(read('static.npy').shape, [2, 40]);
    assert.deepEqual([...read('static_raw.npy').data.slice(0, 4)], a.staticRaw.map(Math.fround));
    const latency = [...read('latency.npy').data] as number[];
    assert.equal(latency[0], 12.5);
    assert.ok(Number.isNaN(latency[1]));
    assert.ok(Number.isNaN(latency[2]));
    assert.equal(latency[3], 0.25);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeTrainingTensors refuses to mix tokenizer modes', () => {
  const a = tokenize(shapedCorpusModel('onnx_pytorch-converted__test_Conv2d.onnx'), { mode: 'extended' });
  const b = tokenize(shapedCorpusModel('onnx_pytorch-converted__test_Conv2d.onnx'), { mode: 'reference' });
  assert.throws(
    () => writeTrainingTensors(join(tmpdir(), 'never-written'), [
      { id: 'a', family: 'f', batch: 1, tokens: a, latencies: {} },
      { id: 'b', family: 'f', batch: 1, tokens: b, latencies: {} },
    ], { dataset: 'x' }),
    /item 'b' is reference/,
  );
});
