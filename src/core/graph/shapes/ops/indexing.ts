// Ops that select, join or pad along axes: Concat, Split, Slice, Gather(+Elements/ND), Pad, Scatter*, Trilu,
// CumSum, OneHot, TopK; and the data-dependent ones (NonZero, Compress, Unique) whose shapes stay unknown.
// Concat/Slice/Gather/Split keep known values, which is what Shape→Gather→Concat chains need.
import { ElemType, type InferredValue } from '../../types';
import { dimsConflict, isUnknownDim, normAxis, product, shapeInputValues, tensorValue, unknownDims, type RuleContext, type RuleEntry, type ShapeRule } from '../rule';

const concat: ShapeRule = (ctx) => {
  const slots = ctx.node.inputs.map((_, i) => i).filter((i) => ctx.has(i));
  if (slots.length === 0) ctx.fail('Concat needs at least one input');
  const first = ctx.shape(slots[0]);
  const axis = normAxis(ctx, ctx.int('axis', ctx.opset < 4 ? 1 : Number.NaN), first.length);
  const shape = first.slice();
  shape[axis] = 0;
  for (const i of slots) {
    const s = ctx.shape(i);
    if (s.length !== first.length || s.some((d, a) => a !== axis && dimsConflict(d, first[a]))) {
      ctx.fail(`input shapes [${first.join(',')}] and [${s.join(',')}] do not concatenate on axis ${axis}`);
    }
    shape[axis] += s[axis];
    // An unknown dim off the axis takes a known size from another input (ONNX merges them).
    for (let a = 0; a < s.length; a++) if (a !== axis && isUnknownDim(shape[a])) shape[a] = s[a];
  }
  let vals: number[] | undefined;
  if (slots.every((i) => ctx.values(i) !== undefined)) {
    const outer = product(first.slice(0, axis));
    vals = [];
    for (let o = 0; o < outer; o++) {
      for (const i of slots) {
        const block = product(ctx.shape(i).slice(axis));
        vals.push(...ctx.values(i)!.slice(o * block, (o + 1) * block));
      }
    }
  }
  return [tensorValue(ctx.elemType(slots[0]), shape, vals)];
};

/** Values of `values` (shape `shape`) restricted to `count` items from `start` along `axis`. */
function sliceValues(values: number[], shape: number[], axis: number, indices: number[]): number[] {
  const outer = product(shape.slice(0, axis));
  const inner = product(shape.slice(axis + 1));
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const idx of indices) {
      const base = (o * shape[axis] + idx) * inner;
      for (let k = 0; k < inner; k++) out.push(values[base + k]);
    }
  }
  return out;
}

const split: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const s = x.shape!;
  const axis = normAxis(ctx, ctx.int('axis', 0), s.length);
  const n = ctx.node.outputs.length;
  let parts = ctx.opset < 13 ? ctx.ints('split') : ctx.has(1) ? ctx.requireValues(1, 'split') : undefined;
  if (ctx.opset < 2 && parts === undefined && ctx.has(1)) parts = ctx.requireValues(1, 'split');
  if (parts === undefined) {
    const numOutputs = ctx.opset >= 18 ? ctx.int('num_outputs', n) : n;
    const chunk = Math.ceil(s[axis] / numOutputs);
    if (ctx.opset < 18 && s[axis] % numOutputs !== 0) ctx.fail(`axis size ${s[axis]} does not split evenly into ${numOutputs}`);
    parts = Array.from({ length: numOutputs }, (_, i) => Math.max(0, Math.min(chunk, s[axis] - i * chunk)));
  }
  if (parts.length !== n) ctx.fail(`split has ${parts.length} parts for ${n} outputs`);
  if (dimsConflict(parts.reduce((a, b) => a + b, 0), s[axis])) ctx.fail(`split [${parts.join(',')}] does not sum to ${s[axis]}`);
  let offset = 0;
  return parts.map((len) => {
    const shape = s.slice();
    shape[axis] = len;
    const idx = Array.from({ length: len }, (_, k) => offset + k);
    offset += len;
    return tensorValue(x.elemType, shape, x.values && sliceValues(x.values, s, axis, idx));
  });
};

