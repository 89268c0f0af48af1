// Tokens → the predictor's input tensors (models/README.md), as plain typed arrays so that this stays free of
// onnxruntime: the runtime wraps them. One graph per call (B = 1, no padding): tokens [1,N,F] in vertex order,
// adjacency [1,N,N] = the symmetric closure of `Tokens.edges` without self-loops, node_mask [1,N] all ones, and
// static [1,S] = the 40-dim PE for V2 or the raw [batch, GFLOPs, Gparams, Gmacs] for NNLP.
import type { Tokens } from '../tokenizer/types';
import { TokenMismatchError } from './errors';
import type { PredictorEntry } from './manifest';

export interface PackedTensor {
  data: Float32Array;
  dims: number[];
}

export interface PackedInputs {
  tokens: PackedTensor;
  adjacency: PackedTensor;
  node_mask: PackedTensor;
  static: PackedTensor;
}

export const INPUT_NAMES = ['tokens', 'adjacency', 'node_mask', 'static'] as const;

type Wants = Pick<PredictorEntry, 'id' | 'tokenizerMode' | 'vocabularyVersion' | 'tokenKind' | 'tokenDim' | 'staticDim'>;

/** Refuses tokens made by another tokenizer mode or vocabulary: their rows mean something else to this predictor. */
export function checkCompatible(tokens: Pick<Tokens, 'mode' | 'vocabularyVersion'>, entry: Wants): void {
  if (tokens.mode !== entry.tokenizerMode || tokens.vocabularyVersion !== entry.vocabularyVersion) {
    throw new TokenMismatchError(
      `predictor ${entry.id} was trained on tokens ${entry.tokenizerMode}/${entry.vocabularyVersion}, ` +
        `but the tokenizer produced ${tokens.mode}/${tokens.vocabularyVersion}; install a predictor trained with this tokenizer version`,
    );
  }
}

/** Dense symmetric 0/1 adjacency of an N-vertex graph from directed edges; self-loops are dropped. */
export function denseAdjacency(n: number, edges: readonly (readonly [number, number])[]): Float32Array {
  const adjacency = new Float32Array(n * n);
  for (const [a, b] of edges) {
    if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b >= 0 && a < n && b < n)) {
      throw new RangeError(`edge [${a}, ${b}] names a vertex outside 0..${n - 1}`);
    }
    if (a === b) continue;
    adjacency[a * n + b] = 1;
    adjacency[b * n + a] = 1;
  }
  return adjacency;
}

export function packInputs(tokens: Tokens, entry: Wants): PackedInputs {
  checkCompatible(tokens, entry);
  const rows = entry.tokenKind === 'features' ? tokens.features : tokens.nnlpFeatures;
  const n = rows.length;
  if (n === 0) throw new TokenMismatchError('the network has no vertices to predict from');
  const f = entry.tokenKind === 'features' ? tokens.featureDim : tokens.nnlpFeatureDim;
  if (entry.tokenDim !== undefined && entry.tokenDim !== f) {
    throw new TokenMismatchError(`predictor ${entry.id} reads ${entry.tokenDim}-value token rows, the tokenizer wrote ${f}`);
  }
  const features = new Float32Array(n * f);
  rows.forEach((row, i) => {
    if (row.length !== f) throw new TokenMismatchError(`token row ${i} has ${row.length} values, not ${f}`);
    features.set(row, i * f);
  });
  const staticValues = entry.tokenKind === 'features' ? Float32Array.from(tokens.static) : Float32Array.from(tokens.staticRaw);
  if (entry.staticDim !== undefined && entry.staticDim !== staticValues.length) {
    throw new TokenMismatchError(`predictor ${entry.id} reads a ${entry.staticDim}-value static vector, the tokenizer wrote ${staticValues.length}`);
  }
  return {
    tokens: { data: features, dims: [1, n, f] },
    adjacency: { data: denseAdjacency(n, tokens.edges), dims: [1, n, n] },
    node_mask: { data: new Float32Array(n).fill(1), dims: [1, n] },
    static: { data: staticValues, dims: [1, staticValues.length] },
  };
}
