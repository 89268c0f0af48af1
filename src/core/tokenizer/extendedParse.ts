// Extended-mode node parser: the reference's connectivity rules (so that graphs keep the same structure), but no
// op is ever refused: an op the reference does not parse, or one from a custom domain, connects all its inputs and
// becomes one vertex per output. Identity and Dropout stay ordinary vertices.
import type { Node } from '../graph/types';
import { REFERENCE_OPS } from './referenceOps';
import type { KnownSizes, NodeParser } from './vertexGraph';

/** [0, 1, …, n − 1], shared and frozen (callers only read slot lists), for the common short lengths. */
const RANGES: readonly number[][] = Array.from({ length: 33 }, (_, n) => Object.freeze(Array.from({ length: n }, (_, i) => i)) as number[]);
function range(n: number): number[] {
  return n < RANGES.length ? RANGES[n] : Array.from({ length: n }, (_, i) => i);
}

/** Output slots whose name is not '' (an omitted optional output is not a tensor: it never becomes a vertex). */
function namedOutputs(node: Node, upTo: number): number[] {
  const n = Math.min(upTo, node.outputs.length);
  let all = true;
  for (let o = 0; o < n; o++) if (node.outputs[o] === '') all = false;
  if (all) return range(n);
  const slots: number[] = [];
  for (let o = 0; o < n; o++) if (node.outputs[o] !== '') slots.push(o);
  return slots;
}

/** Slot 0, then each of slots 1 … last that the node has and whose tensor has no known size (weights do). */
function firstAndUnknown(node: Node, known: KnownSizes, last: number): number[] {
  const slots = node.inputs.length > 0 ? [0] : [];
  for (let i = 1; i <= last && i < node.inputs.length; i++) if (!known.has(node.inputs[i])) slots.push(i);
  return slots;
}

export const extendedParser: NodeParser<undefined> = (node: Node, known: KnownSizes) => {
  const spec = node.domain === '' || node.domain === 'ai.onnx' ? REFERENCE_OPS.get(node.opType) : undefined;
  const inputCount = node.inputs.length;
  if (!spec) return { inputSlots: range(inputCount), outputSlots: namedOutputs(node, Infinity), payload: undefined };

  let inputSlots: number[];
  switch (spec.connect) {
    case 'slot0':
      inputSlots = range(Math.min(1, inputCount));
      break;
    case 'slots01':
      inputSlots = range(Math.min(2, inputCount));
      break;
    case 'slots012':
      inputSlots = range(Math.min(3, inputCount));
      break;
    case 'none':
      inputSlots = range(0);
      break;
    case 'conv':
    case 'gemm':
      inputSlots = firstAndUnknown(node, known, 1);
      break;
    case 'batchnorm':
      inputSlots = firstAndUnknown(node, known, 4);
      break;
    case 'instancenorm':
      inputSlots = firstAndUnknown(node, known, 2);
      break;
    case 'reshape':
      inputSlots = node.attributes.has('shape') ? range(Math.min(1, inputCount)) : firstAndUnknown(node, known, 1);
      break;
    case 'broken':
    case 'all':
    default:
      inputSlots = range(inputCount);
  }
  const outputSlots = namedOutputs(node, spec.select === 'first' ? 1 : spec.select === 'first2' ? 2 : Infinity);
  return { inputSlots, outputSlots, payload: undefined };
};
