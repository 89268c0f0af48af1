// A tiny builder of hand-made Models for unit tests of shape rules and costs.
import type { Attribute, ConstTensor, Dim, Model, Node } from '../../src/core/graph/types';
import { ElemType } from '../../src/core/graph/types';

export type AttrValue = number | number[] | string | string[] | ConstTensor;

function toAttribute(v: AttrValue): Attribute {
  if (typeof v === 'number') return Number.isInteger(v) ? { kind: 'int', value: v } : { kind: 'float', value: v };
  if (typeof v === 'string') return { kind: 'string', value: v };
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string')) return { kind: 'strings', value: v as string[] };
    const nums = v as number[];
    return nums.every(Number.isInteger) ? { kind: 'ints', value: nums } : { kind: 'floats', value: nums };
  }
  return { kind: 'tensor', value: v };
}

export class ModelBuilder {
  private readonly model: Model;

  constructor(opset = 17) {
    this.model = {
      format: 'onnx', irVersion: 8, producerName: 'test', producerVersion: '0', opsets: new Map([['', opset]]),
      graph: { name: 'g', nodes: [], inputs: [], outputs: [], valueInfo: [], initializers: new Map() },
      functions: [], metadata: new Map(), fileSize: 0, bytesRead: 0,
    };
  }

  input(name: string, shape: Dim[] | undefined, elemType: number = ElemType.FLOAT): this {
    this.model.graph.inputs.push({ name, elemType, shape });
    return this;
  }

  init(name: string, dims: number[], values?: number[], elemType: number = values ? ElemType.INT64 : ElemType.FLOAT): this {
    this.model.graph.initializers.set(name, { name, elemType, dims, storage: { kind: 'none' }, values });
    return this;
  }

  node(opType: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> = {}, domain = ''): this {
    const node: Node = {
      index: this.model.graph.nodes.length, name: `n${this.model.graph.nodes.length}`, opType, domain, inputs, outputs,
      attributes: new Map(Object.entries(attrs).map(([k, v]) => [k, toAttribute(v)])),
    };
    this.model.graph.nodes.push(node);
    return this;
  }

  output(name: string, shape?: Dim[]): this {
    this.model.graph.outputs.push({ name, elemType: ElemType.FLOAT, shape });
    return this;
  }

  build(): Model {
    return this.model;
  }
}

export function tensor(elemType: number, dims: number[], values?: number[]): ConstTensor {
  return { name: '', elemType, dims, storage: { kind: 'none' }, values };
}
