// Builds small in-memory Models for unit tests (the reader is tested elsewhere; here we need exact control).
import type { Attribute, Model, Node, ValueInfo } from '../../src/core/graph/types';

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, number | number[] | string>;
  domain?: string;
}

function attribute(v: number | number[] | string): Attribute {
  if (typeof v === 'string') return { kind: 'string', value: v };
  if (Array.isArray(v)) return { kind: 'ints', value: v };
  return { kind: 'int', value: v };
}

export function model(spec: {
  inputs: [string, number[]][];
  outputs: [string, number[] | undefined][];
  initializers?: [string, number[]][];
  nodes: NodeSpec[];
  opset?: number;
}): Model {
  const vi = ([name, shape]: [string, number[] | undefined]): ValueInfo => ({ name, elemType: 1, shape });
  const nodes: Node[] = spec.nodes.map((n, index) => ({
    index,
    name: `n${index}`,
    opType: n.op,
    domain: n.domain ?? '',
    inputs: n.inputs,
    outputs: n.outputs,
    attributes: new Map(Object.entries(n.attrs ?? {}).map(([k, v]) => [k, attribute(v)])),
  }));
  return {
    format: 'onnx',
    irVersion: 8,
    producerName: 'test',
    producerVersion: '',
    opsets: new Map([['', spec.opset ?? 13]]),
    graph: {
      name: 'g',
      nodes,
      inputs: spec.inputs.map(vi),
      outputs: spec.outputs.map(vi),
      valueInfo: [],
      initializers: new Map(
        (spec.initializers ?? []).map(([name, dims]) => [name, { name, elemType: 1, dims, storage: { kind: 'none' } as const }]),
      ),
    },
    functions: [],
    metadata: new Map(),
    fileSize: 0,
    bytesRead: 0,
  };
}
