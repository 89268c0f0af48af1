// Normalisations and softmax-like ops: the main output has the input's shape; BatchNormalization's and
// LayerNormalization's extra outputs follow their opset's definition.
import { ElemType } from '../../types';
import { normAxis, type RuleEntry, type ShapeRule } from '../rule';

const sameAsInput: ShapeRule = (ctx) => [{ elemType: ctx.elemType(0), shape: ctx.shape(0).slice() }];

// Opset < 14: Y, mean, var, saved_mean, saved_var (all [C] beside Y). Opset ≥ 14: Y, running_mean, running_var.
const batchNorm: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  if (x.length < 2) ctx.fail(`input rank ${x.length} is below 2`);
  const stats = { elemType: ctx.has(3) ? ctx.elemType(3) : ctx.elemType(0), shape: [x[1]] };
  const extra = ctx.opset >= 14 ? 2 : 4;
  return [{ elemType: ctx.elemType(0), shape: x.slice() }, ...Array.from({ length: extra }, () => ({ ...stats, shape: [x[1]] }))];
};

// Mean and InvStdDev keep the leading axes and reduce the normalised ones to 1.
const layerNorm: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  const axis = normAxis(ctx, ctx.int('axis', -1), x.length);
  const statType = ctx.int('stash_type', 1) === 1 ? ElemType.FLOAT : ctx.elemType(0);
  const stat = x.map((d, i) => (i < axis ? d : 1));
  return [
    { elemType: ctx.elemType(0), shape: x.slice() },
    { elemType: statType, shape: stat },
    { elemType: statType, shape: stat.slice() },
  ];
};

export const normRules: RuleEntry[] = [
  { opType: 'BatchNormalization', rule: batchNorm },
  { opType: 'LayerNormalization', rule: layerNorm },
  ...['InstanceNormalization', 'GroupNormalization', 'LRN', 'MeanVarianceNormalization', 'LpNormalization',
    'Softmax', 'LogSoftmax', 'Hardmax'].map((opType) => ({ opType, rule: sameAsInput })),
];
