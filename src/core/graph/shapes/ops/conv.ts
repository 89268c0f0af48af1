// Convolutions: Conv, ConvInteger, QLinearConv, ConvTranspose. X is [N, C, D1..Dn], W is [M, C/group, k1..kn]
// (ConvTranspose: [C, M/group, k1..kn]).
import { ElemType } from '../../types';
import { dimsConflict, type RuleContext, type RuleEntry, type ShapeRule } from '../rule';
import { transposedOutput, windowOutput, windowParams } from '../window';

function convShape(ctx: RuleContext, xSlot: number, wSlot: number): number[] {
  const x = ctx.shape(xSlot);
  const w = ctx.shape(wSlot);
  if (x.length < 3) ctx.fail(`input rank ${x.length} is below 3`);
  if (w.length !== x.length) ctx.fail(`weight rank ${w.length} differs from input rank ${x.length}`);
  const group = ctx.int('group', 1);
  if (group <= 0 || dimsConflict(w[1] * group, x[1])) ctx.fail(`input channels ${x[1]} != weight channels ${w[1]} × group ${group}`);
  const p = windowParams(ctx, x.length - 2, w.slice(2));
  return [x[0], w[0], ...windowOutput(ctx, x.slice(2), p)];
}

const conv: ShapeRule = (ctx) => [{ elemType: ctx.elemType(0), shape: convShape(ctx, 0, 1) }];
const convInteger: ShapeRule = (ctx) => [{ elemType: ElemType.INT32, shape: convShape(ctx, 0, 1) }];
const qlinearConv: ShapeRule = (ctx) => [{ elemType: ctx.has(7) ? ctx.elemType(7) : ctx.elemType(0), shape: convShape(ctx, 0, 3) }];

const convTranspose: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  const w = ctx.shape(1);
  if (x.length < 3) ctx.fail(`input rank ${x.length} is below 3`);
  if (w.length !== x.length) ctx.fail(`weight rank ${w.length} differs from input rank ${x.length}`);
  const group = ctx.int('group', 1);
  if (group <= 0 || dimsConflict(w[0], x[1])) ctx.fail(`input channels ${x[1]} != weight dim 0 (${w[0]})`);
  const p = windowParams(ctx, x.length - 2, w.slice(2));
  return [{ elemType: ctx.elemType(0), shape: [x[0], w[1] * group, ...transposedOutput(ctx, x.slice(2), p)] }];
};

export const convRules: RuleEntry[] = [
  { opType: 'Conv', rule: conv },
  { opType: 'ConvInteger', rule: convInteger },
  { opType: 'QLinearConv', rule: qlinearConv },
  { opType: 'ConvTranspose', rule: convTranspose },
];
