// The NNLP (NNLQP GraphSAGE baseline) rows (spec §2.6): [one-hot | 8 normalised attributes | 4 normalised shape
// values], every value x' = (x − c)/|s| in float32. Reference mode: 32 + 8 + 4 = 44 dims. Extended mode uses the
// ext-1 one-hot and attribute slots: 64 + 8 + 4 = 76 dims.
import type { ExtendedAttrs } from './extendedAttributes';
import type { ReferenceAttrs } from './referenceParse';
import { EXTENDED_SLOTS, REFERENCE_ATTRIBUTES, REFERENCE_SLOTS } from './vocabulary';

const f32 = Math.fround;
const ATTR_VALUES = 8;
export const NNLP_REFERENCE_DIM = REFERENCE_SLOTS + ATTR_VALUES + 4;
export const NNLP_EXTENDED_DIM = EXTENDED_SLOTS + ATTR_VALUES + 4;

/** (center, scale) per attribute, from NNLQP. */
const NORM: Record<string, [number, number]> = {
  kernel_shape: [2.53, 56],
  strides: [1.16, 56],
  pads: [0.75, 6],
  dilations: [1.0, 1],
  group: [15.08, 6144],
  bias: [0.77, 1],
  perm: [1.78, 4],
  output_padding: [0.0, 1e-5],
};
const SHAPE_CENTER = [12.25, 286.96, 32.62, 31.8];
const SHAPE_SCALE = [1024, 2496, 256, 256];

function normalise(x: number, center: number, scale: number): number {
  return f32(f32(f32(x) - f32(center)) / f32(Math.abs(scale)));
}

function writeShape(row: Float32Array, offset: number, shape: number[] | undefined): void {
  if (!shape) return; // unknown shape (extended mode only): zeros
  for (let i = 0; i < 4; i++) row[offset + i] = normalise(i < shape.length ? shape[i] : 0, SHAPE_CENTER[i], SHAPE_SCALE[i]);
}

/** `row` (NNLP_REFERENCE_DIM zeros) is filled in and returned; by default a new one. */
export function referenceNnlpRow(
  opType: string,
  slot: number | undefined,
  attrs: ReferenceAttrs,
  shape: number[],
  row: Float32Array = new Float32Array(NNLP_REFERENCE_DIM),
): Float32Array {
  if (slot !== undefined) {
    row[slot] = 1;
    const values: number[] = [];
    (REFERENCE_ATTRIBUTES[opType] ?? []).forEach((name, i) => {
      const [c, s] = NORM[name];
      const v = attrs[i];
      if (Array.isArray(v)) {
        for (let e = 0; e < ATTR_VALUES; e++) values.push(normalise(e < v.length ? v[e] : 0, c, s));
      } else values.push(normalise(v, c, s));
    });
    values.slice(0, ATTR_VALUES).forEach((v, i) => (row[REFERENCE_SLOTS + i] = v));
  }
  writeShape(row, REFERENCE_SLOTS + ATTR_VALUES, shape);
  return row;
}

/** Normalisation per ext-1 attribute slot (Transpose uses the perm constants in every slot). */
const EXT_SLOT_NORM = ['kernel_shape', 'kernel_shape', 'strides', 'strides', 'pads', 'dilations', 'group', 'bias'];

/** `row` (NNLP_EXTENDED_DIM zeros) is filled in and returned; by default a new one. */
export function extendedNnlpRow(
  opType: string,
  slot: number | undefined,
  attrs: ExtendedAttrs,
  shape: number[] | undefined,
  row: Float32Array = new Float32Array(NNLP_EXTENDED_DIM),
): Float32Array {
  if (slot !== undefined) {
    row[slot] = 1;
    for (let i = 0; i < attrs.length; i++) {
      const v = attrs[i];
      if (v === undefined) continue;
      const [c, s] = NORM[opType === 'Transpose' ? 'perm' : EXT_SLOT_NORM[i]];
      row[EXTENDED_SLOTS + i] = normalise(v, c, s);
    }
  }
  writeShape(row, EXTENDED_SLOTS + ATTR_VALUES, shape);
  return row;
}
