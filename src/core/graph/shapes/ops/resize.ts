// Resize (opset 10: scales; 11+: roi, scales, sizes; 18+: axes and keep_aspect_ratio_policy) and Upsample
// (scales attribute before opset 9, input from 9). Output dims are floor(input · scale) or the given sizes.
import { normAxis, shapeInputValues, unknownDims, type RuleContext, type RuleEntry, type ShapeRule } from '../rule';

function scaled(ctx: RuleContext, s: number[], scales: number[], axes: number[]): number[] {
  if (scales.length !== axes.length) ctx.fail(`scales has ${scales.length} values for ${axes.length} axes`);
  const out = s.slice();
  axes.forEach((a, i) => (out[a] = Math.floor(s[a] * scales[i])));
  return out;
}

const resize: ShapeRule = (ctx) => {
  const s = ctx.shape(0);
  const axesAttr = ctx.opset >= 18 ? ctx.ints('axes') : undefined;
  const axes = axesAttr ? axesAttr.map((a) => normAxis(ctx, a, s.length)) : s.map((_, i) => i);
  const scalesSlot = ctx.opset < 11 ? 1 : 2;
  // Computed sizes or scales without data propagation: ONNX keeps the rank only.
  if (ctx.partial && ((ctx.opset >= 11 && ctx.has(3) && ctx.values(3) === undefined) || (ctx.has(scalesSlot) && ctx.values(scalesSlot) === undefined))) {
    shapeInputValues(ctx, ctx.has(3) ? 3 : scalesSlot, 'sizes or scales');
    return [{ elemType: ctx.elemType(0), shape: unknownDims(s.length) }];
  }
  const sizes = ctx.opset >= 11 && ctx.has(3) ? ctx.requireValues(3, 'sizes') : undefined;
  if (sizes !== undefined && sizes.length > 0) {
    if (sizes.length !== axes.length) ctx.fail(`sizes has ${sizes.length} values for ${axes.length} axes`);
    const policy = ctx.opset >= 18 ? ctx.str('keep_aspect_ratio_policy', 'stretch') : 'stretch';
    const out = s.slice();
    if (policy === 'stretch') {
      axes.forEach((a, i) => (out[a] = sizes[i]));
    } else {
      const ratios = axes.map((a, i) => sizes[i] / s[a]);
      const r = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
      axes.forEach((a) => (out[a] = Math.round(s[a] * r)));
    }
    return [{ elemType: ctx.elemType(0), shape: out }];
  }
  const scales = ctx.requireValues(scalesSlot, 'scales');
  if (scales.length === 0) ctx.fail('neither scales nor sizes is given');
  return [{ elemType: ctx.elemType(0), shape: scaled(ctx, s, scales, axes) }];
};

const upsample: ShapeRule = (ctx) => {
  const s = ctx.shape(0);
  const scales = ctx.opset < 9 ? ctx.ints('scales') ?? floatsAttr(ctx) : shapeInputValues(ctx, 1, 'scales');
  if (scales === undefined && ctx.opset >= 9) return [{ elemType: ctx.elemType(0), shape: unknownDims(s.length) }];
  if (scales === undefined) return ctx.fail("Upsample needs 'scales'");
  return [{ elemType: ctx.elemType(0), shape: scaled(ctx, s, scales, s.map((_, i) => i)) }];
};

function floatsAttr(ctx: RuleContext): number[] | undefined {
  const a = ctx.attr('scales');
  return a?.kind === 'floats' ? a.value : undefined;
}

export const resizeRules: RuleEntry[] = [
  { opType: 'Resize', rule: resize },
  { opType: 'Upsample', rule: upsample },
];
