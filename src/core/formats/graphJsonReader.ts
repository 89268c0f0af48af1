// Reads a NAR Lens graph JSON file (docs/graph-json.md) into the same Model the ONNX reader produces, with
// format 'graph-json'. Everything is validated on the way in — a malformed document gives a GraphJsonError that
// names the JSON path — and sizes are bounded (file size, node count, nesting, string length), so a hostile file
// cannot exhaust memory or stack. Pure apart from reading the file.
import { openSync, fstatSync, readSync, closeSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Attribute, ConstTensor, Dim, FunctionDef, Graph, Model, Node, ValueInfo } from '../graph/types';
import { GraphJsonError } from './graphJsonError';
import { elemTypeCode } from './elemTypeNames';

export const GRAPH_JSON_FORMAT = 'nar-lens-graph';
export const GRAPH_JSON_VERSION = 1;

export interface GraphJsonLimits {
  /** Refuse files larger than this (bytes). Default 256 MiB: the format carries no weights. */
  maxFileBytes: number;
  /** Nodes across the graph, its subgraphs and functions. Default 2,000,000 (as the ONNX reader). */
  maxNodes: number;
  /** Subgraph nesting (If/Loop bodies inside bodies). Default 32. */
  maxDepth: number;
  /** Longest name or string attribute. Default 1 MiB. */
  maxStringLength: number;
  /** Most values carried by one tensor. Default 1,000,000. */
  maxTensorValues: number;
}

export const DEFAULT_GRAPH_JSON_LIMITS: GraphJsonLimits = {
  maxFileBytes: 256 * 1024 ** 2,
  maxNodes: 2_000_000,
  maxDepth: 32,
  maxStringLength: 1024 ** 2,
  maxTensorValues: 1_000_000,
};

const VALUE_KINDS = new Set(['sparse_tensor', 'sequence', 'optional', 'map', 'opaque', 'unknown']);
const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

type Json = unknown;
const isObj = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

class Reader {
  private nodes = 0;

  constructor(private readonly file: string, private readonly limits: GraphJsonLimits) {}

  fail(path: string, problem: string): never {
    throw new GraphJsonError(this.file, path, problem);
  }

  obj(v: Json, path: string): Record<string, Json> {
    if (!isObj(v)) this.fail(path, `expected an object, got ${describe(v)}`);
    return v;
  }

  arr(v: Json, path: string): Json[] {
    if (!Array.isArray(v)) this.fail(path, `expected an array, got ${describe(v)}`);
    return v;
  }

  str(v: Json, path: string, allowEmpty = true): string {
    if (typeof v !== 'string') this.fail(path, `expected a string, got ${describe(v)}`);
    if (!allowEmpty && v.length === 0) this.fail(path, 'must not be empty');
    if (v.length > this.limits.maxStringLength) this.fail(path, `string of ${v.length} characters is over the limit of ${this.limits.maxStringLength}`);
    return v;
  }

  optStr(o: Record<string, Json>, key: string, path: string): string {
    return o[key] === undefined ? '' : this.str(o[key], `${path}.${key}`);
  }

  int(v: Json, path: string, min = -Number.MAX_SAFE_INTEGER): number {
    // int64 values beyond 2^53 (INT64_MAX as a Slice end) arrive as doubles, as the ONNX reader gives them.
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.fail(path, `expected an integer${min > -Number.MAX_SAFE_INTEGER ? ` ≥ ${min}` : ''}, got ${describe(v)}`);
    return v;
  }

