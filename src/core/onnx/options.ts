// Limits that keep a hostile or corrupt file from exhausting memory, stack or time. The defaults admit every
// real model we know of (the largest public ONNX graphs have a few hundred thousand nodes) with a wide margin.

export interface ReadOptions {
  /** Refuse files larger than this (bytes). Default 8 GiB (weights may be embedded up to protobuf's 2 GiB). */
  maxFileBytes?: number;
  /** Refuse graphs with more nodes than this, counting subgraphs and functions. Default 2,000,000. */
  maxNodes?: number;
  /** Maximum nesting of protobuf messages (subgraphs inside attributes inside nodes, nested TypeProtos). Default 64. */
  maxDepth?: number;
  /** Longest string the reader decodes (names, string attributes, metadata). Default 1 MiB. */
  maxStringBytes?: number;
  /** Total decoded items (nodes, names, dims, attribute elements, ...) across the model. Default 50,000,000. */
  maxItems?: number;
  /** Size of the window through which a file is read. Default 64 KiB. */
  windowBytes?: number;
  /** Check external-data tensors against the file system (stat only; bytes are never read). Default true. */
  checkExternalData?: boolean;
}

export type ResolvedReadOptions = Required<ReadOptions>;

export const DEFAULT_READ_OPTIONS: ResolvedReadOptions = {
  maxFileBytes: 8 * 1024 ** 3,
  maxNodes: 2_000_000,
  maxDepth: 64,
  maxStringBytes: 1024 ** 2,
  maxItems: 50_000_000,
  windowBytes: 64 * 1024,
  checkExternalData: true,
};

export function resolveReadOptions(options: ReadOptions | undefined): ResolvedReadOptions {
  const resolved = { ...DEFAULT_READ_OPTIONS };
  if (!options) return resolved;
  for (const key of Object.keys(DEFAULT_READ_OPTIONS) as (keyof ReadOptions)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (key === 'checkExternalData') {
      resolved.checkExternalData = Boolean(value);
    } else if (typeof value !== 'number' || !Number.isFinite(value) || value < 1) {
      throw new RangeError(`ReadOptions.${key} must be a positive number, got ${String(value)}`);
    } else {
      resolved[key] = Math.floor(value);
    }
  }
  return resolved;
}
