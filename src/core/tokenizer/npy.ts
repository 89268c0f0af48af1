// NumPy .npy v1.0 files (little-endian), enough for the training tensors: float32, int32 and int64 arrays.
// Format: "\x93NUMPY", version 1.0, a uint16 header length, a Python-dict header padded with spaces and a
// newline so that the data starts at a multiple of 64 bytes, then the raw C-order data.

export type NpyArray = Float32Array | Int32Array | BigInt64Array;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const ALIGN = 64;

function npyDescr(data: NpyArray): string {
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Int32Array) return '<i4';
  return '<i8';
}

/**
 * The bytes before the data: magic, version, header length, the header dict padded so the data starts at a
 * multiple of 64 bytes, or at exactly `length` bytes when given (a streamed file reserves its header before it
 * knows the shape and rewrites it in place at the end; every 1- or 2-D shape fits in 128).
 */
export function npyHeader(descr: string, shape: number[], length?: number): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1;
  const padding = length === undefined ? (ALIGN - (unpadded % ALIGN)) % ALIGN : length - unpadded;
  if (padding < 0) throw new RangeError(`npy: the header of shape [${shape}] does not fit in ${length} bytes`);
  header += ' '.repeat(padding) + '\n';
  const headerBytes = Buffer.from(header, 'latin1');
  const out = new Uint8Array(MAGIC.length + 4 + headerBytes.length);
  out.set(MAGIC, 0);
  out[6] = 1; // major version
  out[7] = 0; // minor version
  new DataView(out.buffer).setUint16(8, headerBytes.length, true);
  out.set(headerBytes, 10);
  return out;
}

/** The raw little-endian bytes of a typed array (no copy). */
export function npyData(data: NpyArray): Uint8Array {
  // Typed arrays use the platform's byte order; every platform Node runs on is little-endian, which we check.
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('npy: big-endian hosts are not supported');
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function encodeNpy(data: NpyArray, shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`npy: shape [${shape}] holds ${count} values, data has ${data.length}`);
  const header = npyHeader(npyDescr(data), shape);
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header, 0);
  out.set(npyData(data), header.length);
  return out;
}

export interface DecodedNpy {
  descr: string;
  shape: number[];
  data: NpyArray;
}

/** Reads what encodeNpy writes (v1.0, little-endian, C order); throws a clear error on anything else. */
export function decodeNpy(bytes: Uint8Array): DecodedNpy {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error('npy: bad magic');
  if (bytes[6] !== 1) throw new Error(`npy: unsupported version ${bytes[6]}.${bytes[7]}`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);
  const header = Buffer.from(bytes.subarray(10, 10 + headerLength)).toString('latin1');
  const d = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!d || fortran !== 'False' || shapeText === undefined) throw new Error(`npy: unsupported header ${header.trim()}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const start = 10 + headerLength;
  const raw = bytes.slice(start); // copy: typed arrays need aligned offsets
  const data =
    d === '<f4' ? new Float32Array(raw.buffer) : d === '<i4' ? new Int32Array(raw.buffer) : d === '<i8' ? new BigInt64Array(raw.buffer) : undefined;
  if (!data) throw new Error(`npy: unsupported dtype ${d}`);
  return { descr: d, shape, data };
}
