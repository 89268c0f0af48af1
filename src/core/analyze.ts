// The analysis facade: one call from a file to everything the UI and the CLI show about it — read → infer shapes
// → fixed-mode costs → tokens. Pure (no 'vscode'); every stage is a pure function of the previous one.
import { readModel } from './formats';
import { inferShapes } from './graph/shapes';
import { computeCosts } from './graph/costs';
import type { CostReport, DimOverrides, ModelFormat } from './graph/types';
import { tokenize, type Coverage, type RuntimeFusions, type TokenizerMode, type Tokens } from './tokenizer';

export interface AnalyzeOptions {
  /** Batch size written into the first dim of every graph input (default 1). */
  batch?: number;
  /** Values for symbolic dims by name. */
  overrides?: DimOverrides;
  /** Tokenizer mode (default 'extended', what shipped predictors use). */
  mode?: TokenizerMode;
}

export interface ModelSummary {
  format: ModelFormat;
  irVersion: number;
  /** Opset per domain ('' = default ONNX domain). */
  opsets: Record<string, number>;
  producer: string;
  producerVersion: string;
  fileSize: number;
  bytesRead: number;
}

export interface Analysis {
  path: string;
  model: ModelSummary;
  /** ONNX nodes in the main graph. */
  nodes: number;
  /** Token vertices (output tensors, Inputs included) and directed edges between them. */
  vertices: number;
  edges: number;
  coverage: Coverage;
  unknownOps: Record<string, number>;
  /** Vertices whose output shape inference could not determine. */
  unknownShapes: number;
  /** Subgraphs the tokens fuse as onnxruntime does when it opens the file (extended mode; all 0 in reference mode). */
  fusions: RuntimeFusions;
  /** Op types with no shape rule, with counts (their outputs are unknown). */
  shapeUnknownOps: Record<string, number>;
  /** Fixed-mode costs: totals and per node (FLOPs, MACs, params, memory traffic in bytes). */
  cost: CostReport;
  tokens: Tokens;
  timings: { readMs: number; shapesMs: number; costsMs: number; tokenizeMs: number; totalMs: number };
}

function timed<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const value = fn();
  return [value, performance.now() - start];
}

/** Throws ModelReadError (unreadable file), TokenizeError (reference mode rejects it) or RangeError (bad batch). */
export function analyzeFile(path: string, options: AnalyzeOptions = {}): Analysis {
  const batch = options.batch ?? 1;
  const mode = options.mode ?? 'extended';
  const [model, readMs] = timed(() => readModel(path));
  const [shaped, shapesMs] = timed(() => inferShapes(model, { batch, overrides: options.overrides }));
  const [cost, costsMs] = timed(() => computeCosts(shaped, 'fixed'));
  // Extended tokens reuse the fixed costs; reference tokens compute the reference's own.
  const [tokens, tokenizeMs] = timed(() => tokenize(shaped, { mode, batch, costs: mode === 'extended' ? cost : undefined }));
  return {
    path,
    model: {
      format: model.format,
      irVersion: model.irVersion,
      opsets: Object.fromEntries(model.opsets),
      producer: model.producerName,
      producerVersion: model.producerVersion,
      fileSize: model.fileSize,
      bytesRead: model.bytesRead,
    },
    nodes: model.graph.nodes.length,
    vertices: tokens.names.length,
    edges: tokens.edges.length,
    coverage: tokens.coverage,
    unknownOps: tokens.unknownOps,
    unknownShapes: tokens.unknownShapes,
    fusions: tokens.fusions,
    shapeUnknownOps: Object.fromEntries(shaped.unknownOps),
    cost,
    tokens,
    timings: { readMs, shapesMs, costsMs, tokenizeMs, totalMs: readMs + shapesMs + costsMs + tokenizeMs },
  };
}
