// AttributeProto → [name, Attribute]. The declared `type` decides the kind; files from IR versions before 0.0.2
// leave it 0, and then the populated field decides, as the ONNX helpers do.

import type { Attribute, ConstTensor, Graph } from '../graph/types';
import { warn, type ReadContext } from './context';
import { readGraph } from './graph';
import { readSparseTensor, readTensor } from './tensor';
import { WireType } from './wire';

/** AttributeProto.AttributeType codes. */
const AttrType = {
  UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8,
  TENSORS: 9, GRAPHS: 10, SPARSE_TENSOR: 11, SPARSE_TENSORS: 12, TYPE_PROTO: 13, TYPE_PROTOS: 14,
} as const;

interface AttributeFields {
  name: string;
  refName: string;
  type: number;
  f?: number;
  i?: number;
  s?: string;
  t?: ConstTensor;
  g?: Graph;
  sparse?: ConstTensor;
  tp: boolean;
  // Lists are created on first use: most attributes are scalars, and every node has several.
  floats?: number[];
  ints?: number[];
  strings?: string[];
  tensors?: ConstTensor[];
  graphs?: Graph[];
  sparseTensors?: ConstTensor[];
  typeProtos: number;
}

/**
 * The fields of the attribute being read, one record per level of nesting (an attribute may hold a graph whose
 * nodes have attributes), reused from one attribute to the next instead of a new 17-field object each.
 */
const fieldRecords: AttributeFields[] = [];
let attributeLevel = 0;

/** The name of the attribute readAttribute last returned (read it before reading the next attribute). */
export let lastAttributeName = '';

/**
 * Reads a length-prefixed AttributeProto; returns undefined for an attribute that carries nothing at all. Its
 * name is left in `lastAttributeName` (a [name, attribute] pair per attribute would be one more allocation).
 */
export function readAttribute(ctx: ReadContext): Attribute | undefined {
  const level = attributeLevel++;
  if (level === fieldRecords.length) fieldRecords.push(emptyFields());
  const a = fieldRecords[level];
  try {
    const attribute = readAttributeFields(ctx, a);
    lastAttributeName = a.name;
    return attribute;
  } finally {
    clearFields(a); // clean for the next attribute, also after an error; holds nothing of the model
    attributeLevel--;
  }
}

// Every field is in the literal, so that all these records share one hidden class.
function emptyFields(): AttributeFields {
  return {
    name: '', refName: '', type: 0, f: undefined, i: undefined, s: undefined, t: undefined, g: undefined,
    sparse: undefined, tp: false, floats: undefined, ints: undefined, strings: undefined, tensors: undefined,
    graphs: undefined, sparseTensors: undefined, typeProtos: 0,
  };
}

function clearFields(a: AttributeFields): void {
  a.name = a.refName = '';
  a.type = a.typeProtos = 0;
  a.f = a.i = undefined;
  a.s = undefined;
  a.t = a.sparse = undefined;
  a.g = undefined;
  a.tp = false;
  a.floats = a.ints = undefined;
  a.strings = undefined;
  a.tensors = a.sparseTensors = undefined;
  a.graphs = undefined;
}

