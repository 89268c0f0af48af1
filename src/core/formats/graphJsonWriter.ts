// Writes a Model as a NAR Lens graph JSON document (docs/graph-json.md): structure, shapes, initializer
// metadata and the small tensor values shape inference needs — never weight payloads. Reading the result back
// gives a Model with the same graph, so the same shapes, costs and tokens. Pure.
import type { Attribute, ConstTensor, FunctionDef, Graph, Model, Node, ValueInfo } from '../graph/types';
import { GRAPH_JSON_FORMAT, GRAPH_JSON_VERSION } from './graphJsonReader';
import { elemTypeName } from './elemTypeNames';

type Doc = Record<string, unknown>;

/** JSON has no NaN or ±Infinity: they are written as strings, which the reader accepts in number positions. */
const num = (x: number): number | string => (Number.isFinite(x) ? x : String(x));

function tensor(t: ConstTensor): Doc {
  const d: Doc = { name: t.name, elemType: elemTypeName(t.elemType), dims: t.dims };
  if (t.values) d.values = t.values.map(num);
  return d;
}

function valueInfo(v: ValueInfo): Doc {
  const d: Doc = { name: v.name, elemType: elemTypeName(v.elemType) };
  if (v.shape) d.shape = v.shape;
  if (v.typeKind) d.kind = v.typeKind;
  return d;
}

function attribute(a: Attribute): Doc {
  switch (a.kind) {
    case 'int': case 'string': case 'ints': case 'strings': return { [a.kind]: a.value };
    case 'float': return { float: num(a.value) };
    case 'floats': return { floats: a.value.map(num) };
    case 'tensor': return { tensor: tensor(a.value) };
    case 'tensors': return { tensors: a.value.map(tensor) };
    case 'sparse_tensor': return { sparseTensor: tensor(a.value) };
    case 'sparse_tensors': return { sparseTensors: a.value.map(tensor) };
    case 'graph': return { graph: graph(a.value) };
    case 'graphs': return { graphs: a.value.map(graph) };
    case 'type_proto': return { typeProto: true };
    case 'type_protos': return { typeProtos: true };
    case 'ref': return { ref: a.refName };
  }
}

function node(n: Node): Doc {
  const d: Doc = { name: n.name, opType: n.opType };
  if (n.domain) d.domain = n.domain;
  d.inputs = n.inputs;
  d.outputs = n.outputs;
  if (n.attributes.size > 0) d.attributes = Object.fromEntries([...n.attributes].map(([k, a]) => [k, attribute(a)]));
  return d;
}

function graph(g: Graph): Doc {
  const d: Doc = {
    name: g.name,
    inputs: g.inputs.map(valueInfo),
    outputs: g.outputs.map(valueInfo),
    initializers: [...g.initializers.values()].map(tensor),
    nodes: g.nodes.map(node),
  };
  if (g.valueInfo.length > 0) d.valueInfo = g.valueInfo.map(valueInfo);
  return d;
}

function fn(f: FunctionDef): Doc {
  return { name: f.name, domain: f.domain, inputs: f.inputs, outputs: f.outputs, attributeNames: f.attributeNames,
    opsets: Object.fromEntries(f.opsets), nodes: f.nodes.map(node) };
}

export function toGraphJsonDocument(model: Model): Doc {
  const d: Doc = {
    format: GRAPH_JSON_FORMAT,
    version: GRAPH_JSON_VERSION,
    irVersion: model.irVersion,
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    opsets: Object.fromEntries(model.opsets),
  };
  if (model.metadata.size > 0) d.metadata = Object.fromEntries(model.metadata);
  d.graph = graph(model.graph);
  if (model.functions.length > 0) d.functions = model.functions.map(fn);
  return d;
}

/** The document as text: one node per line keeps large graphs diff-able without the bulk of full indentation. */
export function toGraphJsonText(model: Model): string {
  const doc = toGraphJsonDocument(model);
  const g = doc.graph as Doc;
  const { nodes, initializers, ...rest } = g;
  const lines = (key: string, items: unknown) =>
    `  "${key}": [\n${(items as unknown[]).map((x) => `    ${JSON.stringify(x)}`).join(',\n')}\n  ]`;
  const graphText = [
    ...Object.entries(rest).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`),
    lines('initializers', initializers),
    lines('nodes', nodes),
  ].join(',\n');
  const { graph: _graph, ...top } = doc;
  const head = Object.entries(top).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n');
  return `{\n${head},\n"graph": {\n${graphText}\n}\n}\n`;
}
