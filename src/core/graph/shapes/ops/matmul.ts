// Matrix products: MatMul (numpy semantics: 1-D promotion, batched broadcast), MatMulInteger, QLinearMatMul,
// Gemm (transA/transB) and Einsum (equation parsed, implicit and explicit output).
import { ElemType } from '../../types';
import { broadcastShapes } from '../broadcast';
import { dimsConflict, type RuleContext, type RuleEntry, type ShapeRule } from '../rule';

export function matmulShape(ctx: RuleContext, a: number[], b: number[]): number[] {
  if (a.length === 0 || b.length === 0) ctx.fail('MatMul inputs must not be scalars');
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const k = a2[a2.length - 1];
  if (dimsConflict(k, b2[b2.length - 2])) ctx.fail(`inner dims differ: [${a.join(',')}] × [${b.join(',')}]`);
  const batch = broadcastShapes([a2.slice(0, -2), b2.slice(0, -2)]);
  const out = [...batch];
  if (a.length !== 1) out.push(a2[a2.length - 2]);
  if (b.length !== 1) out.push(b2[b2.length - 1]);
  return out;
}

const matmul: ShapeRule = (ctx) => [{ elemType: ctx.elemType(0), shape: matmulShape(ctx, ctx.shape(0), ctx.shape(1)) }];
const matmulInteger: ShapeRule = (ctx) => [{ elemType: ElemType.INT32, shape: matmulShape(ctx, ctx.shape(0), ctx.shape(1)) }];
const qlinearMatmul: ShapeRule = (ctx) => [{ elemType: ctx.elemType(7), shape: matmulShape(ctx, ctx.shape(0), ctx.shape(3)) }];

const gemm: ShapeRule = (ctx) => {
  const a = ctx.shape(0);
  const b = ctx.shape(1);
  if (a.length !== 2 || b.length !== 2) ctx.fail(`Gemm needs 2-D inputs, got [${a.join(',')}] and [${b.join(',')}]`);
  const [m, ka] = ctx.int('transA', 0) ? [a[1], a[0]] : a;
  const [kb, n] = ctx.int('transB', 0) ? [b[1], b[0]] : b;
  // ONNX's own inference does not check K either; the mismatch is reported but [M, N] stays well defined.
  if (dimsConflict(ka, kb)) ctx.warn(`Gemm inner dims differ: ${ka} vs ${kb}`);
  return [{ elemType: ctx.elemType(0), shape: [m, n] }];
};

export interface EinsumSpec {
  inputs: string[];
  output: string;
}

/** Parses an einsum equation; '...' becomes the single letter '.' standing for all broadcast axes. */
export function parseEinsum(ctx: RuleContext, equation: string, shapes: number[][]): { spec: EinsumSpec; sizes: Map<string, number>; ellipsis: number[] } {
  const eq = equation.replace(/\s+/g, '');
  const [lhs, rhs] = eq.split('->');
  const terms = lhs.split(',');
  if (terms.length !== shapes.length) ctx.fail(`equation has ${terms.length} operands, node has ${shapes.length}`);
  const sizes = new Map<string, number>();
  let ellipsis: number[] = [];
  terms.forEach((term, k) => {
    const shape = shapes[k];
    const parts = term.split('...');
    if (parts.length > 2) ctx.fail(`operand ${k} has more than one ellipsis`);
    const letters = parts.join('');
    if (!/^[a-zA-Z]*$/.test(letters)) ctx.fail(`invalid einsum term '${term}'`);
    const ellRank = shape.length - letters.length;
    if (ellRank < 0 || (parts.length === 1 && ellRank !== 0)) ctx.fail(`term '${term}' does not match rank ${shape.length}`);
    if (parts.length === 2) ellipsis = broadcastShapes([ellipsis, shape.slice(parts[0].length, parts[0].length + ellRank)]);
    const dims = [...shape.slice(0, parts[0].length), ...shape.slice(shape.length - parts.slice(1).join('').length)];
    [...letters].forEach((ch, i) => {
      const d = dims[i];
      const prev = sizes.get(ch);
      if (prev === undefined || prev === 1) sizes.set(ch, d);
      else if (d !== prev && d !== 1) ctx.fail(`index '${ch}' has sizes ${prev} and ${d}`);
    });
  });
  let output: string;
  if (rhs !== undefined) {
    output = rhs.replace('...', '.');
  } else {
    // Implicit mode: ellipsis first, then letters that appear exactly once, alphabetically.
    const counts = new Map<string, number>();
    for (const ch of lhs.replace(/\.\.\./g, '').replace(/,/g, '')) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    output = (lhs.includes('...') ? '.' : '') + [...counts].filter(([, c]) => c === 1).map(([ch]) => ch).sort().join('');
  }
  return { spec: { inputs: terms.map((t) => t.replace('...', '.')), output }, sizes, ellipsis };
}

const einsum: ShapeRule = (ctx) => {
  const shapes = ctx.node.inputs.map((_, i) => ctx.shape(i));
  const { spec, sizes, ellipsis } = parseEinsum(ctx, ctx.str('equation', ''), shapes);
  const shape: number[] = [];
  for (const ch of spec.output) {
    if (ch === '.') shape.push(...ellipsis);
    else {
      const d = sizes.get(ch);
      if (d === undefined) return ctx.fail(`output index '${ch}' does not appear in the inputs`);
      shape.push(d);
    }
  }
  return [{ elemType: ctx.elemType(0), shape }];
};

export const matmulRules: RuleEntry[] = [
  { opType: 'MatMul', rule: matmul },
  { opType: 'MatMulInteger', rule: matmulInteger },
  { opType: 'QLinearMatMul', rule: qlinearMatmul },
  { opType: 'Gemm', rule: gemm },
  { opType: 'Einsum', rule: einsum },
];
