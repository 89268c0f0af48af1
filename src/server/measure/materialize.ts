// Turns a graph-only model (initializers with name, type and dims but no payload) into a runnable one by filling
// the missing payloads with random values. Latency does not depend on weight values, except that denormal floats
// are slow on x86: normal(0, 0.05) keeps every value far from the denormal range, and BatchNormalization
// variances get positive values so that no NaN flows through the network.
import { onnx } from 'onnx-proto';

/** A small seeded generator (mulberry32): the same graph always gets the same weights. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normalSampler(random: () => number, std: number): () => number {
  return () => {
    const u = Math.max(random(), 1e-12);
    return std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

const T = onnx.TensorProto.DataType;
const BYTES: Record<number, number> = {
  [T.FLOAT]: 4, [T.DOUBLE]: 8, [T.FLOAT16]: 2, [T.BFLOAT16]: 2, [T.INT64]: 8, [T.UINT64]: 8, [T.INT32]: 4,
  [T.UINT32]: 4, [T.INT16]: 2, [T.UINT16]: 2, [T.INT8]: 1, [T.UINT8]: 1, [T.BOOL]: 1,
};

export class MaterializeError extends Error {}

function toNumber(v: number | { toNumber(): number }): number {
  return typeof v === 'number' ? v : v.toNumber();
}

function elementCount(t: onnx.ITensorProto): number {
  return (t.dims ?? []).reduce<number>((n, d) => n * toNumber(d as number), 1);
}

function hasPayload(t: onnx.ITensorProto): boolean {
  return (t.rawData?.length ?? 0) > 0 || (t.floatData?.length ?? 0) > 0 || (t.int32Data?.length ?? 0) > 0 ||
    (t.int64Data?.length ?? 0) > 0 || (t.doubleData?.length ?? 0) > 0 || (t.uint64Data?.length ?? 0) > 0 ||
    (t.stringData?.length ?? 0) > 0 || (t.externalData?.length ?? 0) > 0;
}

/** float32 → IEEE half bits (round toward zero is fine for random weights). */
function halfBits(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  if (exp <= 0) return sign; // too small for a normal half: zero, never a denormal
  if (exp >= 31) return sign | 0x7bff;
  return sign | (exp << 10) | ((u >>> 13) & 0x3ff);
}

function fill(t: onnx.ITensorProto, next: () => number, positive: boolean): number {
  const count = elementCount(t);
  const type = t.dataType ?? 0;
  const width = BYTES[type];
  if (width === undefined) throw new MaterializeError(`initializer '${t.name}': cannot fill element type ${type}`);
  const raw = new Uint8Array(count * width);
  const view = new DataView(raw.buffer);
  const value = () => (positive ? 0.5 + Math.abs(next()) : next());
  for (let i = 0; i < count; i++) {
    if (type === T.FLOAT) view.setFloat32(i * 4, value(), true);
    else if (type === T.DOUBLE) view.setFloat64(i * 8, value(), true);
    else if (type === T.FLOAT16) view.setUint16(i * 2, halfBits(value()), true);
    else if (type === T.BFLOAT16) view.setUint16(i * 2, new Uint32Array(new Float32Array([value()]).buffer)[0] >>> 16, true);
    // integer tensors stay zero: valid as Gather indices, shapes of large integer tensors were kept by the writer
  }
  t.rawData = raw;
  return raw.length;
}

export interface Materialized {
  bytes: Uint8Array;
  /** Payload bytes that were filled in. */
  filledBytes: number;
  filledTensors: number;
}

/** Fills every payload-less initializer and Constant tensor (subgraphs included) and re-encodes the model. */
export function materialize(graphOnly: Uint8Array, seed = 1): Materialized {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(graphOnly);
  } catch (err) {
    throw new MaterializeError(`not an ONNX ModelProto (${(err as Error).message})`);
  }
  if (!model.graph) throw new MaterializeError('the model has no graph');
  const next = normalSampler(seededRandom(seed), 0.05);
  let filledBytes = 0;
  let filledTensors = 0;
  const visit = (graph: onnx.IGraphProto) => {
    const variances = new Set<string>();
    for (const node of graph.node ?? []) {
      if (node.opType === 'BatchNormalization' && node.input && node.input.length > 4) variances.add(node.input[4]);
    }
    const maybeFill = (t: onnx.ITensorProto | null | undefined) => {
      if (!t || hasPayload(t) || elementCount(t) === 0) return;
      filledBytes += fill(t, next, variances.has(t.name ?? ''));
      filledTensors++;
    };
    for (const t of graph.initializer ?? []) maybeFill(t);
    for (const node of graph.node ?? []) {
      for (const attr of node.attribute ?? []) {
        maybeFill(attr.t);
        for (const t of attr.tensors ?? []) maybeFill(t);
        if (attr.g) visit(attr.g);
        for (const g of attr.graphs ?? []) visit(g);
      }
    }
  };
  visit(model.graph);
  return { bytes: onnx.ModelProto.encode(model).finish(), filledBytes, filledTensors };
}
