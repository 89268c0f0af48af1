// Extended-mode node parser: the reference's connectivity rules (so that graphs keep the same structure), but no
// op is ever refused: an op the reference does not parse, or one from a custom domain, connects all its inputs and
// becomes one vertex per output. Identity and Dropout stay ordinary vertices.
import type { Node } from '../graph/types';
import { REFERENCE_OPS } from './referenceOps';
import type { KnownSizes, NodeParser } from './vertexGraph';

export const extendedParser: NodeParser<undefined> = (node: Node, known: KnownSizes) => {
  const spec = node.domain === '' || node.domain === 'ai.onnx' ? REFERENCE_OPS.get(node.opType) : undefined;
  const all = node.inputs.map((_, i) => i);
  // An omitted optional output ('') is not a tensor: it never becomes a vertex here.
  const allOutputs = node.outputs.map((_, i) => i).filter((o) => node.outputs[o] !== '');
  if (!spec) return { inputSlots: all, outputSlots: allOutputs, payload: undefined };

  const has = (i: number): boolean => i < node.inputs.length;
  const unknownInput = (i: number): boolean => has(i) && !known.has(node.inputs[i]);
  let inputSlots: number[];
  switch (spec.connect) {
    case 'slot0':
      inputSlots = [0];
      break;
    case 'slots01':
      inputSlots = [0, 1];
      break;
    case 'slots012':
      inputSlots = [0, 1, 2];
      break;
    case 'none':
      inputSlots = [];
      break;
    case 'conv':
    case 'gemm':
      inputSlots = [0, 1].filter((i) => i === 0 || unknownInput(i));
      break;
    case 'batchnorm':
      inputSlots = [0, 1, 2, 3, 4].filter((i) => i === 0 || unknownInput(i));
      break;
    case 'instancenorm':
      inputSlots = [0, 1, 2].filter((i) => i === 0 || unknownInput(i));
      break;
    case 'reshape':
      inputSlots = node.attributes.has('shape') ? [0] : [0, 1].filter((i) => i === 0 || unknownInput(i));
      break;
    case 'broken':
    case 'all':
    default:
      inputSlots = all;
  }
  const outputSlots = spec.select === 'first' ? [0] : spec.select === 'first2' ? [0, 1] : allOutputs;
  return {
    inputSlots: inputSlots.filter((i) => has(i)),
    outputSlots: outputSlots.filter((o) => o < node.outputs.length && node.outputs[o] !== ''),
    payload: undefined,
  };
};
