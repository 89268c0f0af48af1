// NAR-Former V2 tokenizer: a ShapedModel → Tokens, in reference mode (the published extractor, quirks included)
// or extended mode (the quirks fixed, a larger vocabulary, never rejects a model that reads and infers).
import { computeCosts, ReferenceExtractorError } from '../graph/costs';
import { referenceShapedModel } from '../graph/shapes/referenceView';
import type { CostReport, ShapedModel } from '../graph/types';
import { describeCoverage, measureCoverage } from './coverage';
import { referenceRejects, TokenizeError } from './errors';
import { EXTENDED_ATTRIBUTE_SLOTS, extendedAttributes, type ExtendedAttrs } from './extendedAttributes';
import { extendedParser } from './extendedParse';
import { applyRuntimeFusions, NO_FUSIONS } from './fusions';
import { extendedNnlpRow, NNLP_EXTENDED_DIM, NNLP_REFERENCE_DIM, referenceNnlpRow } from './nnlp';
import { referenceParser } from './referenceParse';
import { extendedRow, FEATURE_DIM, referenceRow } from './rows';
import { staticRaw, staticVector } from './staticVector';
import type { RuntimeFusions, TokenizerMode, Tokens } from './types';
import { buildVertexGraph } from './vertexGraph';
import { extendedShapeOf, extendedShapes, referenceShapeTable, withReferenceShapes } from './vertexShapes';
import {
  EXTENDED_VOCABULARY_VERSION,
  extendedSlot,
  REFERENCE_VOCABULARY_VERSION,
  referenceSlot,
} from './vocabulary';

export { TokenizeError } from './errors';
export { describeCoverage, describeFusions } from './coverage';
export { NO_FUSIONS } from './fusions';
export { FEATURE_DIM } from './rows';
export type { Tokens, TokenizerMode, Coverage, RuntimeFusions } from './types';

export interface TokenizeOptions {
  mode: TokenizerMode;
  /** Batch size written into the static vector (and, in reference mode, into declared input/output dims). */
  batch?: number;
  /** Costs already computed for this model in the mode's cost model ('reference' / 'fixed'); computed if absent. */
  costs?: CostReport;
  /** Extended mode: rewrite the graph as onnxruntime runs it (tokenizer/fusions/; default true). False keeps the
   *  file's nodes, for measuring what the rewrites change (bench/variants.ts). */
  runtimeFusions?: boolean;
  /** Extended mode: keep the file's Identity nodes (the runtime removes them). Only for rebuilding the tensors the
   *  zoo studies before the removal were trained on (training/train/reproduce.sh `tensors`). */
  keepIdentity?: boolean;
}

export function tokenize(shaped: ShapedModel, options: TokenizeOptions): Tokens {
  const batch = options.batch ?? 1;
  if (!(Number.isInteger(batch) && batch > 0)) throw new TokenizeError(`batch must be a positive integer, got ${batch}`);
  return options.mode === 'reference'
    ? tokenizeReference(shaped, batch, options.costs)
    : tokenizeExtended(shaped, batch, options.costs, options.runtimeFusions ?? true, options.keepIdentity ?? false);
}

function tokenizeReference(shaped: ShapedModel, batch: number, given?: CostReport): Tokens {
  const model = shaped.model;
  const opsets = [...model.opsets.values()];
  const graph = buildVertexGraph(model.graph, referenceParser(opsets), { onCycle: 'reject' });
  // The extractor's shapes: onnx.shape_inference without data propagation (unknown dims as 0).
  const view = referenceShapedModel(shaped, batch);
  const shapes = referenceShapeTable(view, batch);
  let costs: CostReport;
  try {
    costs = given ?? computeCosts(withReferenceShapes(view, shapes), 'reference');
  } catch (err) {
    if (err instanceof ReferenceExtractorError) throw referenceRejects(`FLOPs count fails at ${err.message}`);
    throw err;
  }
  if (costs.mode !== 'reference') throw new TokenizeError(`reference mode needs reference costs, got '${costs.mode}'`);

  const { names, opTypes } = graph;
  const count = names.length;
  const rows = vertexRows(count, NNLP_REFERENCE_DIM);
  const { outputShapes, slots, features, nnlpFeatures } = rows;
  for (let i = 0; i < count; i++) {
    const name = names[i];
    const opType = opTypes[i];
    const shape = shapes.get(name);
    if (!shape) throw referenceRejects(`no shape for tensor '${name}'`);
    const slot = referenceSlot(opType);
    const attrs = graph.payloads[i] ?? [];
    outputShapes[i] = shape;
    slots[i] = slot;
    referenceRow(slot, attrs, shape, features[i]);
    referenceNnlpRow(opType, slot, attrs, shape, nnlpFeatures[i]);
  }
  return finishTokens('reference', REFERENCE_VOCABULARY_VERSION, graph, rows, batch, costs, 0, NO_FUSIONS);
}

