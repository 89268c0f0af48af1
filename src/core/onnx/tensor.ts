// TensorProto and SparseTensorProto → ConstTensor. Payload fields (raw_data, float_data, int64_data, ...,
// string_data) are skipped by offset on the first pass and only recorded as TensorStorage; a second, bounded
// pass decodes the values of small numeric tensors, which shape inference needs (Reshape targets, Slice
// bounds, Resize scales).

import type { ConstTensor, TensorStorage } from '../graph/types';
import { warn, type ReadContext } from './context';
import { bfloat16ToNumber, float16ToNumber, isIntegerType, rawElementBytes, typedFieldFor } from './elemTypes';
import { ElemType } from '../graph/types';
import { WireType, type WireCursor } from './wire';

/** Tensors up to this many elements get `values`; integer tensors up to MAX_INT_VALUES. */
export const MAX_FLOAT_VALUES = 64;
export const MAX_INT_VALUES = 4096;

const RAW_DATA = 9;
const PAYLOAD_WIRES: Record<number, [string, number, number]> = {
  4: ['float_data', WireType.I32, WireType.LEN],
  5: ['int32_data', WireType.VARINT, WireType.LEN],
  6: ['string_data', WireType.LEN, -1],
  7: ['int64_data', WireType.VARINT, WireType.LEN],
  9: ['raw_data', WireType.LEN, -1],
  10: ['double_data', WireType.I64, WireType.LEN],
  11: ['uint64_data', WireType.VARINT, WireType.LEN],
};

/**
 * Dims are gathered here and copied out at their final length (a list grown by push reserves 17 slots; tensors
 * have 0 to 4 dims). readTensor reads no other tensor before its dims are copied out.
 */
const dimsScratch: number[] = [];

/** Reads a length-prefixed TensorProto at the cursor. */
export function readTensor(ctx: ReadContext): ConstTensor {
  const cur = ctx.cur;
  const outer = cur.enterLength();
  const messageStart = cur.pos;
  const messageEnd = cur.limit;
  let name = '';
  let elemType = 0;
  let dataLocation = 0;
  let dimCount = 0;
  const externalEntries: [string, string][] = [];
  let payloadStart = -1;
  let payloadEnd = -1;

  while (cur.pos < cur.limit) {
    const tag = cur.readTag();
    const field = tag >>> 3;
    const wire = tag & 7;
    switch (field) {
      case 1:
        dimCount = cur.readInt64sAt(wire, 'dims', dimsScratch, dimCount);
        break;
      case 2:
        cur.expectWire(wire, WireType.VARINT, 'data_type');
        elemType = cur.readInt64();
        break;
      case 8:
        cur.expectWire(wire, WireType.LEN, 'name');
        name = cur.readString();
        break;
      case 13:
        cur.expectWire(wire, WireType.LEN, 'external_data');
        cur.push('external_data', externalEntries.length);
        externalEntries.push(readStringEntry(cur));
        cur.pop();
        break;
      case 14:
        cur.expectWire(wire, WireType.VARINT, 'data_location');
        dataLocation = cur.readInt64();
        break;
      case 4:
      case 5:
      case 6:
      case 7:
      case 9:
      case 10:
      case 11: {
        const [fieldName, wireA, wireB] = PAYLOAD_WIRES[field];
        cur.expectWire(wire, wireA, fieldName, wireB);
        let start = cur.pos;
        if (wire === WireType.LEN) {
          const length = cur.readLength();
          start = cur.pos;
          cur.skipBytes(length);
        } else {
          cur.skip(wire);
        }
        if (payloadStart < 0) payloadStart = start;
        payloadEnd = cur.pos;
        break;
      }
      default:
        // segment, doc_string, metadata_props and fields from newer ONNX versions.
        cur.skip(wire);
    }
  }

  const dims = dimCount === 0 ? [] : dimsScratch.slice(0, dimCount);
  let elementCount = 1;
  for (let i = 0; i < dims.length; i++) {
    if (dims[i] < 0) throw cur.fail(`tensor '${name}' has a negative dimension (${dims.join('x')})`, messageStart);
    elementCount *= dims[i];
  }

  let storage: TensorStorage;
  if (dataLocation === 1) {
    storage = externalStorage(ctx, name, elemType, elementCount, externalEntries, messageStart);
  } else if (payloadStart >= 0) {
    storage = { kind: 'inline', byteOffset: payloadStart, byteLength: payloadEnd - payloadStart };
  } else {
    storage = { kind: 'none' };
  }

  const valueLimit = isIntegerType(elemType) ? MAX_INT_VALUES : MAX_FLOAT_VALUES;
  let values: number[] | undefined;
  if (storage.kind === 'inline' && elementCount <= valueLimit) {
    values = decodeValues(cur, messageStart, messageEnd, elemType, elementCount);
    if (!values && rawElementBytes(elemType) > 0) {
      warn(ctx, `tensor '${name}': payload does not hold ${elementCount} values of type ${elemType}; values not decoded`);
    }
  }
  cur.leave(outer);
  // Two literals rather than `values` added afterwards, for the reason given where decodeModel builds the model.
  return values ? { name, elemType, dims, storage, values } : { name, elemType, dims, storage };
}

