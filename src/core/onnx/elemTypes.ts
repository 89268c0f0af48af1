// Element types the reader can decode values for, and how they are stored in TensorProto.

import { ElemType } from '../graph/types';

/** Bytes per element in raw_data for the types whose values we decode; 0 = not decoded. */
export function rawElementBytes(elemType: number): number {
  switch (elemType) {
    case ElemType.UINT8:
    case ElemType.INT8:
    case ElemType.BOOL:
      return 1;
    case ElemType.UINT16:
    case ElemType.INT16:
    case ElemType.FLOAT16:
    case ElemType.BFLOAT16:
      return 2;
    case ElemType.FLOAT:
    case ElemType.INT32:
    case ElemType.UINT32:
      return 4;
    case ElemType.INT64:
    case ElemType.UINT64:
    case ElemType.DOUBLE:
      return 8;
    default:
      return 0;
  }
}

export function isIntegerType(elemType: number): boolean {
  switch (elemType) {
    case ElemType.UINT8:
    case ElemType.INT8:
    case ElemType.UINT16:
    case ElemType.INT16:
    case ElemType.INT32:
    case ElemType.INT64:
    case ElemType.UINT32:
    case ElemType.UINT64:
    case ElemType.BOOL:
      return true;
    default:
      return false;
  }
}

/** The typed TensorProto field that holds values of `elemType` (when raw_data is not used). */
export function typedFieldFor(elemType: number): number {
  switch (elemType) {
    case ElemType.FLOAT:
    case ElemType.COMPLEX64:
      return 4; // float_data
    case ElemType.INT64:
      return 7; // int64_data
    case ElemType.DOUBLE:
    case ElemType.COMPLEX128:
      return 10; // double_data
    case ElemType.UINT32:
    case ElemType.UINT64:
      return 11; // uint64_data
    case ElemType.STRING:
      return 6; // string_data
    default:
      return 5; // int32_data: all small integer types, bool, float16/bfloat16 bits, float8
  }
}

/** IEEE half precision bits → number. */
export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const bf16View = new DataView(new ArrayBuffer(4));

/** bfloat16 bits (the upper half of a float32) → number. */
export function bfloat16ToNumber(bits: number): number {
  bf16View.setUint32(0, (bits & 0xffff) << 16);
  return bf16View.getFloat32(0);
}
