// The NAR-Former V2 "trans" sinusoid (spec §2.3), computed the way the reference computes it: a float32 value times
// a float32 frequency gives a float32 product, whose sine and cosine are rounded to float32. Emulating numpy's
// float32 arithmetic (Math.fround at each step) keeps tokens equal to the reference's to ~1e-7.

const f32 = Math.fround;

/** Frequencies 10000^(-j/L), j = 0..L-1, rounded to float32 as numpy does when it multiplies a float32 array. */
export function frequencies(count: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < count; j++) out.push(f32(1 / 10000 ** (j / count)));
  return out;
}

const FREQS5 = frequencies(5);

/** Width of one embedded scalar in the reference layout: 5 frequencies × (sin, cos). */
export const PE_WIDTH = 10;

/** Writes PE(v) (frequency-major, then sin/cos) into `out` at `offset`, using the given float32 frequencies. */
export function writePe(v: number, out: Float32Array, offset: number, freqs: number[] = FREQS5): void {
  const x = f32(v);
  for (let j = 0; j < freqs.length; j++) {
    const p = f32(x * freqs[j]);
    out[offset + 2 * j] = Math.sin(p);
    out[offset + 2 * j + 1] = Math.cos(p);
  }
}

/** PE(v) as a new 10-vector. */
export function pe(v: number): Float32Array {
  const out = new Float32Array(PE_WIDTH);
  writePe(v, out, 0);
  return out;
}

/**
 * PE of a k-vector in the reference's block order (used only for Transpose perm, k = 8): the output index is
 * (2j + s)·k + e, with s = 0 for sin and 1 for cos, and e the element.
 */
export function writePeBlock(values: number[], out: Float32Array, offset: number): void {
  const k = values.length;
  for (let e = 0; e < k; e++) {
    const x = f32(values[e]);
    for (let j = 0; j < FREQS5.length; j++) {
      const p = f32(x * FREQS5[j]);
      out[offset + 2 * j * k + e] = Math.sin(p);
      out[offset + (2 * j + 1) * k + e] = Math.cos(p);
    }
  }
}
