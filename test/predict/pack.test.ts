// Tokens → input tensors: features in vertex order, a dense symmetric adjacency without self-loops from
// Tokens.edges (checked against a matrix written by hand), an all-ones node mask, the static vector the
// predictor's token kind reads; and the refusals (other tokenizer mode or vocabulary, other row width).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkCompatible, denseAdjacency, packInputs, TokenMismatchError, type PredictorEntry } from '../../src/core/predict';
import { analyzeFile } from '../../src/core/analyze';
import { Predictor } from '../../src/server/predictor';
import { handTokens } from './tokens';

const entry = (over: Partial<PredictorEntry> = {}): PredictorEntry => ({
  id: 'p', platform: 'cpu', file: '/nonexistent/p.onnx', tokenizerMode: 'extended', vocabularyVersion: 'ext-test',
  tokenKind: 'features', spreadScale: 1, relativeErrorQ: 0, ood: null, ...over,
});

test('V2 packing: [1,N,F] rows in vertex order, the hand-computed adjacency, mask of ones, 40-dim-style static', () => {
  const p = packInputs(handTokens(), entry());
  assert.deepEqual(p.tokens.dims, [1, 4, 3]);
  assert.deepEqual(Array.from(p.tokens.data), [0, 1, 2, 100, 101, 102, 200, 201, 202, 300, 301, 302]);
  assert.deepEqual(p.adjacency.dims, [1, 4, 4]);
  // rows/columns: x a b y
  assert.deepEqual(Array.from(p.adjacency.data), [
    0, 1, 0, 1,
    1, 0, 1, 0,
    0, 1, 0, 1,
    1, 0, 1, 0,
  ]);
  assert.deepEqual(p.node_mask.dims, [1, 4]);
  assert.deepEqual(Array.from(p.node_mask.data), [1, 1, 1, 1]);
  assert.deepEqual(p.static.dims, [1, 3]);
  assert.deepEqual(Array.from(p.static.data), [0.5, -0.5, 0.25]);
});

test('NNLP packing reads the NNLP rows and the raw [batch, GFLOPs, Gparams, Gmacs] static vector', () => {
  const p = packInputs(handTokens(), entry({ tokenKind: 'nnlp_features' }));
  assert.deepEqual(p.tokens.dims, [1, 4, 2]);
  assert.deepEqual(Array.from(p.tokens.data), [1000, 1001, 1100, 1101, 1200, 1201, 1300, 1301]);
  assert.deepEqual(p.static.dims, [1, 4]);
  assert.deepEqual(Array.from(p.static.data), Array.from(Float32Array.from([1, 2.5, 0.01, 1.2])));
});

test('row and static widths that differ from the manifest are refused before anything runs', () => {
  assert.throws(() => packInputs(handTokens(), entry({ tokenDim: 152 })), /reads 152-value token rows, the tokenizer wrote 3/);
  assert.throws(() => packInputs(handTokens(), entry({ staticDim: 40 })), /reads a 40-value static vector, the tokenizer wrote 3/);
  assert.throws(() => denseAdjacency(2, [[0, 2]]), /edge \[0, 2\] names a vertex outside 0..1/);
});

test('tokens of another vocabulary version or mode are refused with a clear message, not predicted', async () => {
  const other = handTokens({ vocabularyVersion: 'ext-0' });
  assert.throws(() => checkCompatible(other, entry()), (e: unknown) => {
    assert.ok(e instanceof TokenMismatchError);
    assert.match((e as Error).message, /predictor p was trained on tokens extended\/ext-test, but the tokenizer produced extended\/ext-0/);
    return true;
  });
  assert.throws(() => packInputs(handTokens({ mode: 'reference' }), entry()), /but the tokenizer produced reference\/ext-test/);
  // The runtime refuses before opening a session: this entry's file does not even exist.
  const predictor = new Predictor({ dir: '/nonexistent', predictors: [entry()] });
  await assert.rejects(predictor.predictOne(entry(), other, ['cpu']), TokenMismatchError);
  await assert.rejects(predictor.predict(other, ['cpu']), /trained on tokens extended\/ext-test/);
});

test('real tokens (ResNet-18 from the corpus): adjacency symmetric, no self-loops, one pair per undirected edge', () => {
  const file = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'onnx-corpus', 'models', 'nnlqp_resnet18-v1-7-no-weight.onnx');
  const tokens = analyzeFile(file).tokens;
  const p = packInputs(tokens, entry({ vocabularyVersion: tokens.vocabularyVersion, tokenDim: 152, staticDim: 40 }));
  const n = tokens.names.length;
  assert.deepEqual(p.tokens.dims, [1, n, 152]);
  const pairs = new Set(tokens.edges.filter(([a, b]) => a !== b).map(([a, b]) => (a < b ? `${a},${b}` : `${b},${a}`)));
  let ones = 0;
  for (let i = 0; i < n; i++) {
    assert.equal(p.adjacency.data[i * n + i], 0, `self-loop at ${i}`);
    for (let j = 0; j < n; j++) {
      assert.equal(p.adjacency.data[i * n + j], p.adjacency.data[j * n + i]);
      ones += p.adjacency.data[i * n + j];
    }
  }
  assert.equal(ones, 2 * pairs.size);
  assert.deepEqual(Array.from(p.tokens.data.subarray(152 * 5, 152 * 6)), Array.from(tokens.features[5]));
  assert.deepEqual(Array.from(p.static.data), Array.from(tokens.static));
});
