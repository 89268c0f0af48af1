// Fixed mode: a correct cost model (formulas in fixedOps.ts). Per node:
//   params = elements of the constant weights it reads (initializers and Constant outputs of a parameter type,
//            see isParameterType), each constant counted once in the model, at its first consumer;
//   memory = bytes of every distinct input (weights included) + bytes of every output, by element type.
// A node is incomplete when a shape or element type it needs is unknown or its op has no FLOPs formula; its
// numbers are then lower bounds.
import type { Attribute, CostReport, InferredValue, Node, NodeCost, ShapedModel } from '../types';
import { elementBytes, isParameterType } from './elementBytes';
import { fixedOpCost, NeedsShape, type OpView } from './fixedOps';

function elements(shape: readonly number[]): number {
  let p = 1;
  for (let i = 0; i < shape.length; i++) p *= shape[i];
  return p;
}

function tensorBytes(v: InferredValue | undefined): number | undefined {
  if (v?.shape === undefined) return undefined;
  const b = elementBytes(v.elemType);
  return b === undefined ? undefined : Math.ceil(elements(v.shape) * b);
}

function attrNumber(a: Attribute | undefined): number | undefined {
  return a !== undefined && (a.kind === 'int' || a.kind === 'float') ? a.value : undefined;
}

const NO_NODE: Node = { index: -1, name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: new Map() };
const NO_VALUES: ReadonlyMap<string, InferredValue> = new Map();

/** One view per costing run, pointed at each node in turn. */
class View implements OpView {
  node: Node = NO_NODE;
  constructor(private values: ReadonlyMap<string, InferredValue>) {}
  at(node: Node): this {
    this.node = node;
    return this;
  }
  /**
   * Drops the model and keeps this view as the one retired view: without a live View, a full GC between analyses
   * frees its hidden class and discards the optimised cost formulas (see WireCursor.retire in src/core/onnx).
   */
  retire(): void {
    this.node = NO_NODE;
    this.values = NO_VALUES;
    retiredView = this;
  }
  private shapeOf(name: string | undefined): number[] | undefined {
    return name === undefined || name === '' ? undefined : this.values.get(name)?.shape;
  }
  inShape(i: number): number[] | undefined {
    return this.shapeOf(this.node.inputs[i]);
  }
  outShape(i: number): number[] | undefined {
    return this.shapeOf(this.node.outputs[i]);
  }
  int(name: string, fallback: number): number {
    return attrNumber(this.node.attributes.get(name)) ?? fallback;
  }
  float(name: string, fallback: number): number {
    return attrNumber(this.node.attributes.get(name)) ?? fallback;
  }
  str(name: string, fallback: string): string {
    const a = this.node.attributes.get(name);
    return a?.kind === 'string' ? a.value : fallback;
  }
  ints(name: string): number[] | undefined {
    const a = this.node.attributes.get(name);
    return a?.kind === 'ints' ? a.value : undefined;
  }
}

/** The last retired view (see View.retire). */
let retiredView: View | undefined;
/** For tests: whether a retired view is kept, and that it holds no node. */
export function retiredViewIsEmpty(): boolean | undefined {
  return retiredView === undefined ? undefined : retiredView.node === NO_NODE;
}

export function fixedCosts(shaped: ShapedModel): CostReport {
  const graph = shaped.model.graph;
  // Constants are the initializers and the Constant nodes' outputs (looked up in both rather than copied into one
  // set: a large model has thousands of initializers).
  const constantOutputs = new Set<string>();
  const graphNodes = graph.nodes;
  for (let i = 0; i < graphNodes.length; i++) {
    const node = graphNodes[i];
    if (node.opType === 'Constant' && node.domain === '' && node.outputs[0]) constantOutputs.add(node.outputs[0]);
  }
  const constants: Constants = { initializers: graph.initializers, constantOutputs };
  const counted = new Set<string>();
  const nodes: NodeCost[] = [];
  const total = { flops: 0, macs: 0, params: 0, memory: 0 };
  let incomplete = 0;
  const view = new View(shaped.values);
  try {
    for (let i = 0; i < graphNodes.length; i++) {
      incomplete += costNode(graphNodes[i], shaped, view, constants, counted, nodes, total);
    }
  } finally {
    view.retire();
  }
  return { mode: 'fixed', nodes, total, incomplete };
}

interface Constants {
  initializers: ReadonlyMap<string, unknown>;
  constantOutputs: ReadonlySet<string>;
}

/** Costs one node into `nodes` and `total`; returns 1 when the node is incomplete. */
function costNode(
  node: Node,
  shaped: ShapedModel,
  view: View,
  constants: Constants,
  counted: Set<string>,
  nodes: NodeCost[],
  total: { flops: number; macs: number; params: number; memory: number },
): number {
  const cost: NodeCost = { nodeIndex: node.index, flops: 0, macs: 0, params: 0, memory: 0, complete: true };
  const inputs = node.inputs;
  for (let i = 0; i < inputs.length; i++) {
    const name = inputs[i];
    if (name === '' || inputs.indexOf(name) !== i) continue; // Mul(x, x) reads x once
    const v = shaped.values.get(name);
    const bytes = tensorBytes(v);
    if (bytes === undefined) cost.complete = false;
    else cost.memory += bytes;
    if ((constants.initializers.has(name) || constants.constantOutputs.has(name)) && !counted.has(name) && v?.shape && node.opType !== 'Constant' && isParameterType(v.elemType, node.opType)) {
      counted.add(name);
      cost.params += elements(v.shape);
    }
  }
  const outputs = node.outputs;
  for (let i = 0; i < outputs.length; i++) {
    const name = outputs[i];
    if (name === '') continue;
    const bytes = tensorBytes(shaped.values.get(name));
    if (bytes === undefined) cost.complete = false;
    else cost.memory += bytes;
  }
  try {
    const op = node.domain === '' ? fixedOpCost(view.at(node)) : undefined;
    if (op === undefined) cost.complete = false;
    else {
      cost.flops = op.flops;
      cost.macs = op.macs;
    }
  } catch (err) {
    if (!(err instanceof NeedsShape)) throw err;
    cost.complete = false;
  }
  total.flops += cost.flops;
  total.macs += cost.macs;
  total.params += cost.params;
  total.memory += cost.memory;
  nodes.push(cost);
  return cost.complete ? 0 : 1;
}
