// Reference mode: the published NNLQP / NAR-Former V2 extractor's FLOPs, params and memory access, quirks
// included (spec §1.8). Walks graph.node in file order with the inferred shapes:
//   Conv        prod(out[1:]) · (2·prod(W[1:]) − 1 + bias)  (per sample)   params W[0]·(prod(W[1:]) + bias)
//   Gemm        Co · (2·Ci − 1 + bias), Ci/Co from W honouring transB     params Co·(Ci + bias)
//   Add Mul Sub Div Pow Sqrt Sigmoid Tanh ReduceMean   prod(out) (batch included)
//   BatchNormalization  4·prod(X), params 4·C (2· when it has a single input)
//   AveragePool prod(out[1:]) · prod(kernel_shape);  GlobalAveragePool prod(out[1:]) · in[3] / out[3]
//   Softmax     3·(rank // X[0]) − 1   (the rank, not the size: a reference bug)
//   Upsample    nearest 0, linear 5, bicubic 259, trilinear 31 per prod(out[1:]); other modes 0;
//               'bilinear' and a missing mode fail
//   ConvTranspose fails (routed to the Conv routine, which asserts);  MatMul is not counted ("Matmul" key)
//   Relu Reshape MaxPool Split Transpose Concat Flatten Cast Slice Clip   0
// Shapes come from referenceShapes: inference without data propagation (dims ONNX leaves unknown count as 0)
// and graph outputs with their declared shape, as in the reference.
// Memory ("macs" in the reference) = for nodes in that table only, Σ prod(output shapes) + params (elements).
// bias = 1 when the node lists exactly three inputs. Totals are raw; the tokenizer divides by 1e9.
import type { CostReport, Node, NodeCost, ShapedModel } from '../types';
import { referenceShapes } from '../shapes/referenceView';
import { ReferenceExtractorError } from './errors';

type Shape = number[];
type Lookup = (name: string) => Shape | undefined;
interface Result {
  flops: number;
  params: number;
}

const prod = (s: readonly number[], from = 0): number => {
  let p = 1;
  for (let i = from; i < s.length; i++) p *= s[i];
  return p;
};

/** Thrown inside an op function when a needed shape is unknown: the node is then incomplete. */
class MissingShape extends Error {}

function need(shape: Lookup, name: string | undefined): Shape {
  const s = name === undefined || name === '' ? undefined : shape(name);
  if (s === undefined) throw new MissingShape(name);
  return s;
}

function attrOf(node: Node, name: string): number | number[] | string | undefined {
  const a = node.attributes.get(name);
  if (a === undefined) return undefined;
  if (a.kind === 'int' || a.kind === 'float' || a.kind === 'string' || a.kind === 'ints' || a.kind === 'floats') return a.value;
  return undefined;
}

const zero = (): Result => ({ flops: 0, params: 0 });
const elementwise = (node: Node, shape: Lookup): Result => ({ flops: prod(need(shape, node.outputs[0])), params: 0 });

function conv(node: Node, shape: Lookup): Result {
  if (node.opType !== 'Conv') {
    throw new ReferenceExtractorError(node.index, node.opType, `${node.opType} is routed to the Conv FLOPs routine, which asserts op_type == 'Conv'`);
  }
  const w = need(shape, node.inputs[1]);
  const out = need(shape, node.outputs[0]);
  const bias = node.inputs.length === 3 ? 1 : 0;
  return { flops: prod(out, 1) * (2 * prod(w, 1) - 1 + bias), params: (w[0] ?? 1) * (prod(w, 1) + bias) };
}

function gemm(node: Node, shape: Lookup): Result {
  const w = need(shape, node.inputs[1]);
  if (w.length < 2) throw new ReferenceExtractorError(node.index, node.opType, `Gemm weight of rank ${w.length} cannot be unpacked`);
  const transB = attrOf(node, 'transB');
  const [a, b] = w.slice(-2);
  const [ci, co] = transB !== undefined && transB !== 0 ? [b, a] : [a, b];
  const bias = node.inputs.length === 3 ? 1 : 0;
  return { flops: co * (2 * ci - 1 + bias), params: co * (ci + bias) };
}

