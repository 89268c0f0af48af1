// ONNX multidirectional (numpy-style) broadcasting of shapes, and the matching index arithmetic that value
// propagation needs for small tensors.
import { ShapeRuleError } from './rule';

export function broadcastShapes(shapes: readonly (readonly number[])[]): number[] {
  let rank = 0;
  for (let k = 0; k < shapes.length; k++) rank = Math.max(rank, shapes[k].length);
  const out = new Array<number>(rank).fill(1);
  for (let k = 0; k < shapes.length; k++) {
    const s = shapes[k];
    const offset = rank - s.length;
    for (let i = 0; i < s.length; i++) {
      const d = s[i];
      const cur = out[offset + i];
      if (d === cur || d === 1) continue;
      // An unknown dim (NaN, runs without data propagation) yields to a known size other than 1, as in ONNX.
      if (d !== d) {
        if (cur === 1) out[offset + i] = d;
        continue;
      }
      if (cur === 1 || cur !== cur) out[offset + i] = d;
      else throw new ShapeRuleError(`shapes [${shapes.map((x) => x.join(',')).join('] and [')}] do not broadcast`);
    }
  }
  return out;
}

/** Values of `values` (of `shape`) broadcast to `target` (row-major). */
export function broadcastValues(values: readonly number[], shape: readonly number[], target: readonly number[]): number[] {
  const total = target.reduce((a, b) => a * b, 1);
  if (values.length === total) return values.slice();
  if (values.length === 1) return new Array<number>(total).fill(values[0]);
  const rank = target.length;
  const offset = rank - shape.length;
  // Strides of the source, 0 along broadcast axes.
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[offset + i] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i];
  }
  const out = new Array<number>(total);
  const idx = new Array<number>(rank).fill(0);
  for (let flat = 0; flat < total; flat++) {
    let src = 0;
    for (let a = 0; a < rank; a++) src += idx[a] * strides[a];
    out[flat] = values[src];
    for (let a = rank - 1; a >= 0; a--) {
      if (++idx[a] < target[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}
