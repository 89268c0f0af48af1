// Reductions: Reduce* (axes attribute before opset 18 — 13 for ReduceSum — and an input after; keepdims;
// noop_with_empty_axes) and ArgMax/ArgMin (one axis, int64 output).
import { ElemType } from '../../types';
import { normAxis, tensorValue, type RuleContext, type RuleEntry, type ShapeRule } from '../rule';

function reducedShape(ctx: RuleContext, s: number[], axes: number[] | undefined, keep: boolean): number[] {
  const all = axes === undefined || axes.length === 0;
  if (all && ctx.int('noop_with_empty_axes', 0) === 1) return s.slice();
  const set = all ? new Set(s.map((_, i) => i)) : new Set(axes.map((a) => normAxis(ctx, a, s.length)));
  const out: number[] = [];
  s.forEach((d, i) => {
    if (!set.has(i)) out.push(d);
    else if (keep) out.push(1);
  });
  return out;
}

const reduce = (inputFrom: number): ShapeRule => (ctx) => {
  const s = ctx.shape(0);
  const axes = ctx.opset < inputFrom ? ctx.ints('axes') : ctx.has(1) ? ctx.requireValues(1, 'axes') : undefined;
  return [{ elemType: ctx.elemType(0), shape: reducedShape(ctx, s, axes, ctx.int('keepdims', 1) === 1) }];
};

// Reductions of known small integer values (ReduceProd of a Shape slice is a common way to count elements).
const reduceValues = (inputFrom: number, fn: (a: number, b: number) => number, init: number): ShapeRule => (ctx) => {
  const [out] = reduce(inputFrom)(ctx);
  const s = ctx.shape(0);
  const v = ctx.values(0);
  const axes = ctx.opset < inputFrom ? ctx.ints('axes') : ctx.has(1) ? ctx.values(1) : undefined;
  const whole = (axes === undefined || axes.length === 0) && ctx.int('noop_with_empty_axes', 0) === 0;
  if (v && (whole || s.length === 1)) return [tensorValue(out.elemType, out.shape!, [v.reduce(fn, init)])];
  return [out];
};

const argReduce: ShapeRule = (ctx) => {
  const s = ctx.shape(0);
  const axis = normAxis(ctx, ctx.int('axis', 0), s.length);
  return [{ elemType: ElemType.INT64, shape: reducedShape(ctx, s, [axis], ctx.int('keepdims', 1) === 1) }];
};

export const reduceRules: RuleEntry[] = [
  ...['ReduceMean', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare'].map((opType) => ({
    opType,
    rule: reduce(18),
  })),
  { opType: 'ReduceSum', rule: reduceValues(13, (a, b) => a + b, 0) },
  { opType: 'ReduceProd', rule: reduceValues(18, (a, b) => a * b, 1) },
  { opType: 'ReduceMax', rule: reduceValues(18, Math.max, -Infinity) },
  { opType: 'ReduceMin', rule: reduceValues(18, Math.min, Infinity) },
  { opType: 'ArgMax', rule: argReduce },
  { opType: 'ArgMin', rule: argReduce },
];