function averagePool(node: Node, shape: Lookup): Result {
  const out = need(shape, node.outputs[0]);
  let kernel: number;
  if (node.opType === 'GlobalAveragePool') {
    const x = need(shape, node.inputs[0]);
    if (x.length < 4 || out.length < 4) {
      throw new ReferenceExtractorError(node.index, node.opType, 'GlobalAveragePool below rank 4: the reference indexes dim 3 (IndexError)');
    }
    kernel = x[3] / out[3];
  } else {
    const k = attrOf(node, 'kernel_shape');
    if (!Array.isArray(k)) throw new ReferenceExtractorError(node.index, node.opType, "AveragePool without 'kernel_shape' (KeyError)");
    kernel = prod(k);
  }
  return { flops: prod(out, 1) * kernel, params: 0 };
}

function softmax(node: Node, shape: Lookup): Result {
  const x = need(shape, node.inputs[0]);
  if (x.length === 0) throw new ReferenceExtractorError(node.index, node.opType, 'Softmax on a scalar: the reference indexes dim 0 (IndexError)');
  // numpy integer floor division by zero yields 0 (with a warning), not an error.
  const n = x[0] === 0 ? 0 : Math.floor(x.length / x[0]);
  return { flops: n + (n - 1) + n, params: 0 };
}

function batchNorm(node: Node, shape: Lookup): Result {
  const x = need(shape, node.inputs[0]);
  const c = x[1] ?? 0;
  return node.inputs.length > 1 ? { flops: 4 * prod(x), params: 4 * c } : { flops: 2 * prod(x), params: 2 * c };
}

const UPSAMPLE_FACTOR: Record<string, number> = { nearest: 0, linear: 5, bicubic: 224 + 35, trilinear: 13 * 2 + 5 };

function upsample(node: Node, shape: Lookup): Result {
  const mode = attrOf(node, 'mode');
  if (mode === undefined) throw new ReferenceExtractorError(node.index, node.opType, "Upsample without a 'mode' attribute (KeyError: 'mode')");
  if (mode === 'bilinear') {
    throw new ReferenceExtractorError(node.index, node.opType, "Upsample mode 'bilinear' (the reference assigns the wrong variable: UnboundLocalError)");
  }
  const factor = typeof mode === 'string' ? UPSAMPLE_FACTOR[mode] : undefined;
  if (factor === undefined || factor === 0) return zero(); // unknown modes: "taken as a zero op"
  return { flops: prod(need(shape, node.outputs[0]), 1) * factor, params: 0 };
}

const TABLE: Record<string, (node: Node, shape: Lookup) => Result> = {
  Conv: conv, ConvTranspose: conv, Gemm: gemm,
  Add: elementwise, Sigmoid: elementwise, Mul: elementwise, ReduceMean: elementwise, Pow: elementwise,
  Div: elementwise, Sub: elementwise, Sqrt: elementwise, Tanh: elementwise,
  Relu: zero, Reshape: zero, MaxPool: zero, Split: zero, Transpose: zero, Concat: zero, Flatten: zero,
  Cast: zero, Slice: zero, Clip: zero,
  GlobalAveragePool: averagePool, AveragePool: averagePool,
  Softmax: softmax, BatchNormalization: batchNorm, Upsample: upsample,
  // "Matmul" (sic) is the reference's key: real MatMul nodes never match it, so they are absent here.
};

export function referenceCosts(shaped: ShapedModel): CostReport {
  const shape: Lookup = referenceShapes(shaped);
  const nodes: NodeCost[] = [];
  const total = { flops: 0, macs: 0, params: 0, memory: 0 };
  let incomplete = 0;
  for (const node of shaped.model.graph.nodes) {
    const fn = node.domain === '' ? TABLE[node.opType] : undefined;
    const cost: NodeCost = { nodeIndex: node.index, flops: 0, macs: 0, params: 0, memory: 0, complete: true };
    if (fn !== undefined) {
      try {
        const r = fn(node, shape);
        cost.flops = r.flops;
        cost.params = r.params;
      } catch (err) {
        if (!(err instanceof MissingShape)) throw err;
        cost.complete = false;
      }
      let access = 0;
      for (const o of node.outputs) {
        const s = o === '' ? undefined : shape(o);
        if (s === undefined) cost.complete = false;
        else access += prod(s);
      }
      cost.memory = access + cost.params;
    }
    if (!cost.complete) incomplete++;
    total.flops += cost.flops;
    total.params += cost.params;
    total.memory += cost.memory;
    nodes.push(cost);
  }
  // The reference calls its memory-access total "macs"; it computes no multiply-accumulate count.
  total.macs = total.memory;
  for (const c of nodes) c.macs = c.memory;
  return { mode: 'reference', nodes, total, incomplete };
}
