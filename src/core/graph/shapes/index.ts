// Shape inference: per-op rules over the Graph IR. See infer.ts for the engine and ops/ for the rules.
export { inferShapes, type InferOptions } from './infer';
export { supportedOps } from './registry';
export { ShapeRuleError } from './rule';
export { referenceShapedModel, referenceShapes } from './referenceView';
