// ai.onnx.ml classifiers and regressors: one row per input row. Classifiers output labels [N] and scores
// [N, classes] (the class count comes from the class label attributes); regressors output [N, targets].
import { ElemType } from '../../types';
import type { RuleContext, RuleEntry, ShapeRule } from '../rule';

function rows(ctx: RuleContext): number {
  const x = ctx.shape(0);
  return x.length === 1 ? 1 : x[0];
}

function classCount(ctx: RuleContext): { count: number; labelType: number } {
  const ints = ctx.attr('classlabels_ints') ?? ctx.attr('classlabels_int64s');
  if (ints?.kind === 'ints') return { count: ints.value.length, labelType: ElemType.INT64 };
  const strs = ctx.attr('classlabels_strings');
  if (strs?.kind === 'strings') return { count: strs.value.length, labelType: ElemType.STRING };
  return ctx.fail('classifier has no class labels');
}

// A binary classifier with a single score column still reports two scores.
const classifier: ShapeRule = (ctx) => {
  const n = rows(ctx);
  const { count, labelType } = classCount(ctx);
  return [{ elemType: labelType, shape: [n] }, { elemType: ElemType.FLOAT, shape: [n, count] }];
};

const regressor: ShapeRule = (ctx) => [{ elemType: ElemType.FLOAT, shape: [rows(ctx), ctx.int('n_targets', 1)] }];

const sameShapeFloat: ShapeRule = (ctx) => [{ elemType: ElemType.FLOAT, shape: ctx.shape(0).slice() }];

export const mlRules: RuleEntry[] = [
  { domain: 'ai.onnx.ml', opType: 'TreeEnsembleClassifier', rule: classifier },
  { domain: 'ai.onnx.ml', opType: 'LinearClassifier', rule: classifier },
  { domain: 'ai.onnx.ml', opType: 'SVMClassifier', rule: classifier },
  { domain: 'ai.onnx.ml', opType: 'TreeEnsembleRegressor', rule: regressor },
  { domain: 'ai.onnx.ml', opType: 'LinearRegressor', rule: (ctx) => [{ elemType: ElemType.FLOAT, shape: [rows(ctx), ctx.int('targets', 1)] }] },
  { domain: 'ai.onnx.ml', opType: 'Normalizer', rule: sameShapeFloat },
  { domain: 'ai.onnx.ml', opType: 'Scaler', rule: sameShapeFloat },
];