function tokenizeExtended(original: ShapedModel, batch: number, given: CostReport | undefined, fuse: boolean, keepIdentity: boolean): Tokens {
  const { shaped, fusions } = fuse ? applyRuntimeFusions(original, keepIdentity ? ['identity'] : []) : { shaped: original, fusions: NO_FUSIONS };
  const graph = buildVertexGraph(shaped.model.graph, extendedParser, { onCycle: 'append' });
  const shapes = extendedShapes(shaped);
  // Costs given for the file as read describe the unfused graph; the static vector takes the fused one's.
  const costs = given && shaped === original ? given : computeCosts(shaped, 'fixed');
  if (costs.mode !== 'fixed') throw new TokenizeError(`extended mode needs fixed-mode costs, got '${costs.mode}'`);

  // `names` is handed on as it is; `opTypes` is rewritten in place to the op types Tokens reports.
  const { names, opTypes } = graph;
  const count = names.length;
  const rows = vertexRows(count, NNLP_EXTENDED_DIM);
  const { outputShapes, slots, features, nnlpFeatures } = rows;
  const noAttrs: ExtendedAttrs = new Array(EXTENDED_ATTRIBUTE_SLOTS).fill(undefined);
  let unknownShapes = 0;
  for (let i = 0; i < count; i++) {
    const node = graph.nodes[i];
    const vertexOp = opTypes[i];
    const domain = node?.domain ?? '';
    const slot = node ? extendedSlot(node.opType, domain) : undefined;
    const attrs = node && slot !== undefined ? extendedAttributes(node, shapes) : noAttrs;
    const shape = extendedShapeOf(shapes, names[i]);
    if (!shape) unknownShapes++;
    if (node && domain !== '' && domain !== 'ai.onnx') opTypes[i] = `${domain}.${vertexOp}`;
    // An unknown shape is reported as [] here; `unknownShapes` and the all-zero shape block say it is unknown.
    outputShapes[i] = shape ?? [];
    slots[i] = slot;
    extendedRow(slot, attrs, shape, features[i]);
    extendedNnlpRow(vertexOp, slot, attrs, shape, nnlpFeatures[i]);
  }
  return finishTokens('extended', EXTENDED_VOCABULARY_VERSION, graph, rows, batch, costs, unknownShapes, fusions);
}

/** What each mode fills per vertex: its output shape, vocabulary slot, V2 feature row and NNLP row. */
interface VertexRows {
  outputShapes: number[][];
  slots: (number | undefined)[];
  features: Float32Array[];
  nnlpFeatures: Float32Array[];
  nnlpFeatureDim: number;
}

function vertexRows(count: number, nnlpDim: number): VertexRows {
  return {
    outputShapes: new Array(count),
    slots: new Array(count),
    features: rowViews(count, FEATURE_DIM),
    nnlpFeatures: rowViews(count, nnlpDim),
    nnlpFeatureDim: nnlpDim,
  };
}

/** The Tokens of filled rows: the static vector from the costs, coverage from the slots. */
function finishTokens(
  mode: TokenizerMode,
  vocabularyVersion: string,
  graph: Pick<Tokens, 'names' | 'opTypes' | 'edges'>,
  rows: VertexRows,
  batch: number,
  costs: CostReport,
  unknownShapes: number,
  fusions: RuntimeFusions,
): Tokens {
  const raw = staticRaw(batch, costs);
  const { coverage, unknownOps } = measureCoverage(graph.opTypes, rows.slots);
  return {
    mode,
    vocabularyVersion,
    names: graph.names,
    opTypes: graph.opTypes,
    outputShapes: rows.outputShapes,
    edges: graph.edges,
    features: rows.features,
    featureDim: FEATURE_DIM,
    nnlpFeatures: rows.nnlpFeatures,
    nnlpFeatureDim: rows.nnlpFeatureDim,
    static: staticVector(raw),
    staticRaw: raw,
    coverage,
    unknownOps,
    unknownShapes,
    fusions,
  };
}

/** Bytes of one row buffer: below glibc's initial mmap threshold (128 KiB). */
const ROW_BUFFER_BYTES = 64 * 1024;

/**
 * `count` zeroed rows of `width` values, views into shared buffers of at most ROW_BUFFER_BYTES each. A buffer per
 * row would be one off-heap allocation per vertex (thousands per model), which the GC then has to track and free
 * one by one. One buffer for all rows (2 MB for 3,400 vertices) would be mmap-ed, and freeing it makes glibc raise
 * its mmap and trim thresholds for the life of the process, after which freed memory (the optimising compiler's
 * included) stays resident: about 10 MB more peak RSS per analysis on the 2,500-node benchmark model.
 */
function rowViews(count: number, width: number): Float32Array[] {
  const rows = new Array<Float32Array>(count);
  const perBuffer = Math.max(1, Math.floor(ROW_BUFFER_BYTES / (width * Float32Array.BYTES_PER_ELEMENT)));
  for (let first = 0; first < count; first += perBuffer) {
    const n = Math.min(perBuffer, count - first);
    const buffer = new Float32Array(n * width);
    for (let i = 0; i < n; i++) rows[first + i] = buffer.subarray(i * width, (i + 1) * width);
  }
  return rows;
}

/** One-line coverage summary of a Tokens result. */
export function coverageLine(tokens: Tokens): string {
  return describeCoverage({ coverage: tokens.coverage, unknownOps: tokens.unknownOps });
}

export { writeTrainingTensors, TrainingTensorWriter, type TrainingItem, type TrainingFolderInfo } from './trainingTensors';
export { encodeNpy, decodeNpy } from './npy';
