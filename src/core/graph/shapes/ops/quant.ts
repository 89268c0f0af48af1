// Quantisation: QuantizeLinear (output type from the zero point, or output_dtype from opset 21, else uint8),
// DequantizeLinear (float, or the scale's type from opset 19), DynamicQuantizeLinear.
import { ElemType } from '../../types';
import type { RuleEntry, ShapeRule } from '../rule';

const quantize: ShapeRule = (ctx) => {
  const outType = ctx.has(2) ? ctx.elemType(2) : ctx.opset >= 21 ? ctx.int('output_dtype', ElemType.UINT8) || ElemType.UINT8 : ElemType.UINT8;
  return [{ elemType: outType, shape: ctx.shape(0).slice() }];
};

const dequantize: ShapeRule = (ctx) => {
  const outType = ctx.opset >= 19 ? ctx.elemType(1) : ElemType.FLOAT;
  return [{ elemType: outType, shape: ctx.shape(0).slice() }];
};

const dynamicQuantize: ShapeRule = (ctx) => [
  { elemType: ElemType.UINT8, shape: ctx.shape(0).slice() },
  { elemType: ElemType.FLOAT, shape: [] },
  { elemType: ElemType.UINT8, shape: [] },
];

export const quantRules: RuleEntry[] = [
  { opType: 'QuantizeLinear', rule: quantize },
  { opType: 'DequantizeLinear', rule: dequantize },
  { opType: 'DynamicQuantizeLinear', rule: dynamicQuantize },
];
