// Fixed-mode FLOPs and MACs per op. One MAC = one multiply + one add; FLOPs count every arithmetic operation
// (a transcendental function counts as one). Data movement (Reshape, Transpose, Concat, Gather, Pad, Cast, …)
// costs 0 FLOPs and shows up in memory traffic only. The formulas, with out = output elements, in = input
// elements (input 0), K = ∏kernel_shape:
//
//   Conv / ConvInteger / QLinearConv  MACs = out · ∏W[1:]  (W[1] = C/group)     FLOPs = 2·MACs + out (bias)
//   ConvTranspose         MACs = in · ∏W[1:]  (each input pixel scatters M/group·K)  FLOPs = 2·MACs + out (bias)
//   MatMul (+Integer, QLinear)  MACs = out · K_inner  (batched and broadcast, 1-D promoted)   FLOPs = 2·MACs
//   Gemm                  MACs = M·K·N (transA/transB honoured, M rows counted)
//                         FLOPs = 2·MACs + M·N if alpha ≠ 1 + M·N if C is given (+ M·N more if beta ≠ 1)
//   Einsum                MACs = ∏ sizes of all indices; FLOPs = operands · MACs (single operand: in)
//   RNN / GRU / LSTM      MACs = seq·dirs·batch·gates·hidden·(input + hidden); FLOPs = 2·MACs + 4·seq·dirs·batch·gates·hidden
//                         (bias adds and gate non-linearities per gate element)
//   element-wise          FLOPs = out · c, with c from UNARY_COST / BINARY_COST below; variadic: (n−1)·out (Mean n·out)
//   MaxPool / AveragePool FLOPs = out · K;  LpPool out · (2K + 1)
//   GlobalAverage/MaxPool FLOPs = in (+ out divides for average);  GlobalLpPool 2·in + out
//   BatchNormalization    FLOPs = 2·in (inference: folded into one scale and one shift per element)
//   Instance/Layer/GroupNormalization  FLOPs = 8·in (mean 1, variance 3, normalise 2, affine 2)
//   LRN                   FLOPs = in · (2·size + 4);  MeanVarianceNormalization 7·in;  LpNormalization 3·in
//   Softmax / LogSoftmax  FLOPs = 5·in (max, subtract, exp, sum, divide — log and subtract for LogSoftmax); Hardmax in
//   Reduce*               FLOPs = in · c (Sum/Max/Min/Prod/Mean 1, L1/SumSquare/L2/LogSumExp 2) + out for Mean, L2, LogSum, LogSumExp
//   ArgMax / ArgMin / TopK / CumSum   FLOPs = in
//   Resize / Upsample     nearest 0; linear: out·(2^(d+1) − 1); cubic: out·(2·4^d − 1), d = axes whose size changes
//   QuantizeLinear 3·in, DequantizeLinear 2·in, DynamicQuantizeLinear 5·in
//
// MACs are reported only for the contraction ops (Conv*, MatMul*, Gemm, Einsum, RNNs); 0 elsewhere.
import type { Node } from '../types';

export interface OpView {
  node: Node;
  /** Shape of input slot i or output slot i; undefined when absent or unknown. */
  inShape(i: number): number[] | undefined;
  outShape(i: number): number[] | undefined;
  int(name: string, fallback: number): number;
  float(name: string, fallback: number): number;
  str(name: string, fallback: string): string;
  ints(name: string): number[] | undefined;
}

export interface OpCost {
  flops: number;
  macs: number;
}

/** Thrown when a formula needs a shape that inference did not find. */
export class NeedsShape extends Error {}

const prod = (s: readonly number[], from = 0): number => {
  let p = 1;
  for (let i = from; i < s.length; i++) p *= s[i];
  return p;
};
function req(s: number[] | undefined): number[] {
  if (s === undefined) throw new NeedsShape();
  return s;
}
const outN = (v: OpView): number => prod(req(v.outShape(0)));
const inN = (v: OpView): number => prod(req(v.inShape(0)));

