// Shape inference over a Model's main graph: seeds graph inputs (with batch and symbolic-dim overrides),
// initializers and constants, then runs the per-op rule of every node in topological order. Whatever cannot be
// inferred is left with an undefined shape, and everything downstream of it stays unknown.
import type { DimOverrides, Graph, InferredValue, Model, Node, ShapeDiagnostic, ShapedModel, ValueInfo } from '../types';
import { NodeContext } from './context';
import { lookupRule } from './registry';
import { MAX_TRACKED_VALUES, ShapeRuleError, UNKNOWN_DIM } from './rule';

export interface InferOptions {
  /** When given, the first dim of every non-initializer graph input is set to it (as the reference does). */
  batch?: number;
  /** Values for symbolic dims by name, e.g. { batch: 1, sequence: 128 }. */
  overrides?: DimOverrides;
  /**
   * False: infer as onnx.shape_inference does without data propagation (the published extractor's view, see
   * referenceView.ts). Only initializers and Constant outputs have values; a shape that needs values computed by
   * nodes gets the rank ONNX can know with UNKNOWN_DIM (NaN) dims, or stays unknown where ONNX loses the rank;
   * symbolic input dims other than the batch stay unknown (overrides are not applied). Default true.
   */
  dataPropagation?: boolean;
}

/**
 * Opsets of a model that imports none (IR version < 3 had no opset_import): the default domain at version 1, as
 * ONNX reads such files. (A domain a model does not import is also taken at version 1.)
 */
const NO_IMPORT_OPSETS: ReadonlyMap<string, number> = new Map([['', 1]]);

/** Batch used for a symbolic first input dim when neither `batch` nor an override names it. */
const DEFAULT_BATCH = 1;

export function inferShapes(model: Model, options: InferOptions = {}): ShapedModel {
  if (options.batch !== undefined && !(Number.isInteger(options.batch) && options.batch > 0)) {
    throw new RangeError(`batch must be a positive integer, got ${options.batch}`);
  }
  // Almost every file lists its nodes in topological order: run in file order, and only where that meets a node
  // it cannot run yet (see definedInFileOrder) start again in the order topologicalOrder gives.
  return run(model, options, true) ?? run(model, options, false)!;
}

/** One inference; in file order, undefined as soon as a node is found out of order (nothing is kept). */
function run(model: Model, options: InferOptions, fileOrder: boolean): ShapedModel | undefined {
  const graph = model.graph;
  const values = new Map<string, InferredValue>();
  const diagnostics: ShapeDiagnostic[] = [];
  const unknownOps = new Map<string, number>();

  graph.initializers.forEach((init, name) => {
    values.set(name, constValue(init.elemType, init.dims, init.values));
  });
  const partial = options.dataPropagation === false;
  for (let i = 0; i < graph.inputs.length; i++) {
    const input = graph.inputs[i];
    if (graph.initializers.has(input.name)) continue; // old IR: initializers listed as inputs are constants
    values.set(input.name, partial ? seedInputAsOnnx(input, options) : seedInput(input, options, diagnostics));
  }

  const opsets = model.opsets.size > 0 ? model.opsets : NO_IMPORT_OPSETS;
  const ctx = new NodeContext(values, diagnostics, graph.initializers, partial);
  let computedShapeInputs: number;
  try {
    const order = fileOrder ? graph.nodes : topologicalOrder(graph, diagnostics);
    for (let i = 0; i < order.length; i++) {
      const node = order[i];
      if (fileOrder && !definedInFileOrder(node, values)) return undefined;
      inferNode(ctx.at(node, opsets.get(node.domain) ?? 1), values, unknownOps, diagnostics);
      if (node.opType === 'Constant' && node.domain === '' && node.outputs.length > 0) ctx.addConstant(node.outputs[0]);
    }
    computedShapeInputs = ctx.computedShapeInputs;
  } finally {
    ctx.retire();
  }
  // One literal per combination of optional fields rather than fields added afterwards. An object that gains a
  // property gets a hidden class that lives only while some such object does: the full GC between two analyses
  // frees it, and every optimised function that had seen it (shape rules, costs, tokenizer) is deoptimised and
  // compiled again in the next analysis. A literal's hidden class is kept by the literal itself.
  const batch = options.batch;
  if (batch === undefined) {
    return partial
      ? { model, values, unknownOps, diagnostics, computedShapeInputs, dataPropagation: false }
      : { model, values, unknownOps, diagnostics, computedShapeInputs };
  }
  return partial
    ? { model, values, unknownOps, diagnostics, computedShapeInputs, batch, dataPropagation: false }
    : { model, values, unknownOps, diagnostics, computedShapeInputs, batch };
}

