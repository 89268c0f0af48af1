// ValueInfoProto and TypeProto → ValueInfo. Tensor types give elemType and shape directly; sequence, optional
// and map types give the element (map: value) type, with `typeKind` naming the container.

import type { Dim, ValueInfo } from '../graph/types';
import type { ReadContext } from './context';
import { WireType, type WireCursor } from './wire';

export type TypeKind = 'tensor' | NonNullable<ValueInfo['typeKind']>;

interface DecodedType {
  typeKind: TypeKind;
  elemType: number;
  /** Always present (undefined when absent): one hidden class for every decoded type. */
  shape: Dim[] | undefined;
}

/** Reads a length-prefixed ValueInfoProto. A value without a type gets elemType 0 and an unknown shape. */
export function readValueInfo(ctx: ReadContext): ValueInfo {
  const cur = ctx.cur;
  const outer = cur.enterLength();
  cur.count();
  let name = '';
  let elemType = 0;
  let shape: Dim[] | undefined;
  let typeKind: ValueInfo['typeKind'];
  while (cur.pos < cur.limit) {
    const tag = cur.readTag();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1) {
      cur.expectWire(wire, WireType.LEN, 'name');
      name = cur.readString();
    } else if (field === 2) {
      cur.expectWire(wire, WireType.LEN, 'type');
      cur.push('type');
      const type = readTypeProto(cur);
      cur.pop();
      elemType = type.elemType;
      shape = type.shape; // the last type decides the shape
      if (type.typeKind !== 'tensor') typeKind = type.typeKind;
    } else {
      cur.skip(wire);
    }
  }
  cur.leave(outer);
  // Whole literals rather than optional fields added afterwards: a hidden class made by adding a property dies in
  // the full GC between two reads and deoptimises the graph reader (see decodeModel in index.ts).
  if (shape) return typeKind ? { name, elemType, shape, typeKind } : { name, elemType, shape };
  return typeKind ? { name, elemType, typeKind } : { name, elemType };
}

/** Reads a length-prefixed TypeProto (recursive through sequence/optional/map, bounded by maxDepth). */
export function readTypeProto(cur: WireCursor): DecodedType {
  const outer = cur.enterLength();
  let result: DecodedType = { typeKind: 'unknown', elemType: 0, shape: undefined };
  while (cur.pos < cur.limit) {
    const tag = cur.readTag();
    const field = tag >>> 3;
    const wire = tag & 7;
    switch (field) {
      case 1: // tensor_type
      case 8: // sparse_tensor_type
        cur.expectWire(wire, WireType.LEN, field === 1 ? 'tensor_type' : 'sparse_tensor_type');
        result = readTensorType(cur, field === 1 ? 'tensor' : 'sparse_tensor');
        break;
      case 4: // sequence_type {elem_type = 1}
      case 9: // optional_type {elem_type = 1}
        cur.expectWire(wire, WireType.LEN, field === 4 ? 'sequence_type' : 'optional_type');
        result = { ...readWrappedType(cur, 1), typeKind: field === 4 ? 'sequence' : 'optional' };
        break;
      case 5: // map_type {key_type = 1, value_type = 2}
        cur.expectWire(wire, WireType.LEN, 'map_type');
        result = { ...readWrappedType(cur, 2), typeKind: 'map' };
        delete result.shape;
        break;
      case 7: // opaque_type
        cur.skip(wire);
        result = { typeKind: 'opaque', elemType: 0, shape: undefined };
        break;
      default:
        cur.skip(wire); // denotation and newer fields
    }
  }
  cur.leave(outer);
  return result;
}

/** A message whose field `typeField` is a nested TypeProto (Sequence, Optional, Map). */
function readWrappedType(cur: WireCursor, typeField: number): DecodedType {
  const outer = cur.enterLength();
  let inner: DecodedType = { typeKind: 'unknown', elemType: 0, shape: undefined };
  while (cur.pos < cur.limit) {
    const tag = cur.readTag();
    const wire = tag & 7;
    if (tag >>> 3 === typeField) {
      cur.expectWire(wire, WireType.LEN, 'elem_type');
      inner = readTypeProto(cur);
    } else cur.skip(wire);
  }
  cur.leave(outer);
  return inner;
}

/** TypeProto.Tensor / SparseTensor {elem_type = 1, shape = 2}. */
function readTensorType(cur: WireCursor, typeKind: TypeKind): DecodedType {
  const outer = cur.enterLength();
  const result: DecodedType = { typeKind, elemType: 0, shape: undefined };
  while (cur.pos < cur.limit) {
    const tag = cur.readTag();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1) {
      cur.expectWire(wire, WireType.VARINT, 'elem_type');
      result.elemType = cur.readInt64();
    } else if (field === 2) {
      cur.expectWire(wire, WireType.LEN, 'shape');
      result.shape = readShape(cur);
    } else cur.skip(wire);
  }
  cur.leave(outer);
  return result;
}

/** TensorShapeProto {repeated Dimension dim = 1}; Dimension {dim_value = 1, dim_param = 2}. */
function readShape(cur: WireCursor): Dim[] {
  const outer = cur.enterLength();
  const dims: Dim[] = [];
  while (cur.pos < cur.limit) {
    const tag = cur.readTag();
    const wire = tag & 7;
    if (tag >>> 3 !== 1) {
      cur.skip(wire);
      continue;
    }
    cur.expectWire(wire, WireType.LEN, 'dim');
    cur.count();
    const dimOuter = cur.enterLength();
    let dim: Dim = null;
    while (cur.pos < cur.limit) {
      const dimTag = cur.readTag();
      const dimWire = dimTag & 7;
      if (dimTag >>> 3 === 1) {
        cur.expectWire(dimWire, WireType.VARINT, 'dim_value');
        const value = cur.readInt64();
        // A negative declared size is not a size; keep the dimension but as unknown.
        dim = value >= 0 ? value : null;
      } else if (dimTag >>> 3 === 2) {
        cur.expectWire(dimWire, WireType.LEN, 'dim_param');
        const param = cur.readString();
        dim = param === '' ? null : param;
      } else cur.skip(dimWire);
    }
    cur.leave(dimOuter);
    dims.push(dim);
  }
  cur.leave(outer);
  return dims;
}