export const UNARY_COST: Record<string, number> = {
  Relu: 1, Abs: 1, Neg: 1, Sign: 1, Floor: 1, Ceil: 1, Round: 1, Reciprocal: 1, Sqrt: 1, Exp: 1, Log: 1, Sin: 1,
  Cos: 1, Tan: 1, Asin: 1, Acos: 1, Atan: 1, Sinh: 1, Cosh: 1, Asinh: 1, Acosh: 1, Atanh: 1, Erf: 1, Tanh: 1,
  Not: 1, IsNaN: 1, IsInf: 1, BitwiseNot: 1, ThresholdedRelu: 1,
  Sigmoid: 3, Softplus: 3, Softsign: 3, Shrink: 3, LeakyRelu: 2, Clip: 2, Elu: 4, Selu: 5, Celu: 5,
  HardSigmoid: 4, HardSwish: 5, Swish: 4, Mish: 5,
};
export const BINARY_COST: Record<string, number> = {
  Add: 1, Sub: 1, Mul: 1, Div: 1, Pow: 1, Mod: 1, PRelu: 2, BitShift: 1, BitwiseAnd: 1, BitwiseOr: 1, BitwiseXor: 1,
  Equal: 1, Less: 1, Greater: 1, LessOrEqual: 1, GreaterOrEqual: 1, And: 1, Or: 1, Xor: 1, Where: 1,
};
/** Ops that move or describe data and compute nothing. */
export const ZERO_FLOP_OPS = new Set<string>([
  'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Transpose', 'Concat', 'Split', 'Slice', 'Gather', 'GatherElements',
  'GatherND', 'ScatterND', 'ScatterElements', 'Scatter', 'Pad', 'Tile', 'Expand', 'Identity', 'Cast', 'CastLike',
  'Dropout', 'Shape', 'Size', 'Constant', 'ConstantOfShape', 'Range', 'DepthToSpace', 'SpaceToDepth', 'Trilu',
  'OneHot', 'NonZero', 'Compress', 'ReverseSequence', 'EyeLike', 'RandomNormal', 'RandomUniform',
  'RandomNormalLike', 'RandomUniformLike', 'MaxUnpool',
]);

function gelu(v: OpView): OpCost {
  return { flops: outN(v) * (v.str('approximate', 'none') === 'tanh' ? 8 : 5), macs: 0 };
}

function convCost(v: OpView, wSlot: number, biasSlot: number): OpCost {
  const out = outN(v);
  const macs = out * prod(req(v.inShape(wSlot)), 1);
  return { macs, flops: 2 * macs + (v.node.inputs[biasSlot] ? out : 0) };
}

function convTranspose(v: OpView): OpCost {
  const macs = inN(v) * prod(req(v.inShape(1)), 1);
  return { macs, flops: 2 * macs + (v.node.inputs[2] ? outN(v) : 0) };
}

function matmul(aSlot: number): (v: OpView) => OpCost {
  return (v) => {
    const a = req(v.inShape(aSlot));
    const macs = outN(v) * (a[a.length - 1] ?? 1);
    return { macs, flops: 2 * macs };
  };
}

function gemm(v: OpView): OpCost {
  const a = req(v.inShape(0));
  const out = req(v.outShape(0));
  const k = v.int('transA', 0) ? a[0] : a[1];
  const mn = prod(out);
  const macs = mn * k;
  let flops = 2 * macs;
  if (v.float('alpha', 1) !== 1) flops += mn;
  if (v.node.inputs[2]) flops += mn * (v.float('beta', 1) !== 1 ? 2 : 1);
  return { macs, flops };
}

function einsum(v: OpView): OpCost {
  const operands = v.node.inputs.length;
  const eq = v.str('equation', '').replace(/\s+/g, '');
  const terms = eq.split('->')[0].split(',');
  const sizes = new Map<string, number>();
  terms.forEach((term, k) => {
    const s = req(v.inShape(k));
    const [head, tail = ''] = term.split('...');
    const hasEllipsis = term.includes('...');
    const ellRank = s.length - head.length - tail.length;
    const letters = [...head, ...(hasEllipsis ? Array.from({ length: ellRank }, (_, i) => `.${i}`) : []), ...tail];
    letters.forEach((ch, i) => sizes.set(ch, Math.max(sizes.get(ch) ?? 1, s[i])));
  });
  const macs = prod([...sizes.values()]);
  if (operands < 2) return { macs: 0, flops: inN(v) };
  return { macs, flops: operands * macs };
}

function recurrent(gates: number): (v: OpView) => OpCost {
  return (v) => {
    const x = req(v.inShape(0));
    const w = req(v.inShape(1));
    const layout = v.int('layout', 0);
    const [seq, batch] = layout === 0 ? [x[0], x[1]] : [x[1], x[0]];
    const dirs = w[0];
    const hidden = v.int('hidden_size', w[1] / gates);
    const steps = seq * dirs * batch * gates * hidden;
    const macs = steps * (x[2] + hidden);
    return { macs, flops: 2 * macs + 4 * steps };
  };
}

