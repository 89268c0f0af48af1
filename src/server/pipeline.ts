// The core pipeline as the server runs it: read (any format, through core/formats) → shapes → fixed costs → extended tokens — the same stages as
// core/analyze.ts's analyzeFile, composed here because the UI also needs what analyzeFile does not return
// (the Model's node names and the inferred shape of every tensor for the per-layer table). The only file in
// src/server that knows the core's entry points.
import { readModel, isModelFileError } from '../core/formats';
import { inferShapes } from '../core/graph/shapes';
import { computeCosts } from '../core/graph/costs';
import type { Model, ShapedModel, CostReport } from '../core/graph/types';
import { NO_FUSIONS, tokenize, type RuntimeFusions, type Tokens } from '../core/tokenizer';

export class PipelineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PipelineError';
  }
}

export interface PipelineResult {
  model: Model;
  shaped: ShapedModel;
  cost: CostReport;
  tokens?: Tokens;
  /** Why there are no tokens, when the tokenizer refused the model. */
  tokenizeError?: string;
  /** Nodes the analysis covers and op types it does not know (from the tokenizer when it ran). */
  coverage: { encoded: number; total: number };
  unknownOps: Record<string, number>;
  /** Subgraphs the tokens fuse as onnxruntime runs the file (none without tokens). */
  fusions: RuntimeFusions;
}

export function runPipeline(path: string, options: { batch?: number; overrides?: Record<string, number> }): PipelineResult {
  let model: Model;
  try {
    model = readModel(path);
  } catch (e) {
    if (isModelFileError(e)) throw new PipelineError(e.message);
    throw e;
  }
  const shaped = inferShapes(model, { batch: options.batch ?? 1, overrides: new Map(Object.entries(options.overrides ?? {})) });
  const batch = options.batch ?? 1;
  const cost = computeCosts(shaped, 'fixed');
  try {
    const tokens = tokenize(shaped, { mode: 'extended', batch, costs: cost });
    return {
      model,
      shaped,
      cost,
      tokens,
      coverage: { ...tokens.coverage },
      unknownOps: { ...tokens.unknownOps },
      fusions: tokens.fusions,
    };
  } catch (e) {
    // The cost report is still worth showing; prediction then says why it cannot run. Coverage falls back to
    // the nodes whose op type has a shape rule (the ones with computed costs).
    let unknown = 0;
    for (const n of shaped.unknownOps.values()) unknown += n;
    return {
      model,
      shaped,
      cost,
      tokenizeError: (e as Error).message,
      coverage: { encoded: model.graph.nodes.length - unknown, total: model.graph.nodes.length },
      unknownOps: Object.fromEntries(shaped.unknownOps),
      fusions: NO_FUSIONS,
    };
  }
}