/** Reads a length-prefixed SparseTensorProto: dims and the values tensor's type and storage. */
export function readSparseTensor(ctx: ReadContext): ConstTensor {
  const cur = ctx.cur;
  const outer = cur.enterLength();
  let values: ConstTensor | undefined;
  const dims: number[] = [];
  while (cur.pos < cur.limit) {
    const tag = cur.readTag();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1) {
      cur.expectWire(wire, WireType.LEN, 'values');
      cur.push('values');
      values = readTensor(ctx);
      cur.pop();
    } else if (field === 3) {
      cur.readInt64s(wire, 'dims', dims);
    } else {
      // indices (2): positions of the values; their payload is not needed for structure or cost.
      cur.skip(wire);
    }
  }
  cur.leave(outer);
  const result: ConstTensor = {
    name: values?.name ?? '',
    elemType: values?.elemType ?? 0,
    dims,
    storage: values?.storage ?? { kind: 'none' },
  };
  return result;
}

/** StringStringEntryProto {key = 1, value = 2}. */
export function readStringEntry(cur: WireCursor): [string, string] {
  const outer = cur.enterLength();
  let key = '';
  let value = '';
  while (cur.pos < cur.limit) {
    const tag = cur.readTag();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1) {
      cur.expectWire(wire, WireType.LEN, 'key');
      key = cur.readString();
    } else if (field === 2) {
      cur.expectWire(wire, WireType.LEN, 'value');
      value = cur.readString();
    } else cur.skip(wire);
  }
  cur.leave(outer);
  return [key, value];
}

function externalStorage(
  ctx: ReadContext,
  name: string,
  elemType: number,
  elementCount: number,
  entries: [string, string][],
  messageStart: number,
): TensorStorage {
  const cur = ctx.cur;
  const get = (key: string) => entries.find(([k]) => k === key)?.[1];
  const location = get('location');
  if (location === undefined) throw cur.fail(`external tensor '${name}' has no 'location' in external_data`, messageStart);
  const offset = parseByteCount(cur, name, 'offset', get('offset'), messageStart) ?? 0;
  const length = parseByteCount(cur, name, 'length', get('length'), messageStart);
  if (ctx.external) {
    return ctx.external.check(cur, name, location, offset, length, messageStart);
  }
  // Without a folder to resolve against (bytes given in memory) the reference is recorded as the file says.
  if (!ctx.uncheckedExternal) {
    ctx.uncheckedExternal = true;
    warn(ctx, 'external data references were recorded but not checked (no model folder: pass baseDir, or checking is off)');
  }
  // A missing length is what ONNX implies: the whole tensor, element count × element size.
  return { kind: 'external', location, offset, length: length ?? elementCount * rawElementBytes(elemType) };
}

function parseByteCount(cur: WireCursor, name: string, key: string, text: string | undefined, at: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,16}$/.test(text)) throw cur.fail(`external tensor '${name}' has an invalid ${key} '${text.slice(0, 40)}'`, at);
  return Number(text);
}

/**
 * Values are decoded into this one reused list and copied out at their final length: a list grown by push
 * allocates three times (17, 41, 77 slots) on its way to 64 values, the size of every bias and norm weight.
 * Filled with a double so that its elements are stored unboxed; integers read back unchanged.
 */
const decoded: number[] = new Array<number>(Math.max(MAX_INT_VALUES, MAX_FLOAT_VALUES)).fill(0.5);
let decodedCount = 0;

