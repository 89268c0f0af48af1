// Reference-mode node parser: reproduces what the published converter accepts or rejects for one ONNX node, and
// the attribute values it encodes (spec §1.2, §2.2). Everything that would make the reference drop the sample
// throws a TokenizeError naming the node.
import type { Attribute, Node } from '../graph/types';
import { referenceRejects } from './errors';
import { ATTR_CLASSES, AttrFormat, appliesAt, countAllows, describeCount, REFERENCE_OPS } from './referenceOps';
import type { KnownSizes, NodeParser } from './vertexGraph';
import { REFERENCE_ATTRIBUTES } from './vocabulary';

/** Encoded attribute values in §2.2 slot order: a scalar per slot, or the 8-value perm block. */
export type ReferenceAttrs = (number | number[])[];

type AttrValue = number | number[] | string;

const PARSED_KINDS = new Set(['int', 'ints', 'float', 'floats', 'tensor', 'string', 'strings']);

function nodeLabel(node: Node): string {
  return `${node.opType} node '${node.name || node.outputs[0] || `#${node.index}`}'`;
}

function plainValue(attr: Attribute): AttrValue {
  switch (attr.kind) {
    case 'int':
    case 'float':
      return attr.value;
    case 'ints':
    case 'floats':
      return attr.value;
    case 'string':
      return attr.value;
    case 'strings':
      return attr.value.join(',');
    case 'tensor':
      return attr.value.dims;
    default:
      return 0;
  }
}

// The reference's FSize normalisation: an int becomes a 2- or 4-tuple, a tuple of the wrong length is an error.
function formatTuple(value: AttrValue, format: AttrFormat, node: Node): number[] {
  const label = { kernel: 'Kernel', stride: 'Stride', pad: 'Padding', dilation: 'Dilation' }[format];
  if (typeof value === 'number') return format === 'pad' ? [value, value, value, value] : [value, value];
  if (Array.isArray(value)) {
    if (value.length === 2) return format === 'pad' ? [value[0], value[0], value[1], value[1]] : value;
    if (value.length === 4 && format === 'pad') return value;
  }
  throw referenceRejects(`${nodeLabel(node)}: unexpected ${label} size (${String(value)}); only 2-D ops are parsed`);
}

export function referenceParser(opsets: number[]): NodeParser<ReferenceAttrs> {
  const versions = opsets.length > 0 ? opsets : [9];
  return (node: Node, known: KnownSizes) => {
    const spec = REFERENCE_OPS.get(node.opType);
    if (!spec) throw referenceRejects(`op type '${node.opType}' has no parser (${nodeLabel(node)})`);
    if (!countAllows(spec.inputs, node.inputs.length)) {
      throw referenceRejects(`${nodeLabel(node)} has ${node.inputs.length} inputs, expected ${describeCount(spec.inputs)}`);
    }
    if (!countAllows(spec.outputs, node.outputs.length)) {
      throw referenceRejects(`${nodeLabel(node)} has ${node.outputs.length} outputs, expected ${describeCount(spec.outputs)}`);
    }
    const kwargs = new Map<string, AttrValue>();
    for (const [name, attr] of node.attributes) {
      if (!PARSED_KINDS.has(attr.kind)) {
        throw referenceRejects(`${nodeLabel(node)}: attribute '${name}' of type ${attr.kind} is not supported`);
      }
      kwargs.set(name, plainValue(attr));
    }
    if (node.opType === 'Constant' && node.attributes.get('value')?.kind !== 'tensor') {
      throw referenceRejects(`${nodeLabel(node)} has no 'value' tensor attribute`);
    }

    const inputSlots = connectedSlots(node, spec.connect, known, kwargs);
    const outputSlots =
      spec.select === 'first' ? [0] : spec.select === 'first2' ? [0, 1] : node.outputs.map((_, i) => i);

    // Attribute-class validation, in the reference's order; an applied entry consumes its attribute.
    const resolved = new Map<string, AttrValue>();
    for (const entry of ATTR_CLASSES.get(spec.attrClass) ?? []) {
      if (!appliesAt(entry, versions)) continue;
      let value: AttrValue;
      if (kwargs.has(entry.name)) {
        value = kwargs.get(entry.name)!;
        kwargs.delete(entry.name);
      } else if (entry.def === undefined) {
        throw referenceRejects(`${nodeLabel(node)}: attribute '${entry.name}' is required at opsets [${versions.join(', ')}]`);
      } else value = entry.def;
      resolved.set(entry.name, entry.format ? formatTuple(value, entry.format, node) : value);
    }
    const hasBias = node.inputs.length === 3;
    return { inputSlots, outputSlots, payload: encodedAttributes(node.opType, resolved, hasBias) };
  };
}

function connectedSlots(node: Node, connect: string, known: KnownSizes, kwargs: Map<string, AttrValue>): number[] {
  const all = node.inputs.map((_, i) => i);
  const input = (i: number): string => {
    if (i >= node.inputs.length) throw referenceRejects(`${nodeLabel(node)} has no input ${i}`);
    return node.inputs[i];
  };
  switch (connect) {
    case 'slot0':
      return [0];
    case 'slots01':
      return [0, 1];
    case 'slots012':
      return [0, 1, 2];
    case 'all':
      return all;
    case 'none':
      return [];
    case 'conv':
    case 'gemm': {
      const weight = known.get(input(1));
      if (!weight) {
        if (connect === 'conv' && !kwargs.has('kernel_shape')) kwargs.set('kernel_shape', -1);
        return [0, 1];
      }
      if (weight.length < 2) throw referenceRejects(`${nodeLabel(node)}: weight '${node.inputs[1]}' has rank ${weight.length} < 2`);
      if (connect === 'conv' && !kwargs.has('kernel_shape')) kwargs.set('kernel_shape', weight.slice(-2));
      return [0];
    }
    case 'batchnorm':
      return [0, 1, 2, 3, 4].filter((i) => i === 0 || !known.has(input(i)));
    case 'instancenorm':
      return [0, 1, 2].filter((i) => i === 0 || !known.has(input(i)));
    case 'reshape':
      if (kwargs.has('shape')) return [0];
      return known.has(input(1)) ? [0] : [0, 1];
    case 'broken':
      throw referenceRejects(`${nodeLabel(node)}: the reference parser of ${node.opType} always fails`);
    default:
      throw new Error(`unknown connectivity rule ${connect}`);
  }
}

/** The §2.2 values: first element of kernel/stride/pad/dilation/output_padding, raw group, bias flag, perm. */
function encodedAttributes(opType: string, resolved: Map<string, AttrValue>, hasBias: boolean): ReferenceAttrs {
  const names = REFERENCE_ATTRIBUTES[opType];
  if (!names) return [];
  return names.map((name) => {
    if (name === 'bias') return hasBias ? 1 : 0;
    const value = resolved.get(name);
    if (name === 'perm') return Array.isArray(value) ? value : [];
    if (name === 'group') return Math.trunc(typeof value === 'number' ? value : 1);
    return Array.isArray(value) ? value[0] : Number(value);
  });
}
