// Element-wise ops: unary maths and activations (output = input type and shape), binary and variadic ops with
// multidirectional broadcasting, comparisons and logic (bool output), Where, Cast/CastLike, Clip, Identity,
// Dropout. Small integer tensors keep their values through the ops that shape arithmetic uses.
import { ElemType, type InferredValue } from '../../types';
import { broadcastShapes, broadcastValues } from '../broadcast';
import { tensorValue, type RuleContext, type RuleEntry, type ShapeRule } from '../rule';

const INTEGER_TYPES = new Set<number>([
  ElemType.UINT8, ElemType.INT8, ElemType.UINT16, ElemType.INT16, ElemType.INT32, ElemType.INT64, ElemType.UINT32,
  ElemType.UINT64, ElemType.BOOL, ElemType.INT4, ElemType.UINT4,
]);

export function isIntegerType(t: number): boolean {
  return INTEGER_TYPES.has(t);
}

/** Converts a value to what a tensor of type `t` would hold (truncation for integers, 0/1 for bool). */
export function castValue(x: number, t: number): number {
  if (t === ElemType.BOOL) return x !== 0 ? 1 : 0;
  if (isIntegerType(t)) return Math.trunc(x);
  return x;
}

const unary: Record<string, ((x: number) => number) | null> = {
  Abs: Math.abs, Neg: (x) => -x, Floor: Math.floor, Ceil: Math.ceil, Round: roundHalfEven, Sign: Math.sign,
  Sqrt: Math.sqrt, Reciprocal: (x) => 1 / x, Exp: Math.exp, Log: Math.log, Relu: (x) => Math.max(0, x),
  Identity: (x) => x,
  Sin: null, Cos: null, Tan: null, Asin: null, Acos: null, Atan: null, Sinh: null, Cosh: null, Asinh: null,
  Acosh: null, Atanh: null, Erf: null, Sigmoid: null, Tanh: null, Softplus: null, Softsign: null, Elu: null,
  Selu: null, Celu: null, LeakyRelu: null, ThresholdedRelu: null, HardSigmoid: null, HardSwish: null, Gelu: null,
  Mish: null, Shrink: null, BitwiseNot: null, Swish: null,
};

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function unaryRule(fn: ((x: number) => number) | null): ShapeRule {
  return (ctx) => {
    const x = ctx.input(0);
    const vals = fn && x.values ? x.values.map((v) => castValue(fn(v), x.elemType)) : undefined;
    return [tensorValue(x.elemType, x.shape!.slice(), vals)];
  };
}

const predicate = (elemType: number): ShapeRule => (ctx) => [{ elemType, shape: ctx.shape(0).slice() }];

type Binary = (a: number, b: number) => number;
const arithmetic: Record<string, Binary | null> = {
  Add: (a, b) => a + b, Sub: (a, b) => a - b, Mul: (a, b) => a * b, Div: (a, b) => a / b, Mod: (a, b) => a % b,
  Pow: (a, b) => a ** b, BitShift: null, BitwiseAnd: null, BitwiseOr: null, BitwiseXor: null,
};
const comparison: Record<string, Binary> = {
  Equal: (a, b) => +(a === b), Less: (a, b) => +(a < b), Greater: (a, b) => +(a > b),
  LessOrEqual: (a, b) => +(a <= b), GreaterOrEqual: (a, b) => +(a >= b),
  And: (a, b) => +(a !== 0 && b !== 0), Or: (a, b) => +(a !== 0 || b !== 0), Xor: (a, b) => +((a !== 0) !== (b !== 0)),
};

/**
 * Before opset 7, binary ops broadcast only when `broadcast` = 1, and then B's shape is a contiguous run of A's
 * dims starting at `axis` (default: A's trailing dims), 1s allowed; the output has A's shape. Returned: B's shape
 * padded with trailing 1s, which numpy-style broadcasting then reads the same way. Without `broadcast` the
 * inputs are taken as they are (identical shapes in a valid model).
 */
function legacyBroadcastShape(ctx: RuleContext, a: number[], b: number[]): number[] {
  if (ctx.int('broadcast', 0) !== 1) return b;
  let axis = ctx.int('axis', a.length - b.length);
  if (axis < 0) axis += a.length;
  const fits = axis >= 0 && axis + b.length <= a.length && b.every((d, i) => d === a[axis + i] || d === 1);
  if (!fits) {
    ctx.fail(`B [${b.join(',')}] is not a run of A [${a.join(',')}] at axis ${ctx.int('axis', a.length - b.length)} (legacy broadcast, opset ${ctx.opset})`);
  }
  const padded = b.slice();
  for (let i = axis + b.length; i < a.length; i++) padded.push(1);
  return padded;
}

/** Broadcasts inputs `slots` and combines known values with `fn` (left to right). */
function combine(ctx: RuleContext, slots: number[], elemType: number, fn: Binary | null, legacy = false): InferredValue {
  const shapes = slots.map((i) => ctx.shape(i));
  if (legacy && ctx.opset < 7) shapes[1] = legacyBroadcastShape(ctx, shapes[0], shapes[1]);
  const shape = broadcastShapes(shapes);
  let vals: number[] | undefined;
  if (fn && slots.every((i) => ctx.values(i) !== undefined)) {
    const total = shape.reduce((a, b) => a * b, 1);
    if (total <= 256) {
      const inputs = slots.map((i, k) => broadcastValues(ctx.values(i)!, shapes[k], shape));
      vals = inputs[0].slice();
      for (let k = 1; k < inputs.length; k++) {
        for (let j = 0; j < total; j++) vals[j] = castValue(fn(vals[j], inputs[k][j]), elemType);
      }
    }
  }
  return tensorValue(elemType, shape, vals);
}

