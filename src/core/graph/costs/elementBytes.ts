// Storage size of one element per ONNX element type, for memory traffic in bytes. Sub-byte types count as
// fractions (two int4 per byte); strings and undefined types have no fixed size (undefined).
import { ElemType } from '../types';

const BYTES: Record<number, number> = {
  [ElemType.FLOAT]: 4, [ElemType.UINT8]: 1, [ElemType.INT8]: 1, [ElemType.UINT16]: 2, [ElemType.INT16]: 2,
  [ElemType.INT32]: 4, [ElemType.INT64]: 8, [ElemType.BOOL]: 1, [ElemType.FLOAT16]: 2, [ElemType.DOUBLE]: 8,
  [ElemType.UINT32]: 4, [ElemType.UINT64]: 8, [ElemType.COMPLEX64]: 8, [ElemType.COMPLEX128]: 16,
  [ElemType.BFLOAT16]: 2, [ElemType.FLOAT8E4M3FN]: 1, [ElemType.FLOAT8E4M3FNUZ]: 1, [ElemType.FLOAT8E5M2]: 1,
  [ElemType.FLOAT8E5M2FNUZ]: 1, [ElemType.UINT4]: 0.5, [ElemType.INT4]: 0.5, [ElemType.FLOAT4E2M1]: 0.5,
};

export function elementBytes(elemType: number): number | undefined {
  return BYTES[elemType];
}

const FLOATING = new Set<number>([
  ElemType.FLOAT, ElemType.FLOAT16, ElemType.DOUBLE, ElemType.BFLOAT16, ElemType.FLOAT8E4M3FN,
  ElemType.FLOAT8E4M3FNUZ, ElemType.FLOAT8E5M2, ElemType.FLOAT8E5M2FNUZ, ElemType.FLOAT4E2M1,
]);
const QUANTIZED = new Set<number>([ElemType.INT8, ElemType.UINT8, ElemType.INT4, ElemType.UINT4]);

/**
 * Whether a constant of this type (feeding `opType`) is a learned parameter rather than shape arithmetic:
 * floating types and 8/4-bit integers are weights; int32 only as the bias of a quantised op; int64, bool and
 * strings never (they are shapes, axes, indices).
 */
export function isParameterType(elemType: number, opType: string): boolean {
  if (FLOATING.has(elemType) || QUANTIZED.has(elemType)) return true;
  return elemType === ElemType.INT32 && (opType.startsWith('QLinear') || opType.endsWith('Integer'));
}