function constValue(elemType: number, dims: number[], vals?: number[]): InferredValue {
  // Two literals, not `values` added afterwards (see the end of run()).
  return vals !== undefined && vals.length <= MAX_TRACKED_VALUES
    ? { elemType, shape: dims.slice(), values: vals }
    : { elemType, shape: dims.slice() };
}

function seedInput(input: ValueInfo, options: InferOptions, diagnostics: ShapeDiagnostic[]): InferredValue {
  if (input.typeKind !== undefined && input.typeKind !== 'sparse_tensor') {
    diagnostics.push({ nodeIndex: -1, opType: 'Input', message: `graph input '${input.name}' is a ${input.typeKind}, not a tensor` });
    return { elemType: input.elemType };
  }
  if (input.shape === undefined) {
    diagnostics.push({ nodeIndex: -1, opType: 'Input', message: `graph input '${input.name}' has no declared shape` });
    return { elemType: input.elemType };
  }
  const shape: number[] = [];
  for (let i = 0; i < input.shape.length; i++) {
    const d = input.shape[i];
    let resolved: number | undefined;
    if (i === 0 && options.batch !== undefined) resolved = options.batch;
    else if (typeof d === 'number' && d >= 0) resolved = d;
    else if (typeof d === 'string' && options.overrides?.has(d)) resolved = options.overrides.get(d);
    else if (i === 0) resolved = options.overrides?.get('batch') ?? DEFAULT_BATCH;
    if (resolved === undefined) {
      const what = typeof d === 'string' ? `symbolic dim '${d}'` : 'an anonymous dim';
      diagnostics.push({
        nodeIndex: -1,
        opType: 'Input',
        message: `graph input '${input.name}' has ${what} at axis ${i}: give it a value with a dimension override`,
      });
      return { elemType: input.elemType };
    }
    shape.push(resolved);
  }
  return { elemType: input.elemType, shape };
}

/**
 * A graph input as ONNX sees it: the batch in dim 0 (without one, dim 0 as the default run seeds it), declared
 * sizes, and UNKNOWN_DIM for other symbolic or anonymous dims (overrides are the caller's knowledge, not ONNX's).
 */
function seedInputAsOnnx(input: ValueInfo, options: InferOptions): InferredValue {
  if ((input.typeKind !== undefined && input.typeKind !== 'sparse_tensor') || input.shape === undefined) {
    return { elemType: input.elemType };
  }
  const shape = input.shape.map((d, i) => {
    if (typeof d === 'number' && d >= 0 && (i > 0 || options.batch === undefined)) return d;
    if (i === 0) return options.batch ?? options.overrides?.get('batch') ?? DEFAULT_BATCH;
    return UNKNOWN_DIM;
  });
  return { elemType: input.elemType, shape };
}

/**
 * In a file-order run, whether `node` can run now: every input already has a value and no output has one yet.
 * When this holds for every node, topologicalOrder would return the file order too: it does so unless some input
 * is produced by the consuming node or a later one, and such an input either has no value yet when its consumer
 * runs, or already has one (a graph input, an initializer, an earlier producer) when the later producer runs.
 * When it fails, the run starts again in topologicalOrder's order, which also reports inputs that are never
 * defined (here they only stop the file-order run).
 */
function definedInFileOrder(node: Node, values: Map<string, InferredValue>): boolean {
  const inputs = node.inputs;
  for (let i = 0; i < inputs.length; i++) if (inputs[i] !== '' && !values.has(inputs[i])) return false;
  const outputs = node.outputs;
  for (let i = 0; i < outputs.length; i++) if (outputs[i] !== '' && values.has(outputs[i])) return false;
  return true;
}