const binaryRule = (fn: Binary | null): ShapeRule => (ctx) => [combine(ctx, [0, 1], ctx.elemType(0), fn, true)];
const compareRule = (fn: Binary): ShapeRule => (ctx) => [combine(ctx, [0, 1], ElemType.BOOL, fn, true)];

const variadic = (fn: Binary | null): ShapeRule => (ctx) => {
  if (ctx.inputCount === 0) ctx.fail('needs at least one input');
  const slots = ctx.node.inputs.map((_, i) => i);
  return [combine(ctx, slots, ctx.elemType(0), fn)];
};

const where: ShapeRule = (ctx) => {
  const shapes = [ctx.shape(0), ctx.shape(1), ctx.shape(2)];
  const shape = broadcastShapes(shapes);
  const [c, x, y] = [ctx.values(0), ctx.values(1), ctx.values(2)];
  let vals: number[] | undefined;
  const total = shape.reduce((a, b) => a * b, 1);
  if (c && x && y && total <= 256) {
    const [cb, xb, yb] = [broadcastValues(c, shapes[0], shape), broadcastValues(x, shapes[1], shape), broadcastValues(y, shapes[2], shape)];
    vals = cb.map((cond, j) => (cond !== 0 ? xb[j] : yb[j]));
  }
  return [tensorValue(ctx.elemType(1), shape, vals)];
};

// The slope broadcasts to X (unidirectionally from opset 7; per channel before), so Y always has X's shape.
const prelu: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  if (ctx.opset >= 7) {
    const b = broadcastShapes([x, ctx.shape(1)]);
    if (b.length !== x.length || b.some((d, i) => d !== x[i])) ctx.fail(`slope [${ctx.shape(1).join(',')}] does not broadcast to X [${x.join(',')}]`);
  }
  return [{ elemType: ctx.elemType(0), shape: x.slice() }];
};

// Stop words remove a data-dependent number of strings; without them the shape is unchanged.
const stringNormalizer: ShapeRule = (ctx) => {
  const stop = ctx.attr('stopwords');
  const removes = stop?.kind === 'strings' && stop.value.length > 0;
  return [removes ? { elemType: ElemType.STRING } : { elemType: ElemType.STRING, shape: ctx.shape(0).slice() }];
};

const cast: ShapeRule = (ctx) => {
  const to = ctx.int('to', -1);
  if (to < 0) ctx.fail("Cast needs the 'to' attribute");
  const x = ctx.input(0);
  return [tensorValue(to, x.shape!.slice(), x.values?.map((v) => castValue(v, to)))];
};

const castLike: ShapeRule = (ctx) => {
  const to = ctx.elemType(1);
  const x = ctx.input(0);
  return [tensorValue(to, x.shape!.slice(), x.values?.map((v) => castValue(v, to)))];
};

const clip: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  let lo = -Infinity;
  let hi = Infinity;
  if (ctx.opset < 11) {
    lo = ctx.float('min', -Infinity);
    hi = ctx.float('max', Infinity);
  } else {
    const minV = ctx.values(1);
    const maxV = ctx.values(2);
    if ((ctx.has(1) && !minV) || (ctx.has(2) && !maxV)) return [{ elemType: x.elemType, shape: x.shape!.slice() }];
    if (minV) lo = minV[0];
    if (maxV) hi = maxV[0];
  }
  return [tensorValue(x.elemType, x.shape!.slice(), x.values?.map((v) => Math.min(hi, Math.max(lo, v))))];
};

// Dropout's mask is bool from opset 10 on, the input's type before; inference never drops anything.
const dropout: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const maskType = ctx.opset >= 10 ? ElemType.BOOL : x.elemType;
  return [tensorValue(x.elemType, x.shape!.slice(), x.values), { elemType: maskType, shape: x.shape!.slice() }];
};

export const elementwiseRules: RuleEntry[] = [
  ...Object.entries(unary).map(([opType, fn]) => ({ opType, rule: unaryRule(fn) })),
  { opType: 'Not', rule: (ctx) => [tensorValue(ElemType.BOOL, ctx.shape(0).slice(), ctx.values(0)?.map((v) => +(v === 0)))] },
  { opType: 'IsNaN', rule: predicate(ElemType.BOOL) },
  { opType: 'IsInf', rule: predicate(ElemType.BOOL) },
  ...Object.entries(arithmetic).map(([opType, fn]) => ({ opType, rule: binaryRule(fn) })),
  ...Object.entries(comparison).map(([opType, fn]) => ({ opType, rule: compareRule(fn) })),
  { opType: 'Sum', rule: variadic((a, b) => a + b) },
  { opType: 'Max', rule: variadic(Math.max) },
  { opType: 'Min', rule: variadic(Math.min) },
  { opType: 'Mean', rule: variadic(null) },
  { opType: 'PRelu', rule: prelu },
  { opType: 'Where', rule: where },
  { opType: 'StringNormalizer', rule: stringNormalizer },
  { opType: 'Cast', rule: cast },
  { opType: 'CastLike', rule: castLike },
  { opType: 'Clip', rule: clip },
  { opType: 'Dropout', rule: dropout },
];
