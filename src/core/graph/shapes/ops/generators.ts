// Ops that create tensors or describe them: Shape (start/end), Size, Constant (every value_* form),
// ConstantOfShape, Range, EyeLike, Random*. Their outputs often carry values that later shape ops consume.
import { ElemType } from '../../types';
import { product, shapeInputLength, shapeInputValues, tensorValue, unknownDims, type RuleEntry, type ShapeRule } from '../rule';

const shape: ShapeRule = (ctx) => {
  const s = ctx.shape(0);
  const r = s.length;
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const start = ctx.opset >= 15 ? clamp(ctx.int('start', 0)) : 0;
  const end = ctx.opset >= 15 ? clamp(ctx.int('end', r)) : r;
  const dims = s.slice(start, Math.max(start, end));
  return [tensorValue(ElemType.INT64, [dims.length], dims)];
};

const size: ShapeRule = (ctx) => [tensorValue(ElemType.INT64, [], [product(ctx.shape(0))])];

const constant: ShapeRule = (ctx) => {
  const t = ctx.tensor('value') ?? ctx.tensor('sparse_value');
  if (t) return [tensorValue(t.elemType, t.dims.slice(), t.values)];
  const a = [...ctx.node.attributes.entries()].find(([k]) => k.startsWith('value_'));
  if (a === undefined) return ctx.fail('Constant has no value attribute');
  const [name, attr] = a;
  switch (name) {
    case 'value_float':
    case 'value_int':
      if (attr.kind !== 'float' && attr.kind !== 'int') break;
      return [tensorValue(name === 'value_int' ? ElemType.INT64 : ElemType.FLOAT, [], [attr.value])];
    case 'value_floats':
    case 'value_ints':
      if (attr.kind !== 'floats' && attr.kind !== 'ints') break;
      return [tensorValue(name === 'value_ints' ? ElemType.INT64 : ElemType.FLOAT, [attr.value.length], attr.value)];
    case 'value_string':
      return [{ elemType: ElemType.STRING, shape: [] }];
    case 'value_strings':
      if (attr.kind !== 'strings') break;
      return [{ elemType: ElemType.STRING, shape: [attr.value.length] }];
  }
  return ctx.fail(`Constant attribute '${name}' has an unexpected kind ${attr.kind}`);
};

const constantOfShape: ShapeRule = (ctx) => {
  const dims = shapeInputValues(ctx, 0, 'output shape');
  const t = ctx.tensor('value');
  const elemType = t?.elemType ?? ElemType.FLOAT;
  // A computed shape without data propagation: ONNX takes the rank from the input's length.
  if (dims === undefined) return [{ elemType, shape: unknownDims(shapeInputLength(ctx, 0)) }];
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) ctx.fail(`invalid shape [${dims.join(',')}]`);
  const fill = t?.values?.[0] ?? (t ? undefined : 0);
  const n = product(dims);
  return [tensorValue(elemType, dims.slice(), fill !== undefined && n <= 64 ? new Array<number>(n).fill(fill) : undefined)];
};

const range: ShapeRule = (ctx) => {
  const bounds = [0, 1, 2].map((i) => shapeInputValues(ctx, i, ['start', 'limit', 'delta'][i]));
  // Computed bounds without data propagation: a 1-D output of unknown length.
  if (bounds.some((b) => b === undefined)) return [{ elemType: ctx.elemType(0), shape: unknownDims(1) }];
  const [[start], [limit], [delta]] = bounds as number[][];
  if (delta === 0) ctx.fail('Range delta is 0');
  const n = Math.max(Math.ceil((limit - start) / delta), 0);
  const vals = n <= 256 ? Array.from({ length: n }, (_, i) => start + i * delta) : undefined;
  return [tensorValue(ctx.elemType(0), [n], vals)];
};

const randomFromAttr: ShapeRule = (ctx) => {
  const dims = ctx.ints('shape');
  if (dims === undefined) return ctx.fail("needs the 'shape' attribute");
  return [{ elemType: ctx.int('dtype', ElemType.FLOAT), shape: dims.slice() }];
};

const likeInput: ShapeRule = (ctx) => [{ elemType: ctx.int('dtype', ctx.elemType(0)), shape: ctx.shape(0).slice() }];

export const generatorRules: RuleEntry[] = [
  { opType: 'Shape', rule: shape },
  { opType: 'Size', rule: size },
  { opType: 'Constant', rule: constant },
  { opType: 'ConstantOfShape', rule: constantOfShape },
  { opType: 'Range', rule: range },
  { opType: 'EyeLike', rule: likeInput },
  { opType: 'RandomNormal', rule: randomFromAttr },
  { opType: 'RandomUniform', rule: randomFromAttr },
  { opType: 'RandomNormalLike', rule: likeInput },
  { opType: 'RandomUniformLike', rule: likeInput },
  { opType: 'Bernoulli', rule: likeInput },
];
