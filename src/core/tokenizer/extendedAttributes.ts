// Extended-mode attribute slots (ext-1). Unlike the reference, both spatial axes are encoded, `auto_pad` is
// resolved to real pads, and kernels missing from the attributes are read from the weight's shape.
//
// | slot | Conv / ConvTranspose | MaxPool / AveragePool / LpPool | Gemm | Transpose | DepthToSpace, SpaceToDepth, LRN |
// |------|----------------------|--------------------------------|------|-----------|---------------------------------|
// | 0    | kernel h             | kernel h                       |      | perm[0]   | blocksize / size                |
// | 1    | kernel w             | kernel w                       |      | perm[1]   |                                 |
// | 2    | stride h             | stride h                       |      | perm[2]   |                                 |
// | 3    | stride w             | stride w                       |      | perm[3]   |                                 |
// | 4    | total pad on H+W     | total pad on H+W               |      | perm[4]   |                                 |
// | 5    | dilation h           | dilation h (MaxPool)           |      | perm[5]   |                                 |
// | 6    | group                |                                |      | perm[6]   |                                 |
// | 7    | bias (0/1)           |                                | bias | perm[7]   |                                 |
//
// "H" and "W" are the last two spatial axes (a 1-D op has w = 1). A slot left undefined encodes as zeros: the
// op has no such attribute, or a shape it needs is unknown.
import type { Attribute, Node } from '../graph/types';
import { extendedShapeOf, type ExtendedShapes } from './vertexShapes';

export const EXTENDED_ATTRIBUTE_SLOTS = 8;
export type ExtendedAttrs = (number | undefined)[];


function ints(attr: Attribute | undefined): number[] | undefined {
  return attr?.kind === 'ints' ? attr.value : undefined;
}
function int(attr: Attribute | undefined): number | undefined {
  return attr?.kind === 'int' ? attr.value : undefined;
}
function str(attr: Attribute | undefined): string | undefined {
  return attr?.kind === 'string' ? attr.value : undefined;
}

/** Last two entries of a per-axis list (a single axis gives [v, fill]). */
function hw(values: number[], fill: number): [number, number] {
  if (values.length === 0) return [fill, fill];
  if (values.length === 1) return [values[0], fill];
  return [values[values.length - 2], values[values.length - 1]];
}

function windowSlots(node: Node, shapes: ExtendedShapes, isConv: boolean): ExtendedAttrs {
  const slots: ExtendedAttrs = new Array(EXTENDED_ATTRIBUTE_SLOTS).fill(undefined);
  const attrs = node.attributes;
  const input = extendedShapeOf(shapes, node.inputs[0]);
  let kernel = ints(attrs.get('kernel_shape'));
  if (!kernel && isConv) {
    const weight = node.inputs[1] ? extendedShapeOf(shapes, node.inputs[1]) : undefined;
    if (weight && weight.length >= 3) kernel = weight.slice(2);
  }
  const rank = kernel?.length ?? (input ? input.length - 2 : undefined);
  if (rank === undefined || rank <= 0) return slots;
  const strides = ints(attrs.get('strides')) ?? new Array(rank).fill(1);
  const dilations = ints(attrs.get('dilations')) ?? new Array(rank).fill(1);
  if (kernel) [slots[0], slots[1]] = hw(kernel, 1);
  [slots[2], slots[3]] = hw(strides, 1);
  slots[4] = totalPad(node, rank, kernel, strides, dilations, input);
  if (isConv || node.opType === 'MaxPool') slots[5] = hw(dilations, 1)[0];
  if (isConv) {
    slots[6] = int(attrs.get('group')) ?? 1;
    slots[7] = node.inputs.length >= 3 && node.inputs[2] !== '' ? 1 : 0;
  }
  return slots;
}

/** Padding summed over the last two spatial axes (begin + end), with SAME_* auto_pad resolved from the input. */
function totalPad(
  node: Node,
  rank: number,
  kernel: number[] | undefined,
  strides: number[],
  dilations: number[],
  input: number[] | undefined,
): number | undefined {
  const axes = rank >= 2 ? [rank - 2, rank - 1] : [0];
  const autoPad = str(node.attributes.get('auto_pad')) ?? 'NOTSET';
  if (autoPad === 'NOTSET') {
    const pads = ints(node.attributes.get('pads')) ?? new Array(2 * rank).fill(0);
    return axes.reduce((sum, a) => sum + (pads[a] ?? 0) + (pads[a + rank] ?? 0), 0);
  }
  if (autoPad === 'VALID') return 0;
  if (!kernel || !input || input.length !== rank + 2) return undefined;
  const transpose = node.opType === 'ConvTranspose';
  const outputPadding = ints(node.attributes.get('output_padding')) ?? [];
  let sum = 0;
  for (const a of axes) {
    const size = input[a + 2];
    const s = strides[a] ?? 1;
    const extent = ((kernel[a] ?? 1) - 1) * (dilations[a] ?? 1) + 1;
    const need = transpose
      ? s * (size - 1) + (outputPadding[a] ?? 0) + extent - size * s
      : (Math.ceil(size / s) - 1) * s + extent - size;
    sum += Math.max(0, need);
  }
  return sum;
}

/** All slots empty: shared by every op without encoded attributes (frozen, so no caller can change it). */
const NO_ATTRIBUTES: ExtendedAttrs = Object.freeze(new Array(EXTENDED_ATTRIBUTE_SLOTS).fill(undefined)) as ExtendedAttrs;

export function extendedAttributes(node: Node, shapes: ExtendedShapes): ExtendedAttrs {
  if (node.domain !== '' && node.domain !== 'ai.onnx') return NO_ATTRIBUTES;
  const empty = (): ExtendedAttrs => new Array(EXTENDED_ATTRIBUTE_SLOTS).fill(undefined);
  switch (node.opType) {
    case 'Conv':
    case 'ConvTranspose':
      return windowSlots(node, shapes, true);
    case 'MaxPool':
    case 'AveragePool':
    case 'LpPool':
      return windowSlots(node, shapes, false);
    case 'Gemm': {
      const slots = empty();
      slots[7] = node.inputs.length >= 3 && node.inputs[2] !== '' ? 1 : 0;
      return slots;
    }
    case 'Transpose': {
      const slots = empty();
      let perm = ints(node.attributes.get('perm'));
      if (!perm) {
        // ONNX's default permutation reverses the axes.
        const rank = extendedShapeOf(shapes, node.inputs[0])?.length;
        if (rank !== undefined) perm = Array.from({ length: rank }, (_, i) => rank - 1 - i);
      }
      perm?.slice(0, EXTENDED_ATTRIBUTE_SLOTS).forEach((p, i) => (slots[i] = p));
      return slots;
    }
    case 'DepthToSpace':
    case 'SpaceToDepth': {
      const slots = empty();
      slots[0] = int(node.attributes.get('blocksize'));
      return slots;
    }
    case 'LRN': {
      const slots = empty();
      slots[0] = int(node.attributes.get('size'));
      return slots;
    }
    default:
      return NO_ATTRIBUTES;
  }
}
