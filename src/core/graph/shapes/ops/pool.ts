// Pooling: MaxPool (with optional Indices), AveragePool, LpPool (ceil_mode, dilations, auto_pad), the global
// pools (spatial dims become 1) and MaxUnpool.
import { ElemType } from '../../types';
import type { RuleEntry, ShapeRule } from '../rule';
import { windowOutput, windowParams } from '../window';

const pool: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  if (x.length < 3) ctx.fail(`input rank ${x.length} is below 3`);
  const p = windowParams(ctx, x.length - 2);
  const shape = [x[0], x[1], ...windowOutput(ctx, x.slice(2), p, ctx.int('ceil_mode', 0) !== 0)];
  return [
    { elemType: ctx.elemType(0), shape },
    { elemType: ElemType.INT64, shape: shape.slice() },
  ];
};

const globalPool: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  if (x.length < 3) ctx.fail(`input rank ${x.length} is below 3`);
  return [{ elemType: ctx.elemType(0), shape: [x[0], x[1], ...x.slice(2).map(() => 1)] }];
};

const maxUnpool: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  if (ctx.has(2)) {
    const target = ctx.requireValues(2, 'output_shape');
    return [{ elemType: ctx.elemType(0), shape: target.slice() }];
  }
  const p = windowParams(ctx, x.length - 2);
  const n = x.length - 2;
  const spatial = x.slice(2).map((d, i) => (d - 1) * p.strides[i] + p.kernel[i] - p.pads[i] - p.pads[i + n]);
  return [{ elemType: ctx.elemType(0), shape: [x[0], x[1], ...spatial] }];
};

export const poolRules: RuleEntry[] = [
  { opType: 'MaxPool', rule: pool },
  { opType: 'AveragePool', rule: pool },
  { opType: 'LpPool', rule: pool },
  { opType: 'GlobalAveragePool', rule: globalPool },
  { opType: 'GlobalMaxPool', rule: globalPool },
  { opType: 'GlobalLpPool', rule: globalPool },
  { opType: 'MaxUnpool', rule: maxUnpool },
];