function pool(perWindow: (k: number) => number): (v: OpView) => OpCost {
  return (v) => {
    const k = prod(v.ints('kernel_shape') ?? []);
    return { flops: outN(v) * perWindow(k), macs: 0 };
  };
}

const perInput = (c: number, perOutput = 0) => (v: OpView): OpCost => ({
  flops: inN(v) * c + (perOutput ? outN(v) * perOutput : 0),
  macs: 0,
});

function resize(v: OpView): OpCost {
  const x = req(v.inShape(0));
  const y = req(v.outShape(0));
  const mode = v.str('mode', 'nearest');
  const d = x.filter((size, i) => size !== y[i]).length;
  if (mode === 'nearest' || d === 0) return { flops: 0, macs: 0 };
  const perOut = mode === 'cubic' || mode === 'bicubic' ? 2 * 4 ** d - 1 : 2 ** (d + 1) - 1;
  return { flops: prod(y) * perOut, macs: 0 };
}

function variadic(extra: number): (v: OpView) => OpCost {
  return (v) => ({ flops: outN(v) * (v.node.inputs.filter((n) => n !== '').length - 1 + extra), macs: 0 });
}

export const FIXED_OPS: Record<string, (v: OpView) => OpCost> = {
  Conv: (v) => convCost(v, 1, 2),
  ConvInteger: (v) => convCost(v, 1, 99),
  QLinearConv: (v) => convCost(v, 3, 8),
  ConvTranspose: convTranspose,
  MatMul: matmul(0),
  MatMulInteger: matmul(0),
  QLinearMatMul: matmul(0),
  Gemm: gemm,
  Einsum: einsum,
  RNN: recurrent(1),
  GRU: recurrent(3),
  LSTM: recurrent(4),
  Gelu: gelu,
  Sum: variadic(0),
  Max: variadic(0),
  Min: variadic(0),
  Mean: variadic(1),
  MaxPool: pool((k) => k),
  AveragePool: pool((k) => k),
  LpPool: pool((k) => 2 * k + 1),
  GlobalMaxPool: perInput(1),
  GlobalAveragePool: perInput(1, 1),
  GlobalLpPool: perInput(2, 1),
  BatchNormalization: perInput(2),
  InstanceNormalization: perInput(8),
  LayerNormalization: perInput(8),
  GroupNormalization: perInput(8),
  LRN: (v) => ({ flops: inN(v) * (2 * v.int('size', 1) + 4), macs: 0 }),
  MeanVarianceNormalization: perInput(7),
  LpNormalization: perInput(3),
  Softmax: perInput(5),
  LogSoftmax: perInput(5),
  Hardmax: perInput(1),
  ReduceSum: perInput(1),
  ReduceMax: perInput(1),
  ReduceMin: perInput(1),
  ReduceProd: perInput(1),
  ReduceMean: perInput(1, 1),
  ReduceL1: perInput(2),
  ReduceSumSquare: perInput(2),
  ReduceL2: perInput(2, 1),
  ReduceLogSum: perInput(1, 1),
  ReduceLogSumExp: perInput(2, 1),
  ArgMax: perInput(1),
  ArgMin: perInput(1),
  TopK: perInput(1),
  CumSum: perInput(1),
  Resize: resize,
  Upsample: resize,
  QuantizeLinear: perInput(3),
  DequantizeLinear: perInput(2),
  DynamicQuantizeLinear: perInput(5),
};

/** The cost of every data-movement op: one shared, frozen object (callers only read it). */
const NO_COST: OpCost = Object.freeze({ flops: 0, macs: 0 });

/** FLOPs and MACs of one node, or undefined when the op has no formula (the node is then incomplete). */
export function fixedOpCost(v: OpView): OpCost | undefined {
  const op = v.node.opType;
  const special = FIXED_OPS[op];
  if (special) return special(v);
  const unary = UNARY_COST[op];
  if (unary !== undefined) return { flops: outN(v) * unary, macs: 0 };
  const binary = BINARY_COST[op];
  if (binary !== undefined) return { flops: outN(v) * binary, macs: 0 };
  if (ZERO_FLOP_OPS.has(op)) return NO_COST;
  return undefined;
}
