// RuleContext over one node: resolves input slots to inferred values and reads attributes with ONNX defaults.
import type { Attribute, ConstTensor, InferredValue, Node, ShapeDiagnostic } from '../types';
import { ShapeRuleError, type RuleContext } from './rule';

const NO_NODE: Node = { index: -1, name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: new Map() };

/** One context per inference run, pointed at each node in turn with at() (no allocation per node). */
export class NodeContext implements RuleContext {
  node: Node = NO_NODE;
  opset = 1;
  /** Shape-deciding reads (requireValues) of tensors computed by nodes: values only data propagation knows. */
  computedShapeInputs = 0;
  /** Outputs of the Constant nodes seen so far (with the initializers: the values ONNX has without data_prop). */
  private constants = new Set<string>();

  constructor(
    private known: ReadonlyMap<string, InferredValue>,
    private diagnostics: ShapeDiagnostic[],
    private initializers: ReadonlyMap<string, unknown>,
    readonly partial: boolean,
  ) {}

  /** Records that `name` is the output of a Constant node. */
  addConstant(name: string): void {
    this.constants.add(name);
  }

  private isConstant(name: string): boolean {
    return this.initializers.has(name) || this.constants.has(name);
  }

  /** Points the context at `node`, whose domain is at version `opset`. */
  at(node: Node, opset: number): this {
    this.node = node;
    this.opset = opset;
    return this;
  }

  get inputCount(): number {
    return this.node.inputs.length;
  }

  has(i: number): boolean {
    const name = this.node.inputs[i];
    return name !== undefined && name !== '';
  }

  input(i: number): InferredValue {
    const name = this.node.inputs[i];
    if (name === undefined || name === '') this.fail(`input ${i} is required but absent`);
    const v = this.known.get(name);
    if (v === undefined) this.fail(`input '${name}' is not produced by any node, input or initializer`);
    return v;
  }

  shape(i: number): number[] {
    const s = this.input(i).shape;
    if (s === undefined) this.fail(`the shape of input ${i} is unknown`);
    return s;
  }

  elemType(i: number): number {
    return this.input(i).elemType;
  }

  values(i: number): number[] | undefined {
    if (!this.has(i)) return undefined;
    // Without data propagation, values computed by nodes do not exist.
    if (this.partial && !this.isConstant(this.node.inputs[i])) return undefined;
    return this.input(i).values;
  }

  requireValues(i: number, what: string): number[] {
    if (this.has(i) && !this.isConstant(this.node.inputs[i])) this.computedShapeInputs++;
    const v = this.values(i);
    if (v === undefined) this.fail(`needs the values of input ${i} (${what}), which are not known statically`);
    return v;
  }

  attr(name: string): Attribute | undefined {
    return this.node.attributes.get(name);
  }

  int(name: string, fallback: number): number {
    const a = this.attr(name);
    if (a === undefined) return fallback;
    if (a.kind === 'int') return a.value;
    if (a.kind === 'float') return Math.trunc(a.value);
    return this.fail(`attribute '${name}' should be an int, found ${a.kind}`);
  }

  ints(name: string): number[] | undefined {
    const a = this.attr(name);
    if (a === undefined) return undefined;
    if (a.kind === 'ints') return a.value;
    if (a.kind === 'int') return [a.value];
    return this.fail(`attribute '${name}' should be ints, found ${a.kind}`);
  }

  float(name: string, fallback: number): number {
    const a = this.attr(name);
    if (a === undefined) return fallback;
    if (a.kind === 'float' || a.kind === 'int') return a.value;
    return this.fail(`attribute '${name}' should be a float, found ${a.kind}`);
  }

  str(name: string, fallback: string): string {
    const a = this.attr(name);
    if (a === undefined) return fallback;
    if (a.kind === 'string') return a.value;
    return this.fail(`attribute '${name}' should be a string, found ${a.kind}`);
  }

  tensor(name: string): ConstTensor | undefined {
    const a = this.attr(name);
    if (a === undefined) return undefined;
    if (a.kind === 'tensor' || a.kind === 'sparse_tensor') return a.value;
    return this.fail(`attribute '${name}' should be a tensor, found ${a.kind}`);
  }

  warn(message: string): void {
    this.diagnostics.push({ nodeIndex: this.node.index, opType: this.node.opType, message });
  }

  fail(message: string): never {
    throw new ShapeRuleError(message);
  }


  /**
   * Ends the run: drops the node, the values and the diagnostics, and keeps this context as the one retired
   * context. Keeping one matters: V8 frees an object's hidden class at a full GC once no object uses it, and
   * then discards the optimised code of every shape rule that embedded it, so the next analysis would start cold
   * (see WireCursor.retire in src/core/onnx/wire.ts). The retired context holds nothing of any model.
   */
  retire(): void {
    this.node = NO_NODE;
    this.known = NO_VALUES;
    this.initializers = NO_VALUES;
    this.constants = new Set();
    this.diagnostics = [];
    retired = this;
  }
}

const NO_VALUES: ReadonlyMap<string, InferredValue> = new Map();
/** The last retired context (see NodeContext.retire). */
let retired: NodeContext | undefined;
/** For tests: the retired context, if any. */
export function retiredContext(): NodeContext | undefined {
  return retired;
}
