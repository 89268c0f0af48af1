// The onnxruntime side of a parity check: saved PyTorch inputs/outputs (training/train/export.py
// write_parity_samples: {"inputForm", "samples": [{"inputs", "outputs"}]}) fed to a session and compared.
import { strict as assert } from 'node:assert';
import * as ort from 'onnxruntime-node';
import { isIndexInput } from '../../src/core/predict';

export interface Packed { dims: number[]; data: number[] }
export interface ParitySample { inputs: Record<string, Packed>; outputs: Record<string, Packed> }
export interface Parity { inputForm: string; samples: ParitySample[] }

export const OUTPUT_NAMES = ['latency_ms', 'embedding', 'latency_members'] as const;

/** int64 for the edge lists and class indices, float32 for everything else (the exporter's input types). */
export function tensor(name: string, p: Packed): ort.Tensor {
  if (isIndexInput(name)) return new ort.Tensor('int64', BigInt64Array.from(p.data, BigInt), p.dims);
  return new ort.Tensor('float32', Float32Array.from(p.data), p.dims);
}

/** Largest |a-b| / max(|b|, 1e-3 · max|b|): relative, but not blown up by entries that are almost zero. */
export function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-3 * scale));
  return worst;
}

/** Runs every saved sample through `session`; asserts output dims and ≤ `tolerance` relative error; returns the
 *  worst error seen. */
export async function checkParity(session: ort.InferenceSession, parity: Parity, label: string, tolerance = 1e-4): Promise<number> {
  let worst = 0;
  for (const [g, sample] of parity.samples.entries()) {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, p] of Object.entries(sample.inputs)) feeds[name] = tensor(name, p);
    const out = await session.run(feeds);
    for (const name of OUTPUT_NAMES) {
      assert.deepEqual([...out[name]!.dims], sample.outputs[name]!.dims, `${label} graph ${g} ${name} dims`);
      const err = maxRelative(out[name]!.data as Float32Array, sample.outputs[name]!.data);
      assert.ok(err <= tolerance, `${label} graph ${g} ${name}: ORT vs PyTorch relative error ${err}`);
      worst = Math.max(worst, err);
    }
  }
  return worst;
}