function readAttributeFields(ctx: ReadContext, a: AttributeFields): Attribute | undefined {
  const cur = ctx.cur;
  const outer = cur.enterLength();
  const start = cur.pos;
  cur.count();
  while (cur.pos < cur.limit) {
    const tag = cur.readTag();
    const field = tag >>> 3;
    const wire = tag & 7;
    switch (field) {
      case 1: cur.expectWire(wire, WireType.LEN, 'name'); a.name = cur.readString(); break;
      case 21: cur.expectWire(wire, WireType.LEN, 'ref_attr_name'); a.refName = cur.readString(); break;
      case 20: cur.expectWire(wire, WireType.VARINT, 'type'); a.type = cur.readInt64(); break;
      case 2: cur.expectWire(wire, WireType.I32, 'f'); a.f = cur.readFloat32(); break;
      case 3: cur.expectWire(wire, WireType.VARINT, 'i'); a.i = cur.readInt64(); break;
      case 4: cur.expectWire(wire, WireType.LEN, 's'); a.s = cur.readString(); break;
      case 5:
        cur.expectWire(wire, WireType.LEN, 't');
        cur.push('t');
        a.t = readTensor(ctx);
        cur.pop();
        break;
      case 6:
        cur.expectWire(wire, WireType.LEN, 'g');
        cur.push('g');
        a.g = readGraph(ctx);
        cur.pop();
        break;
      case 22:
        cur.expectWire(wire, WireType.LEN, 'sparse_tensor');
        cur.push('sparse_tensor');
        a.sparse = readSparseTensor(ctx);
        cur.pop();
        break;
      case 14: cur.expectWire(wire, WireType.LEN, 'tp'); cur.skip(wire); a.tp = true; break;
      case 7: cur.readFloats(wire, 'floats', (a.floats ??= [])); break;
      case 8: cur.readInt64s(wire, 'ints', (a.ints ??= [])); break;
      case 9:
        cur.expectWire(wire, WireType.LEN, 'strings');
        cur.count();
        (a.strings ??= []).push(cur.readString());
        break;
      case 10:
        cur.expectWire(wire, WireType.LEN, 'tensors');
        a.tensors ??= [];
        cur.push('tensors', a.tensors.length);
        a.tensors.push(readTensor(ctx));
        cur.pop();
        break;
      case 11:
        cur.expectWire(wire, WireType.LEN, 'graphs');
        a.graphs ??= [];
        cur.push('graphs', a.graphs.length);
        a.graphs.push(readGraph(ctx));
        cur.pop();
        break;
      case 23:
        cur.expectWire(wire, WireType.LEN, 'sparse_tensors');
        a.sparseTensors ??= [];
        cur.push('sparse_tensors', a.sparseTensors.length);
        a.sparseTensors.push(readSparseTensor(ctx));
        cur.pop();
        break;
      case 15: cur.expectWire(wire, WireType.LEN, 'type_protos'); cur.skip(wire); a.typeProtos++; break;
      default:
        cur.skip(wire); // doc_string and newer fields
    }
  }
  cur.leave(outer);

  if (a.refName) return { kind: 'ref', refName: a.refName };
  const type = a.type === AttrType.UNDEFINED ? inferType(a) : a.type;
  const attribute = buildAttribute(a, type);
  if (!attribute) {
    if (a.type === AttrType.UNDEFINED) {
      warn(ctx, `attribute '${a.name}' at byte ${start} has no type and no value; ignored`);
      return undefined;
    }
    throw cur.fail(`attribute '${a.name}' declares type ${a.type} but carries no value of that type`, start);
  }
  return attribute;
}

/** Type of an attribute that does not declare one: the first populated field (old IR versions). */
function inferType(a: AttributeFields): number {
  if (a.f !== undefined) return AttrType.FLOAT;
  if (a.i !== undefined) return AttrType.INT;
  if (a.s !== undefined) return AttrType.STRING;
  if (a.t) return AttrType.TENSOR;
  if (a.g) return AttrType.GRAPH;
  if (a.sparse) return AttrType.SPARSE_TENSOR;
  if (a.tp) return AttrType.TYPE_PROTO;
  if (a.floats?.length) return AttrType.FLOATS;
  if (a.ints?.length) return AttrType.INTS;
  if (a.strings?.length) return AttrType.STRINGS;
  if (a.tensors?.length) return AttrType.TENSORS;
  if (a.graphs?.length) return AttrType.GRAPHS;
  if (a.sparseTensors?.length) return AttrType.SPARSE_TENSORS;
  if (a.typeProtos) return AttrType.TYPE_PROTOS;
  return AttrType.UNDEFINED;
}

/** The Attribute of the given type; scalars absent from the file take protobuf's defaults (0, ''). */
function buildAttribute(a: AttributeFields, type: number): Attribute | undefined {
  switch (type) {
    case AttrType.FLOAT: return { kind: 'float', value: a.f ?? 0 };
    case AttrType.INT: return { kind: 'int', value: a.i ?? 0 };
    case AttrType.STRING: return { kind: 'string', value: a.s ?? '' };
    case AttrType.TENSOR: return a.t ? { kind: 'tensor', value: a.t } : undefined;
    case AttrType.GRAPH: return a.g ? { kind: 'graph', value: a.g } : undefined;
    case AttrType.SPARSE_TENSOR: return a.sparse ? { kind: 'sparse_tensor', value: a.sparse } : undefined;
    case AttrType.TYPE_PROTO: return { kind: 'type_proto' };
    case AttrType.FLOATS: return { kind: 'floats', value: a.floats ?? [] };
    case AttrType.INTS: return { kind: 'ints', value: a.ints ?? [] };
    case AttrType.STRINGS: return { kind: 'strings', value: a.strings ?? [] };
    case AttrType.TENSORS: return { kind: 'tensors', value: a.tensors ?? [] };
    case AttrType.GRAPHS: return { kind: 'graphs', value: a.graphs ?? [] };
    case AttrType.SPARSE_TENSORS: return { kind: 'sparse_tensors', value: a.sparseTensors ?? [] };
    case AttrType.TYPE_PROTOS: return { kind: 'type_protos' };
    default: return undefined;
  }
}
