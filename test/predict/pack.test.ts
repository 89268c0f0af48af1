// Tokens → input tensors, in both input forms: features in vertex order; the dense form's symmetric adjacency
// without self-loops (checked against a matrix written by hand) and all-ones node mask; the edge form's int64
// edge list (written out by hand too, and equal to the dense matrix's non-zero pairs on real and random graphs);
// the static vector the predictor's token kind reads; and the refusals (other tokenizer mode or vocabulary,
// other row width).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  checkCompatible, classInputNames, denseAdjacency, INPUT_NAMES, inputTensors, packInputs, symmetricEdges, TokenMismatchError,
  type ClassInputs, type DenseInputs, type EdgeInputs, type PackedInputs, type PredictorEntry,
} from '../../src/core/predict';
import { analyzeFile } from '../../src/core/analyze';
import { Predictor } from '../../src/server/predictor';
import { handTokens } from './tokens';

const entry = (over: Partial<PredictorEntry> = {}): PredictorEntry => {
  const form = over.inputForm ?? 'dense';
  return {
    id: 'p', platform: 'cpu', file: '/nonexistent/p.onnx', tokenizerMode: 'extended', vocabularyVersion: 'ext-test',
    tokenKind: 'features', inputForm: form, inputNames: form === 'classes' ? classInputNames(2) : INPUT_NAMES[form],
    spreadScale: 1, relativeErrorQ: 0, ood: null, ...over,
  };
};

function dense(p: PackedInputs): DenseInputs {
  assert.equal(p.form, 'dense');
  return p as DenseInputs;
}

function edges(p: PackedInputs): EdgeInputs {
  assert.equal(p.form, 'edges');
  return p as EdgeInputs;
}

/** The (row, column) pairs where a dense N×N matrix is non-zero, row-major. */
function nonZeroPairs(n: number, matrix: Float32Array): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (matrix[i * n + j] !== 0) pairs.push([i, j]);
  return pairs;
}

const pairsOf = (src: BigInt64Array, dst: BigInt64Array): [number, number][] => Array.from(src, (s, i) => [Number(s), Number(dst[i])]);

test('dense V2 packing: [1,N,F] rows in vertex order, the hand-computed adjacency, mask of ones, 40-dim-style static', () => {
  const p = dense(packInputs(handTokens(), entry()));
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
  assert.deepEqual(inputTensors(p).map(([name]) => name), ['tokens', 'adjacency', 'node_mask', 'static']);
});

test('edge V2 packing: [N,F] rows, the hand-computed int64 edge list (both directions, no duplicate, no self-loop), [1,S] static', () => {
  const p = edges(packInputs(handTokens(), entry({ inputForm: 'edges' })));
  assert.deepEqual(p.tokens.dims, [4, 3]);
  assert.deepEqual(Array.from(p.tokens.data), [0, 1, 2, 100, 101, 102, 200, 201, 202, 300, 301, 302]);
  // edges 0→1, 1→2, 0→3, 2→3, 1→0 (a duplicate once symmetric), 2→2 (dropped); sorted by (src, dst)
  assert.ok(p.edge_src.data instanceof BigInt64Array && p.edge_dst.data instanceof BigInt64Array);
  assert.deepEqual(p.edge_src.dims, [8]);
  assert.deepEqual(p.edge_dst.dims, [8]);
  assert.deepEqual(Array.from(p.edge_src.data, Number), [0, 0, 1, 1, 2, 2, 3, 3]);
  assert.deepEqual(Array.from(p.edge_dst.data, Number), [1, 3, 0, 2, 1, 3, 0, 2]);
  assert.deepEqual(p.static.dims, [1, 3]);
  assert.deepEqual(Array.from(p.static.data), [0.5, -0.5, 0.25]);
  assert.deepEqual(inputTensors(p).map(([name]) => name), ['tokens', 'edge_src', 'edge_dst', 'static']);
  assert.equal(inputTensors(p)[1]![1], p.edge_src);
});

test('edge packing of a graph without edges (one vertex, or only a self-loop): empty [0] int64 lists', () => {
  const one = handTokens({ names: ['x'], edges: [[0, 0]], features: [Float32Array.from([1, 2, 3])], nnlpFeatures: [Float32Array.from([4, 5])] });
  const p = edges(packInputs(one, entry({ inputForm: 'edges' })));
  assert.deepEqual(p.tokens.dims, [1, 3]);
  assert.deepEqual([p.edge_src.dims, p.edge_dst.dims], [[0], [0]]);
  assert.equal(p.edge_src.data.length, 0);
});

function classes(p: PackedInputs): ClassInputs {
  assert.equal(p.form, 'classes');
  return p as ClassInputs;
}

const values = (p: ClassInputs, name: string) => Array.from(p.tensors[name]!.data as ArrayLike<number | bigint>, Number);