  num(v: Json, path: string): number {
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && v in NON_FINITE) return NON_FINITE[v];
    return this.fail(path, `expected a number (or "NaN", "Infinity", "-Infinity"), got ${describe(v)}`);
  }

  strings(v: Json, path: string): string[] {
    return this.arr(v, path).map((s, i) => this.str(s, `${path}[${i}]`));
  }

  elemType(v: Json, path: string): number {
    const code = elemTypeCode(v);
    if (code === undefined) this.fail(path, `unknown element type ${describe(v)} (an ONNX TensorProto.DataType name such as "FLOAT" or its code)`);
    return code;
  }

  valueInfo(v: Json, path: string): ValueInfo {
    const o = this.obj(v, path);
    const info: ValueInfo = { name: this.str(o.name, `${path}.name`), elemType: this.elemType(o.elemType ?? 0, `${path}.elemType`) };
    if (o.shape !== undefined && o.shape !== null) {
      info.shape = this.arr(o.shape, `${path}.shape`).map((d, i): Dim => {
        if (d === null || typeof d === 'string') return d;
        return this.int(d, `${path}.shape[${i}]`);
      });
    }
    if (o.kind !== undefined) {
      const kind = this.str(o.kind, `${path}.kind`);
      if (!VALUE_KINDS.has(kind)) this.fail(`${path}.kind`, `unknown value kind '${kind}' (one of ${[...VALUE_KINDS].join(', ')})`);
      info.typeKind = kind as ValueInfo['typeKind'];
    }
    return info;
  }

  tensor(v: Json, path: string): ConstTensor {
    const o = this.obj(v, path);
    const dims = this.arr(o.dims ?? [], `${path}.dims`).map((d, i) => this.int(d, `${path}.dims[${i}]`, 0));
    const t: ConstTensor = { name: this.optStr(o, 'name', path), elemType: this.elemType(o.elemType, `${path}.elemType`), dims, storage: { kind: 'none' } };
    if (o.values !== undefined) {
      const values = this.arr(o.values, `${path}.values`);
      if (values.length > this.limits.maxTensorValues) this.fail(`${path}.values`, `${values.length} values is over the limit of ${this.limits.maxTensorValues}`);
      const count = dims.reduce((a, b) => a * b, 1);
      if (values.length !== count) this.fail(`${path}.values`, `${values.length} values for dims [${dims.join(', ')}] (${count} elements)`);
      t.values = values.map((x, i) => this.num(x, `${path}.values[${i}]`));
    }
    return t;
  }

  attribute(v: Json, path: string, depth: number): Attribute {
    const o = this.obj(v, path);
    const keys = Object.keys(o);
    if (keys.length !== 1) this.fail(path, `an attribute is an object with exactly one type key (int, float, string, ints, floats, strings, tensor, tensors, graph, graphs, sparseTensor, sparseTensors, typeProto, typeProtos, ref), got ${keys.length} keys`);
    const key = keys[0];
    const x = o[key];
    const p = `${path}.${key}`;
    switch (key) {
      case 'int': return { kind: 'int', value: this.int(x, p) };
      case 'float': return { kind: 'float', value: this.num(x, p) };
      case 'string': return { kind: 'string', value: this.str(x, p) };
      case 'ints': return { kind: 'ints', value: this.arr(x, p).map((n, i) => this.int(n, `${p}[${i}]`)) };
      case 'floats': return { kind: 'floats', value: this.arr(x, p).map((n, i) => this.num(n, `${p}[${i}]`)) };
      case 'strings': return { kind: 'strings', value: this.strings(x, p) };
      case 'tensor': return { kind: 'tensor', value: this.tensor(x, p) };
      case 'tensors': return { kind: 'tensors', value: this.arr(x, p).map((t, i) => this.tensor(t, `${p}[${i}]`)) };
      case 'sparseTensor': return { kind: 'sparse_tensor', value: this.tensor(x, p) };
      case 'sparseTensors': return { kind: 'sparse_tensors', value: this.arr(x, p).map((t, i) => this.tensor(t, `${p}[${i}]`)) };
      case 'graph': return { kind: 'graph', value: this.graph(x, p, depth + 1) };
      case 'graphs': return { kind: 'graphs', value: this.arr(x, p).map((g, i) => this.graph(g, `${p}[${i}]`, depth + 1)) };
      case 'typeProto': return { kind: 'type_proto' };
      case 'typeProtos': return { kind: 'type_protos' };
      case 'ref': return { kind: 'ref', refName: this.str(x, p, false) };
      default: return this.fail(path, `unknown attribute type key '${key}'`);
    }
  }

  node(v: Json, index: number, path: string, depth: number): Node {
    if (++this.nodes > this.limits.maxNodes) this.fail(path, `more than ${this.limits.maxNodes} nodes`);
    const o = this.obj(v, path);
    const attributes = new Map<string, Attribute>();
    if (o.attributes !== undefined) {
      const a = this.obj(o.attributes, `${path}.attributes`);
      for (const [name, value] of Object.entries(a)) attributes.set(name, this.attribute(value, `${path}.attributes.${name}`, depth));
    }
    const domain = this.optStr(o, 'domain', path);
    return {
      index,
      name: this.optStr(o, 'name', path),
      opType: this.str(o.opType, `${path}.opType`, false),
      domain: domain === 'ai.onnx' ? '' : domain,
      inputs: this.strings(o.inputs ?? [], `${path}.inputs`),
      outputs: this.strings(o.outputs ?? [], `${path}.outputs`),
      attributes,
    };
  }

  nodes_(v: Json, path: string, depth: number): Node[] {
    return this.arr(v ?? [], path).map((n, i) => this.node(n, i, `${path}[${i}]`, depth));
  }

  graph(v: Json, path: string, depth: number): Graph {
    if (depth > this.limits.maxDepth) this.fail(path, `subgraphs nested more than ${this.limits.maxDepth} deep`);
    const o = this.obj(v, path);
    const initializers = new Map<string, ConstTensor>();
    this.arr(o.initializers ?? [], `${path}.initializers`).forEach((t, i) => {
      const tensor = this.tensor(t, `${path}.initializers[${i}]`);
      if (!tensor.name) this.fail(`${path}.initializers[${i}].name`, 'an initializer needs a name');
      initializers.set(tensor.name, tensor);
    });
    const infos = (key: string) => this.arr(o[key] ?? [], `${path}.${key}`).map((x, i) => this.valueInfo(x, `${path}.${key}[${i}]`));
    return {
      name: this.optStr(o, 'name', path),
      nodes: this.nodes_(o.nodes, `${path}.nodes`, depth),
      inputs: infos('inputs'),
      outputs: infos('outputs'),
      valueInfo: infos('valueInfo'),
      initializers,
    };
  }

  opsets(v: Json, path: string): Map<string, number> {
    const o = this.obj(v, path);
    const m = new Map<string, number>();
    for (const [domain, version] of Object.entries(o)) m.set(domain === 'ai.onnx' ? '' : domain, this.int(version, `${path}.${JSON.stringify(domain)}`, 1));
    return m;
  }

  fn(v: Json, path: string): FunctionDef {
    const o = this.obj(v, path);
    return {
      name: this.str(o.name, `${path}.name`, false),
      domain: this.optStr(o, 'domain', path),
      inputs: this.strings(o.inputs ?? [], `${path}.inputs`),
      outputs: this.strings(o.outputs ?? [], `${path}.outputs`),
      attributeNames: this.strings(o.attributeNames ?? [], `${path}.attributeNames`),
      nodes: this.nodes_(o.nodes, `${path}.nodes`, 1),
      opsets: this.opsets(o.opsets ?? {}, `${path}.opsets`),
    };
  }

  model(doc: Json, fileSize: number): Model {
    const o = this.obj(doc, '');
    if (o.format !== GRAPH_JSON_FORMAT) this.fail('format', `not a NAR Lens graph JSON file: "format" must be "${GRAPH_JSON_FORMAT}", got ${describe(o.format)}`);
    if (o.version !== GRAPH_JSON_VERSION) this.fail('version', `unsupported version ${describe(o.version)} (this reader reads version ${GRAPH_JSON_VERSION})`);
    if (o.graph === undefined) this.fail('graph', 'missing');
    const metadata = new Map<string, string>();
    if (o.metadata !== undefined) for (const [k, v] of Object.entries(this.obj(o.metadata, 'metadata'))) metadata.set(k, this.str(v, `metadata.${k}`));
    // Without opsets the model is read at default-domain opset 1, as the ONNX reader does for a file without opset_import.
    const opsets = o.opsets === undefined ? new Map([['', 1]]) : this.opsets(o.opsets, 'opsets');
    return {
      format: 'graph-json',
      irVersion: o.irVersion === undefined ? 0 : this.int(o.irVersion, 'irVersion', 0),
      producerName: this.optStr(o, 'producerName', ''),
      producerVersion: this.optStr(o, 'producerVersion', ''),
      opsets,
      graph: this.graph(o.graph, 'graph', 0),
      functions: this.arr(o.functions ?? [], 'functions').map((f, i) => this.fn(f, `functions[${i}]`)),
      metadata,
      fileSize,
      bytesRead: fileSize,
    };
  }
}