const slice: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const s = x.shape!;
  let starts: number[] | undefined;
  let ends: number[] | undefined;
  let axes: number[] | undefined;
  let steps: number[] | undefined;
  if (ctx.opset < 10) {
    starts = ctx.ints('starts');
    ends = ctx.ints('ends');
    axes = ctx.ints('axes');
  } else {
    starts = shapeInputValues(ctx, 1, 'starts');
    ends = shapeInputValues(ctx, 2, 'ends');
    axes = ctx.has(3) ? shapeInputValues(ctx, 3, 'axes') : undefined;
    steps = ctx.has(4) ? shapeInputValues(ctx, 4, 'steps') : undefined;
    // Without data propagation ONNX keeps the rank and knows no dim when any of them is computed.
    if (starts === undefined || ends === undefined || (ctx.has(3) && axes === undefined) || (ctx.has(4) && steps === undefined)) {
      return [{ elemType: x.elemType, shape: unknownDims(s.length) }];
    }
  }
  if (starts === undefined || ends === undefined || starts.length !== ends.length) {
    return ctx.fail('starts/ends are missing or differ in length');
  }
  axes = axes ?? starts.map((_, i) => i);
  steps = steps ?? starts.map(() => 1);
  if (axes.length !== starts.length || steps.length !== starts.length) ctx.fail('axes/steps do not match starts');
  const shape = s.slice();
  let vals = x.values;
  let curShape = s.slice();
  for (let k = 0; k < axes.length; k++) {
    const a = normAxis(ctx, axes[k], s.length);
    const dim = s[a];
    const step = steps[k];
    if (step === 0) ctx.fail('slice step 0');
    let start = starts[k] < 0 ? starts[k] + dim : starts[k];
    let end = ends[k] < 0 ? ends[k] + dim : ends[k];
    if (step > 0) {
      start = Math.min(Math.max(start, 0), dim);
      end = Math.min(Math.max(end, 0), dim);
    } else {
      start = Math.min(Math.max(start, 0), dim - 1);
      end = Math.min(Math.max(end, -1), dim - 1);
    }
    const len = Math.max(0, Math.ceil((end - start) / step));
    shape[a] = len;
    if (vals) {
      const idx = Array.from({ length: len }, (_, j) => start + j * step);
      vals = sliceValues(vals, curShape, a, idx);
      curShape = curShape.slice();
      curShape[a] = len;
    }
  }
  return [tensorValue(x.elemType, shape, vals)];
};

const gather: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const s = x.shape!;
  const ind = ctx.shape(1);
  const axis = normAxis(ctx, ctx.int('axis', 0), s.length);
  const shape = [...s.slice(0, axis), ...ind, ...s.slice(axis + 1)];
  const idx = ctx.values(1);
  let vals: number[] | undefined;
  if (x.values && idx) {
    const norm = idx.map((i) => (i < 0 ? i + s[axis] : i));
    if (norm.some((i) => i < 0 || i >= s[axis])) ctx.fail(`gather index out of range for axis size ${s[axis]}`);
    vals = sliceValues(x.values, s, axis, norm);
  }
  return [tensorValue(x.elemType, shape, vals)];
};

const gatherND: ShapeRule = (ctx) => {
  const data = ctx.shape(0);
  const ind = ctx.shape(1);
  const b = ctx.int('batch_dims', 0);
  const last = ind[ind.length - 1];
  if (ind.length < 1 || b + last > data.length) ctx.fail(`indices [${ind.join(',')}] do not fit data rank ${data.length}`);
  return [{ elemType: ctx.elemType(0), shape: [...ind.slice(0, -1), ...data.slice(b + last)] }];
};