test('class V2 packing: a path of identical vertices falls into the hand-computed classes, numbered by first vertex', () => {
  // 0-1-2-3-4, every row equal. Level 0 splits by degree: ends {0,4} (1), inside {1,2,3} (2). Level 1 splits the
  // inside by its neighbours' classes: {1,3} (an end and an inside) from {2} (two inside). Level 2: no change.
  const same = Float32Array.from([7, 8, 9]);
  const path = handTokens({
    names: ['a', 'b', 'c', 'd', 'e'], edges: [[0, 1], [1, 2], [2, 3], [3, 4], [4, 3]],
    features: Array.from({ length: 5 }, () => same),
  });
  const p = classes(packInputs(path, entry({ inputForm: 'classes' })));
  assert.deepEqual(inputTensors(p).map(([name]) => name), classInputNames(2));
  assert.deepEqual(p.tensors.tokens!.dims, [2, 3]);
  assert.deepEqual(values(p, 'tokens'), [7, 8, 9, 7, 8, 9]);
  assert.deepEqual(values(p, 'degree'), [1, 2]);
  assert.deepEqual(values(p, 'class_parent_1'), [0, 1, 1]); // classes {0,4} {1,3} {2}
  assert.deepEqual(values(p, 'class_src_1'), [0, 1, 1, 2, 2]); // the edges of vertices 0, 1 and 2
  assert.deepEqual(values(p, 'class_dst_1'), [1, 0, 1, 1, 1]); // their neighbours' classes at level 0
  assert.deepEqual(values(p, 'class_parent_2'), [0, 1, 2]);
  assert.deepEqual(values(p, 'class_dst_2'), [1, 0, 2, 1, 1]);
  assert.deepEqual(p.tensors.class_count!.dims, [3, 1]);
  assert.deepEqual(values(p, 'class_count'), [2, 2, 1]);
  assert.ok(p.tensors.class_src_2!.data instanceof BigInt64Array && p.tensors.class_count!.data instanceof Float32Array);
  assert.deepEqual(values(p, 'static'), [0.5, -0.5, 0.25]);
});

test('class packing: distinct rows stay apart, a lone vertex is one class without edges', () => {
  const p = classes(packInputs(handTokens(), entry({ inputForm: 'classes' })));
  assert.deepEqual(values(p, 'class_count'), [1, 1, 1, 1]); // every row differs
  assert.deepEqual(values(p, 'class_src_2'), [0, 0, 1, 1, 2, 2, 3, 3]); // every vertex its own representative
  assert.deepEqual(values(p, 'class_dst_2'), [1, 3, 0, 2, 1, 3, 0, 2]);
  const one = handTokens({ names: ['x'], edges: [[0, 0]], features: [Float32Array.from([1, 2, 3])] });
  const q = classes(packInputs(one, entry({ inputForm: 'classes' })));
  assert.deepEqual([q.tensors.class_src_1!.dims, q.tensors.class_src_2!.dims, values(q, 'class_count')], [[0], [0], [1]]);
  // -0 and 0 are different bits: the exporter compares bytes too, so they are different classes
  const zeros = handTokens({ names: ['x', 'y'], edges: [[0, 1]], features: [Float32Array.from([0, 0, 0]), Float32Array.from([-0, 0, 0])] });
  assert.deepEqual(values(classes(packInputs(zeros, entry({ inputForm: 'classes' }))), 'degree'), [1, 1]);
});

test('NNLP packing reads the NNLP rows and the raw [batch, GFLOPs, Gparams, Gmacs] static vector', () => {
  const p = dense(packInputs(handTokens(), entry({ tokenKind: 'nnlp_features' })));
  assert.deepEqual(p.tokens.dims, [1, 4, 2]);
  assert.deepEqual(Array.from(p.tokens.data), [1000, 1001, 1100, 1101, 1200, 1201, 1300, 1301]);
  assert.deepEqual(p.static.dims, [1, 4]);
  assert.deepEqual(Array.from(p.static.data), Array.from(Float32Array.from([1, 2.5, 0.01, 1.2])));
});

test('row and static widths that differ from the manifest are refused before anything runs', () => {
  assert.throws(() => packInputs(handTokens(), entry({ tokenDim: 152 })), /reads 152-value token rows, the tokenizer wrote 3/);
  assert.throws(() => packInputs(handTokens(), entry({ staticDim: 40 })), /reads a 40-value static vector, the tokenizer wrote 3/);
  assert.throws(() => denseAdjacency(2, [[0, 2]]), /edge \[0, 2\] names a vertex outside 0..1/);
  assert.throws(() => symmetricEdges(2, [[-1, 0]]), /edge \[-1, 0\] names a vertex outside 0..1/);
  assert.throws(() => packInputs(handTokens({ edges: [[0, 4]] }), entry({ inputForm: 'edges' })), /edge \[0, 4\] names a vertex outside 0..3/);
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

test('real tokens (ResNet-18 from the corpus): adjacency symmetric, no self-loops, one pair per undirected edge; the edge list is its non-zero pairs', () => {
  const file = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'onnx-corpus', 'models', 'nnlqp_resnet18-v1-7-no-weight.onnx');
  const tokens = analyzeFile(file).tokens;
  const real = entry({ vocabularyVersion: tokens.vocabularyVersion, tokenDim: 152, staticDim: 40 });
  const p = dense(packInputs(tokens, real));
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

  const e = edges(packInputs(tokens, { ...real, inputForm: 'edges' }));
  assert.deepEqual(e.tokens.dims, [n, 152]);
  assert.deepEqual(Array.from(e.tokens.data), Array.from(p.tokens.data));
  assert.deepEqual(pairsOf(e.edge_src.data, e.edge_dst.data), nonZeroPairs(n, p.adjacency.data));
  assert.deepEqual(Array.from(e.static.data), Array.from(p.static.data));
});

test('the edge list is the non-zero pairs of the dense adjacency on random multigraphs with self-loops and isolated vertices', () => {
  let seed = 12345;
  const random = (k: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % k;
  };
  for (const [n, count] of [[1, 0], [1, 3], [2, 1], [9, 4], [30, 80], [200, 500]] as const) {
    const linked = Math.max(1, n - 3); // the last vertices stay isolated
    const list: [number, number][] = Array.from({ length: count }, () => [random(linked), random(linked)]);
    list.push(...list.slice(0, 3).map(([a, b]) => [b, a] as [number, number]));
    const { src, dst } = symmetricEdges(n, list);
    assert.deepEqual(pairsOf(src, dst), nonZeroPairs(n, denseAdjacency(n, list)), `n=${n} edges=${count}`);
  }
});