function describe(v: Json): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length > 40 ? `a string "${v.slice(0, 40)}…"` : `"${v}"`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

/** A graph JSON document already parsed (tests, converters). `name` is used in messages. */
export function readGraphJsonDocument(doc: unknown, name = '<document>', fileSize = 0, limits: Partial<GraphJsonLimits> = {}): Model {
  return new Reader(name, { ...DEFAULT_GRAPH_JSON_LIMITS, ...limits }).model(doc, fileSize);
}

export function readGraphJsonText(text: string, name = '<text>', limits: Partial<GraphJsonLimits> = {}): Model {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new GraphJsonError(name, '', `not valid JSON (${(e as Error).message})`);
  }
  return readGraphJsonDocument(doc, name, Buffer.byteLength(text), limits);
}

/** Reads and validates a graph JSON file; throws GraphJsonError for anything that is not a valid one. */
export function readGraphJsonFile(path: string, limits: Partial<GraphJsonLimits> = {}): Model {
  const max = limits.maxFileBytes ?? DEFAULT_GRAPH_JSON_LIMITS.maxFileBytes;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new GraphJsonError(path, '', `cannot open the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let bytes: Buffer;
  try {
    const size = fstatSync(fd).size;
    // Checked before reading: a huge file is refused without being loaded.
    if (size > max) throw new GraphJsonError(path, '', `${size} bytes is over the graph JSON limit of ${max} bytes`);
    bytes = Buffer.allocUnsafe(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, bytes, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    bytes = bytes.subarray(0, off);
  } finally {
    closeSync(fd);
  }
  const model = readGraphJsonText(bytes.toString('utf8'), path, limits);
  model.path = resolve(path);
  return model;
}