/** File order when it is already topological (the ONNX rule); Kahn's algorithm otherwise. */
function topologicalOrder(graph: Graph, diagnostics: ShapeDiagnostic[]): Node[] {
  const nodes = graph.nodes;
  const producer = new Map<string, number>();
  for (let i = 0; i < nodes.length; i++) {
    const outputs = nodes[i].outputs;
    for (let k = 0; k < outputs.length; k++) if (outputs[k] !== '') producer.set(outputs[k], i);
  }
  let sorted = true;
  outer: for (let i = 0; i < nodes.length; i++) {
    const inputs = nodes[i].inputs;
    for (let k = 0; k < inputs.length; k++) {
      const p = inputs[k] === '' ? undefined : producer.get(inputs[k]);
      if (p !== undefined && p >= i) {
        sorted = false;
        break outer;
      }
    }
  }
  if (sorted) return nodes;

  const pending = new Array<number>(graph.nodes.length).fill(0);
  const consumers = new Map<number, number[]>();
  graph.nodes.forEach((n, i) => {
    for (const name of new Set(n.inputs)) {
      const p = name === '' ? undefined : producer.get(name);
      if (p === undefined || p === i) continue;
      pending[i]++;
      const list = consumers.get(p);
      if (list) list.push(i);
      else consumers.set(p, [i]);
    }
  });
  const order: Node[] = [];
  const queue: number[] = [];
  pending.forEach((c, i) => c === 0 && queue.push(i));
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head];
    order.push(graph.nodes[i]);
    for (const c of consumers.get(i) ?? []) if (--pending[c] === 0) queue.push(c);
  }
  if (order.length < graph.nodes.length) {
    const cyclic = graph.nodes.filter((_, i) => pending[i] > 0);
    for (const n of cyclic) {
      diagnostics.push({ nodeIndex: n.index, opType: n.opType, message: 'node is part of a cycle; its outputs are unknown' });
    }
    // Cyclic nodes still run last so that their outputs get (unknown) entries.
    for (const n of cyclic) order.push(n); // not push(...): a hostile file can hold 100k+ nodes in a cycle
  }
  return order;
}

/** Gives every named output of `node` an unknown value. */
function markUnknown(node: Node, values: Map<string, InferredValue>): void {
  const outputs = node.outputs;
  for (let i = 0; i < outputs.length; i++) if (outputs[i] !== '') values.set(outputs[i], { elemType: 0 });
}

/** Non-negative integer dims; unknown dims (NaN) are valid in a run without data propagation only. */
function isValidShape(shape: number[], partial: boolean): boolean {
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (!(Number.isInteger(d) && d >= 0) && !(partial && d !== d)) return false;
  }
  return true;
}

function inferNode(
  ctx: NodeContext,
  values: Map<string, InferredValue>,
  unknownOps: Map<string, number>,
  diagnostics: ShapeDiagnostic[],
): void {
  const node = ctx.node;
  const rule = lookupRule(node.domain, node.opType);
  if (rule === undefined) {
    const key = node.domain === '' ? node.opType : `${node.domain}.${node.opType}`;
    unknownOps.set(key, (unknownOps.get(key) ?? 0) + 1);
    diagnostics.push({ nodeIndex: node.index, opType: node.opType, message: `no shape rule for ${key}` });
    markUnknown(node, values);
    return;
  }
  const inputs = node.inputs;
  for (let i = 0; i < inputs.length; i++) {
    const name = inputs[i];
    if (name === '') continue;
    const v = values.get(name);
    if (v === undefined) {
      diagnostics.push({ nodeIndex: node.index, opType: node.opType, message: `input '${name}' is never defined` });
      markUnknown(node, values);
      return;
    }
    if (v.shape === undefined) {
      markUnknown(node, values); // downstream of an unknown: already reported where it started
      return;
    }
  }
  let outputs: InferredValue[];
  try {
    outputs = rule(ctx);
  } catch (err) {
    // A rule error is an expected gap; anything else is a rule bug that hostile input must not turn into a crash.
    const message = err instanceof ShapeRuleError ? err.message : `internal error in the shape rule: ${String(err)}`;
    diagnostics.push({ nodeIndex: node.index, opType: node.opType, message });
    markUnknown(node, values);
    return;
  }
  for (let i = 0; i < node.outputs.length; i++) {
    const name = node.outputs[i];
    if (name === '') continue;
    const out = outputs[i];
    if (out === undefined) {
      diagnostics.push({ nodeIndex: node.index, opType: node.opType, message: `output ${i} is not supported by the shape rule` });
      values.set(name, { elemType: 0 });
    } else if (out.shape !== undefined && !isValidShape(out.shape, ctx.partial)) {
      diagnostics.push({ nodeIndex: node.index, opType: node.opType, message: `computed an invalid shape [${out.shape.join(',')}] for output ${i}` });
      values.set(name, { elemType: out.elemType });
    } else {
      if (out.shape === undefined) {
        diagnostics.push({ nodeIndex: node.index, opType: node.opType, message: `the size of output ${i} depends on tensor values` });
      }
      values.set(name, out);
    }
  }
}
