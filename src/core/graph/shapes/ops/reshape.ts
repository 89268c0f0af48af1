// Layout ops: Reshape (0 and -1, allowzero, shape from an attribute before opset 5), Flatten, Transpose,
// Squeeze/Unsqueeze (axes attribute before opset 13, input after), Expand, Tile, DepthToSpace/SpaceToDepth.
// Reshape-like ops keep known values, so shape arithmetic survives them.
import { broadcastShapes } from '../broadcast';
import { dimsConflict, isUnknownDim, normAxis, product, shapeInputLength, shapeInputValues, tensorValue, unknownDims, type RuleContext, type RuleEntry, type ShapeRule } from '../rule';

export function resolveReshape(ctx: RuleContext, input: number[], target: number[], allowZero: boolean): number[] {
  let inferAt = -1;
  const out = target.map((d, i) => {
    if (d === 0 && !allowZero) {
      if (i >= input.length) ctx.fail(`shape value 0 at axis ${i} has no input dim to copy`);
      return input[i];
    }
    if (d === -1) {
      if (inferAt >= 0) ctx.fail('shape has more than one -1');
      inferAt = i;
      return 1;
    }
    if (d < 0 || !Number.isInteger(d)) ctx.fail(`invalid shape value ${d}`);
    return d;
  });
  const total = product(input);
  const known = product(out);
  if (isUnknownDim(total) || isUnknownDim(known)) {
    // Unknown dims (no data propagation): a -1 stays unknown and nothing can be checked, as in ONNX.
    if (inferAt >= 0) out[inferAt] = Number.NaN;
  } else if (inferAt >= 0) {
    if (known === 0 || total % known !== 0) ctx.fail(`cannot reshape ${total} elements to [${target.join(',')}]`);
    out[inferAt] = total / known;
  } else if (known !== total) {
    ctx.fail(`cannot reshape [${input.join(',')}] (${total} elements) to [${out.join(',')}]`);
  }
  return out;
}

const reshape: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const target = ctx.opset < 5 ? ctx.ints('shape') : shapeInputValues(ctx, 1, 'target shape');
  if (target === undefined && ctx.opset >= 5) {
    // A computed target without data propagation: ONNX takes the rank from the target's length.
    return [{ elemType: x.elemType, shape: unknownDims(shapeInputLength(ctx, 1)) }];
  }
  if (target === undefined) return ctx.fail("Reshape needs the 'shape' attribute");
  const shape = resolveReshape(ctx, x.shape!, target, ctx.int('allowzero', 0) === 1);
  return [tensorValue(x.elemType, shape, x.values)];
};

const flatten: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const s = x.shape!;
  const raw = ctx.int('axis', 1);
  const axis = raw < 0 ? raw + s.length : raw;
  if (axis < 0 || axis > s.length) ctx.fail(`axis ${raw} is out of range for rank ${s.length}`);
  return [tensorValue(x.elemType, [product(s.slice(0, axis)), product(s.slice(axis))], x.values)];
};

const transpose: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const s = x.shape!;
  const perm = ctx.ints('perm') ?? s.map((_, i) => s.length - 1 - i);
  if (perm.length !== s.length || new Set(perm).size !== s.length || perm.some((p) => p < 0 || p >= s.length)) {
    ctx.fail(`perm [${perm.join(',')}] is not a permutation of rank ${s.length}`);
  }
  const vals = s.length <= 1 ? x.values : undefined;
  return [tensorValue(x.elemType, perm.map((p) => s[p]), vals)];
};

function axesOf(ctx: RuleContext, attrBefore: number): number[] | undefined {
  return ctx.opset < attrBefore ? ctx.ints('axes') : ctx.has(1) ? ctx.requireValues(1, 'axes') : undefined;
}

const squeeze: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const s = x.shape!;
  const axes = axesOf(ctx, 13);
  let shape: number[];
  if (axes === undefined || axes.length === 0) shape = s.filter((d) => d !== 1);
  else {
    const drop = new Set(axes.map((a) => normAxis(ctx, a, s.length)));
    for (const a of drop) if (dimsConflict(s[a], 1)) ctx.fail(`cannot squeeze axis ${a} of size ${s[a]}`);
    shape = s.filter((_, i) => !drop.has(i));
  }
  return [tensorValue(x.elemType, shape, x.values)];
};

const unsqueeze: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const s = x.shape!;
  const axes = axesOf(ctx, 13);
  if (axes === undefined) return ctx.fail('Unsqueeze needs axes');
  const rank = s.length + axes.length;
  const inserted = new Set(axes.map((a) => normAxis(ctx, a, rank)));
  if (inserted.size !== axes.length) ctx.fail('axes contain duplicates');
  const shape: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) shape.push(inserted.has(i) ? 1 : s[j++]);
  return [tensorValue(x.elemType, shape, x.values)];
};

const expand: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  // A computed target without data propagation: its length is known, its values are not (ONNX's rank inference).
  const target = shapeInputValues(ctx, 1, 'target shape') ?? unknownDims(shapeInputLength(ctx, 1));
  return [{ elemType: x.elemType, shape: broadcastShapes([x.shape!, target]) }];
};

const tile: ShapeRule = (ctx) => {
  const s = ctx.shape(0);
  const reps = shapeInputValues(ctx, 1, 'repeats') ?? unknownDims(s.length);
  if (reps.length !== s.length) ctx.fail(`repeats has ${reps.length} values for rank ${s.length}`);
  return [{ elemType: ctx.elemType(0), shape: s.map((d, i) => d * reps[i]) }];
};

const depthToSpace: ShapeRule = (ctx) => {
  const s = ctx.shape(0);
  const b = ctx.int('blocksize', 0);
  if (s.length !== 4 || b <= 0 || s[1] % (b * b) !== 0) ctx.fail(`cannot apply blocksize ${b} to [${s.join(',')}]`);
  return [{ elemType: ctx.elemType(0), shape: [s[0], s[1] / (b * b), s[2] * b, s[3] * b] }];
};

const spaceToDepth: ShapeRule = (ctx) => {
  const s = ctx.shape(0);
  const b = ctx.int('blocksize', 0);
  if (s.length !== 4 || b <= 0 || s[2] % b !== 0 || s[3] % b !== 0) ctx.fail(`cannot apply blocksize ${b} to [${s.join(',')}]`);
  return [{ elemType: ctx.elemType(0), shape: [s[0], s[1] * b * b, s[2] / b, s[3] / b] }];
};

export const reshapeRules: RuleEntry[] = [
  { opType: 'Reshape', rule: reshape },
  { opType: 'Flatten', rule: flatten },
  { opType: 'Transpose', rule: transpose },
  { opType: 'Squeeze', rule: squeeze },
  { opType: 'Unsqueeze', rule: unsqueeze },
  { opType: 'Expand', rule: expand },
  { opType: 'Tile', rule: tile },
  { opType: 'DepthToSpace', rule: depthToSpace },
  { opType: 'SpaceToDepth', rule: spaceToDepth },
];