const pad: ShapeRule = (ctx) => {
  const s = ctx.shape(0);
  let pads: number[] | undefined;
  if (ctx.opset < 2) pads = ctx.ints('paddings');
  else if (ctx.opset < 11) pads = ctx.ints('pads');
  else {
    pads = shapeInputValues(ctx, 1, 'pads');
    // Computed pads without data propagation: ONNX keeps the rank only.
    if (pads === undefined || (ctx.opset >= 18 && ctx.has(3) && shapeInputValues(ctx, 3, 'axes') === undefined)) {
      return [{ elemType: ctx.elemType(0), shape: unknownDims(s.length) }];
    }
  }
  if (pads === undefined) return ctx.fail('Pad needs pads');
  const axes = ctx.opset >= 18 && ctx.has(3) ? ctx.requireValues(3, 'axes').map((a) => normAxis(ctx, a, s.length)) : s.map((_, i) => i);
  if (pads.length !== 2 * axes.length) ctx.fail(`pads has ${pads.length} values for ${axes.length} axes`);
  const shape = s.slice();
  axes.forEach((a, i) => (shape[a] += pads![i] + pads![i + axes.length]));
  return [{ elemType: ctx.elemType(0), shape }];
};

const sameAsInput: ShapeRule = (ctx) => [{ elemType: ctx.elemType(0), shape: ctx.shape(0).slice() }];

const oneHot: ShapeRule = (ctx) => {
  const ind = ctx.shape(0);
  const depth = shapeInputValues(ctx, 1, 'depth');
  if (depth !== undefined && (depth.length !== 1 || depth[0] < 0)) ctx.fail('depth must be one non-negative value');
  const axis = normAxis(ctx, ctx.int('axis', -1), ind.length + 1);
  const shape = ind.slice();
  // A computed depth without data propagation: ONNX adds the axis with an unknown size.
  shape.splice(axis, 0, depth === undefined ? Number.NaN : Math.trunc(depth[0]));
  return [{ elemType: ctx.elemType(2), shape }];
};

const topK: ShapeRule = (ctx) => {
  const s = ctx.shape(0);
  const axis = normAxis(ctx, ctx.int('axis', -1), s.length);
  const kValues = ctx.opset < 10 ? [ctx.int('k', -1)] : shapeInputValues(ctx, 1, 'k');
  if (kValues === undefined) {
    // A computed k without data propagation: ONNX keeps the rank and knows no dim of either output.
    return [{ elemType: ctx.elemType(0), shape: unknownDims(s.length) }, { elemType: ElemType.INT64, shape: unknownDims(s.length) }];
  }
  const k = kValues[0];
  if (!(k >= 0) || k > s[axis]) ctx.fail(`k=${k} is invalid for axis size ${s[axis]}`);
  const shape = s.slice();
  shape[axis] = k;
  return [{ elemType: ctx.elemType(0), shape }, { elemType: ElemType.INT64, shape: shape.slice() }];
};

// The output size depends on the data values: the shape is honestly unknown.
const dataDependent = (...types: ((ctx: RuleContext) => number)[]): ShapeRule => (ctx) =>
  types.map((t): InferredValue => ({ elemType: t(ctx) }));

export const indexingRules: RuleEntry[] = [
  { opType: 'Concat', rule: concat },
  { opType: 'Split', rule: split },
  { opType: 'Slice', rule: slice },
  { opType: 'Gather', rule: gather },
  { opType: 'GatherElements', rule: (ctx) => [{ elemType: ctx.elemType(0), shape: ctx.shape(1).slice() }] },
  { opType: 'GatherND', rule: gatherND },
  { opType: 'Pad', rule: pad },
  ...['ScatterND', 'ScatterElements', 'Scatter', 'Trilu', 'CumSum', 'ReverseSequence'].map((opType) => ({ opType, rule: sameAsInput })),
  { opType: 'OneHot', rule: oneHot },
  { opType: 'TopK', rule: topK },
  { opType: 'NonZero', rule: dataDependent(() => ElemType.INT64) },
  { opType: 'Compress', rule: dataDependent((ctx) => ctx.elemType(0)) },
  {
    opType: 'Unique',
    rule: dataDependent((ctx) => ctx.elemType(0), () => ElemType.INT64, () => ElemType.INT64, () => ElemType.INT64),
  },
];
