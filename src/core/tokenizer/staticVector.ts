// The 40-dim graph-level static vector (spec §3): PE of [batch, GFLOPs, Gparams, Gmacs], where the reference's
// "macs" is its memory-access count. Reference mode uses the reference cost totals (elements); extended mode the
// fixed cost model's totals (memory traffic in bytes).
import type { CostReport } from '../graph/types';
import { PE_WIDTH, writePe } from './pe';

export const STATIC_DIM = 4 * PE_WIDTH;

export function staticRaw(batch: number, costs: CostReport): [number, number, number, number] {
  return [Math.trunc(batch), costs.total.flops / 1e9, costs.total.params / 1e9, costs.total.memory / 1e9];
}

export function staticVector(raw: [number, number, number, number]): Float32Array {
  const out = new Float32Array(STATIC_DIM);
  raw.forEach((v, i) => writePe(v, out, i * PE_WIDTH));
  return out;
}
