// The core pipeline as the server runs it: read → shapes → fixed costs (→ tokens once the tokenizer's
// analyzeFile lands; until then `tokens` is undefined and prediction is not attempted). The only file in
// src/server that knows the core's entry points.
import { readModelFile, ModelReadError } from '../core/onnx';
import { inferShapes } from '../core/graph/shapes';
import { computeCosts } from '../core/graph/costs';
import type { Model, ShapedModel, CostReport } from '../core/graph/types';
import type { Tokens } from '../core/tokenizer/types';

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
  /** Nodes the analysis covers and op types it does not know (from the tokenizer when it ran). */
  coverage: { encoded: number; total: number };
  unknownOps: Record<string, number>;
}

export function runPipeline(path: string, options: { batch?: number; overrides?: Record<string, number> }): PipelineResult {
  let model: Model;
  try {
    model = readModelFile(path);
  } catch (e) {
    if (e instanceof ModelReadError) throw new PipelineError(e.message);
    throw e;
  }
  const shaped = inferShapes(model, { batch: options.batch, overrides: new Map(Object.entries(options.overrides ?? {})) });
  const cost = computeCosts(shaped, 'fixed');
  // Without tokens, coverage counts the nodes whose op type has a shape rule (the ones with computed costs).
  let unknown = 0;
  for (const n of shaped.unknownOps.values()) unknown += n;
  return {
    model,
    shaped,
    cost,
    coverage: { encoded: model.graph.nodes.length - unknown, total: model.graph.nodes.length },
    unknownOps: Object.fromEntries(shaped.unknownOps),
  };
}
