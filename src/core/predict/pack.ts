// Tokens → the predictor's input tensors (models/README.md), as plain typed arrays so that this stays free of
// onnxruntime: the runtime wraps them. One graph per call, in the input form the manifest entry declares:
//   edges  tokens [N,F] in vertex order, edge_src / edge_dst [E] int64 (graph.ts: both directions of every
//          undirected edge of `Tokens.edges`, deduplicated, self-loops dropped), static [1,S];
//   classes the same graph as vertex classes (classes.ts): tokens [K0,F], degree [K0,1], per layer l
//          class_parent_l [K_l], class_src_l / class_dst_l [E_l] int64, class_count [K_L,1], static [1,S];
//   dense  (older predictors) tokens [1,N,F], adjacency [1,N,N] = the symmetric closure of the same edges,
//          node_mask [1,N] all ones, static [1,S].
// static is the 40-dim PE for V2 or the raw [batch, GFLOPs, Gparams, Gmacs] for NNLP.
import type { Tokens } from '../tokenizer/types';
import { TokenMismatchError } from './errors';
import { classLayersOf, vertexClasses } from './classes';
import { denseAdjacency, symmetricEdges } from './graph';
import { INPUT_NAMES, type PredictorEntry } from './manifest';

export interface PackedTensor<T extends Float32Array | BigInt64Array = Float32Array | BigInt64Array> {
  data: T;
  dims: number[];
}

export interface DenseInputs {
  form: 'dense';
  tokens: PackedTensor<Float32Array>;
  adjacency: PackedTensor<Float32Array>;
  node_mask: PackedTensor<Float32Array>;
  static: PackedTensor<Float32Array>;
}

export interface EdgeInputs {
  form: 'edges';
  tokens: PackedTensor<Float32Array>;
  edge_src: PackedTensor<BigInt64Array>;
  edge_dst: PackedTensor<BigInt64Array>;
  static: PackedTensor<Float32Array>;
}

export interface ClassInputs {
  form: 'classes';
  /** Input names in the predictor's order (their count gives the layers). */
  names: readonly string[];
  tensors: Record<string, PackedTensor>;
}

export type PackedInputs = DenseInputs | EdgeInputs | ClassInputs;

/** The tensors of `packed` by input name, in the form's order (what a session is fed). */
export function inputTensors(packed: PackedInputs): [string, PackedTensor][] {
  if (packed.form === 'classes') return packed.names.map((name) => [name, packed.tensors[name]]);
  return packed.form === 'edges'
    ? INPUT_NAMES.edges.map((name) => [name, packed[name]])
    : INPUT_NAMES.dense.map((name) => [name, packed[name]]);
}

type Wants = Pick<PredictorEntry, 'id' | 'tokenizerMode' | 'vocabularyVersion' | 'tokenKind' | 'tokenDim' | 'staticDim' | 'inputForm' | 'inputNames'>;

/** Refuses tokens made by another tokenizer mode or vocabulary: their rows mean something else to this predictor. */
export function checkCompatible(tokens: Pick<Tokens, 'mode' | 'vocabularyVersion'>, entry: Wants): void {
  if (tokens.mode !== entry.tokenizerMode || tokens.vocabularyVersion !== entry.vocabularyVersion) {
    throw new TokenMismatchError(
      `predictor ${entry.id} was trained on tokens ${entry.tokenizerMode}/${entry.vocabularyVersion}, ` +
        `but the tokenizer produced ${tokens.mode}/${tokens.vocabularyVersion}; install a predictor trained with this tokenizer version`,
    );
  }
}

/** Entries with the same key get the same packInputs result for the same tokens (the fields of Wants that shape
 *  the packing or check its widths), so a caller predicting several platforms packs once per key. The tokenizer
 *  fields only check the tokens: a caller reusing a packing runs checkCompatible on each entry itself
 *  (Predictor.predict does, before running any). */
export function packingKey(entry: Wants): string {
  return JSON.stringify([entry.tokenKind, entry.inputForm, entry.inputNames, entry.tokenDim, entry.staticDim]);
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
  const staticTensor = { data: staticValues, dims: [1, staticValues.length] };
  if (entry.inputForm === 'classes') {
    const layers = classLayersOf(entry.inputNames);
    if (layers === undefined) throw new TokenMismatchError(`predictor ${entry.id} declares class-form inputs ${JSON.stringify(entry.inputNames)} without a layer count`);
    return { form: 'classes', names: entry.inputNames, tensors: { ...vertexClasses(features, f, tokens.edges, layers), static: staticTensor } };
  }
  if (entry.inputForm === 'edges') {
    const { src, dst } = symmetricEdges(n, tokens.edges);
    return {
      form: 'edges',
      tokens: { data: features, dims: [n, f] },
      edge_src: { data: src, dims: [src.length] },
      edge_dst: { data: dst, dims: [dst.length] },
      static: staticTensor,
    };
  }
  return {
    form: 'dense',
    tokens: { data: features, dims: [1, n, f] },
    adjacency: { data: denseAdjacency(n, tokens.edges), dims: [1, n, n] },
    node_mask: { data: new Float32Array(n).fill(1), dims: [1, n] },
    static: staticTensor,
  };
}
