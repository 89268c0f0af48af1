// The 152-dim V2 token row of one vertex, in both layouts.
//
// Reference (spec §2.4):            | Extended ext-1:
//   0–31    op one-hot (32 slots)   |   0–63    op one-hot (64 slots, vocabulary.ts)
//   32–111  8 attribute slots × 10  |   64–111  8 attribute slots × 6: PE with 3 frequencies 10000^(−j/3)
//                                   |           (slot meanings in extendedAttributes.ts)
//   112–151 output shape, 4 × PE(v) |   112–151 output shape, 4 × PE(v); an UNKNOWN shape is all zeros
//           (padded dims → PE(0))   |           (padded dims of a known shape → PE(0), as in the reference)
// Unused attribute slots are exact zeros in both layouts.
import { frequencies, PE_WIDTH, writePe, writePeBlock } from './pe';
import type { ReferenceAttrs } from './referenceParse';
import type { ExtendedAttrs } from './extendedAttributes';
import { EXTENDED_SLOTS, REFERENCE_SLOTS } from './vocabulary';

export const FEATURE_DIM = 152;
const SHAPE_OFFSET = 112;
const SHAPE_VALUES = 4;
const PERM_LENGTH = 8;

const EXT_ATTR_OFFSET = EXTENDED_SLOTS;
const EXT_ATTR_FREQS = frequencies(3);
const EXT_ATTR_WIDTH = 2 * EXT_ATTR_FREQS.length;

/** Writes the shape truncated or zero-padded to 4 values (the reference pads with 0, then embeds each value). */
function writeShape(row: Float32Array, shape: number[] | undefined): void {
  if (!shape) return;
  for (let i = 0; i < SHAPE_VALUES; i++) writePe(i < shape.length ? shape[i] : 0, row, SHAPE_OFFSET + i * PE_WIDTH);
}

/** `row` (FEATURE_DIM zeros) is filled in and returned; by default a new one. */
export function referenceRow(
  slot: number | undefined,
  attrs: ReferenceAttrs,
  shape: number[],
  row: Float32Array = new Float32Array(FEATURE_DIM),
): Float32Array {
  if (slot === undefined) {
    writeShape(row, shape);
    return row;
  }
  row[slot] = 1;
  let offset = REFERENCE_SLOTS;
  for (const value of attrs) {
    if (Array.isArray(value)) {
      const perm = value.slice(0, PERM_LENGTH);
      while (perm.length < PERM_LENGTH) perm.push(0);
      writePeBlock(perm, row, offset);
      offset += PE_WIDTH * PERM_LENGTH;
    } else {
      writePe(value, row, offset);
      offset += PE_WIDTH;
    }
  }
  writeShape(row, shape);
  return row;
}

/** `row` (FEATURE_DIM zeros) is filled in and returned; by default a new one. */
export function extendedRow(
  slot: number | undefined,
  attrs: ExtendedAttrs,
  shape: number[] | undefined,
  row: Float32Array = new Float32Array(FEATURE_DIM),
): Float32Array {
  if (slot !== undefined) {
    row[slot] = 1;
    for (let i = 0; i < attrs.length; i++) {
      const value = attrs[i];
      if (value !== undefined) writePe(value, row, EXT_ATTR_OFFSET + i * EXT_ATTR_WIDTH, EXT_ATTR_FREQS);
    }
  }
  writeShape(row, shape);
  return row;
}