/**
 * Second pass over a tensor message that decodes its values, or returns undefined when the payload does not
 * hold exactly `count` elements of a decodable type. Bounded: stops as soon as more than `count` values appear.
 */
function decodeValues(cur: WireCursor, start: number, end: number, elemType: number, count: number): number[] | undefined {
  const elementBytes = rawElementBytes(elemType);
  if (elementBytes === 0 || count > decoded.length) return undefined;
  const typedField = typedFieldFor(elemType);
  const savedPos = cur.pos;
  const savedLimit = cur.limit;
  cur.preload(start, end);
  cur.pos = start;
  cur.limit = end;
  decodedCount = 0;
  try {
    while (cur.pos < cur.limit) {
      const tag = cur.readTag();
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === RAW_DATA) {
        const length = cur.readLength();
        if (length !== count * elementBytes || decodedCount > 0) return undefined;
        decodeRaw(cur.readBytesView(length), elemType);
      } else if (field === typedField) {
        if (!decodeTyped(cur, wire, elemType, count)) return undefined;
      } else {
        cur.skip(wire);
      }
    }
  } finally {
    cur.pos = savedPos;
    cur.limit = savedLimit;
  }
  if (decodedCount !== count) return undefined;
  cur.count(count);
  return decoded.slice(0, count);
}

function decodeRaw(bytes: Uint8Array, elemType: number): void {
  const out = decoded;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.byteLength / rawElementBytes(elemType);
  for (let i = 0; i < n; i++) {
    switch (elemType) {
      case ElemType.FLOAT: out[i] = view.getFloat32(i * 4, true); break;
      case ElemType.DOUBLE: out[i] = view.getFloat64(i * 8, true); break;
      case ElemType.FLOAT16: out[i] = float16ToNumber(view.getUint16(i * 2, true)); break;
      case ElemType.BFLOAT16: out[i] = bfloat16ToNumber(view.getUint16(i * 2, true)); break;
      case ElemType.UINT8: case ElemType.BOOL: out[i] = view.getUint8(i); break;
      case ElemType.INT8: out[i] = view.getInt8(i); break;
      case ElemType.UINT16: out[i] = view.getUint16(i * 2, true); break;
      case ElemType.INT16: out[i] = view.getInt16(i * 2, true); break;
      case ElemType.INT32: out[i] = view.getInt32(i * 4, true); break;
      case ElemType.UINT32: out[i] = view.getUint32(i * 4, true); break;
      case ElemType.INT64: out[i] = Number(view.getBigInt64(i * 8, true)); break;
      case ElemType.UINT64: out[i] = Number(view.getBigUint64(i * 8, true)); break;
      default: return; // not a decodable type: nothing counted, so the count check rejects it
    }
  }
  decodedCount = n;
}

/** Decodes one occurrence of a typed data field (packed or single); false once more than `count` values. */
function decodeTyped(cur: WireCursor, wire: number, elemType: number, count: number): boolean {
  const packed = wire === WireType.LEN;
  const end = packed ? cur.readLength() + cur.pos : cur.pos;
  const outer = cur.limit;
  if (packed) cur.limit = end;
  try {
    do {
      if (decodedCount >= count) return false;
      decoded[decodedCount++] = readTypedElement(cur, wire, elemType);
    } while (packed && cur.pos < end);
  } finally {
    cur.limit = outer;
  }
  return true;
}

function readTypedElement(cur: WireCursor, wire: number, elemType: number): number {
  switch (elemType) {
    case ElemType.FLOAT:
      if (wire !== WireType.I32 && wire !== WireType.LEN) throw cur.fail('float_data with a wrong wire type');
      return cur.readFloat32();
    case ElemType.DOUBLE:
      if (wire !== WireType.I64 && wire !== WireType.LEN) throw cur.fail('double_data with a wrong wire type');
      return cur.readFloat64();
    case ElemType.UINT32:
    case ElemType.UINT64:
      return cur.readVarint();
    case ElemType.FLOAT16:
      return float16ToNumber(cur.readInt64() & 0xffff);
    case ElemType.BFLOAT16:
      return bfloat16ToNumber(cur.readInt64() & 0xffff);
    default:
      return cur.readInt64();
  }
}
