// Element types in graph JSON are written by their ONNX TensorProto.DataType name ("FLOAT", "INT64", ...), so a
// person can read and write the file; the integer code is accepted too. Pure.
import { ElemType } from '../graph/types';

const NAME_BY_CODE = new Map<number, string>(Object.entries(ElemType).map(([name, code]) => [code, name]));

export function elemTypeName(code: number): string | number {
  return NAME_BY_CODE.get(code) ?? code;
}

/** The code for a name (case-insensitive) or a non-negative integer code; undefined when it is neither. */
export function elemTypeCode(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v < 256 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const code = (ElemType as Record<string, number>)[v.toUpperCase()];
  return code;
}
