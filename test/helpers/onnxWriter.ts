// Writes ONNX models for tests and benchmarks. Small models go through onnx-proto's generated encoder (an
// independent implementation of the wire format, so reader bugs cannot cancel out); the large model is composed
// by hand and streamed to disk, so that generating 100 MB never holds 100 MB in memory.

import { closeSync, openSync, writeSync } from 'node:fs';
import { onnx } from 'onnx-proto';

export { onnx };

/** Encodes a ModelProto given as a plain object (onnx-proto's I* interfaces). */
export function encodeModel(model: onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/** A float tensor value_info with a fixed shape. */
export function floatInput(name: string, shape: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/**
 * A model whose one initializer `W` ([rows, cols] float) lives in an external file, for external-data tests.
 * `external` gives the key/value entries exactly as the test wants them (location, offset, length).
 */
export function modelWithExternalWeight(external: Record<string, string>, rows = 4, cols = 8): Uint8Array {
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'nar-lens-tests',
    graph: {
      name: 'external',
      node: [{ opType: 'MatMul', input: ['x', 'W'], output: ['y'], name: 'mm' }],
      input: [floatInput('x', [1, rows])],
      output: [floatInput('y', [1, cols])],
      initializer: [
        {
          name: 'W',
          dataType: onnx.TensorProto.DataType.FLOAT,
          dims: [rows, cols],
          dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
          externalData: Object.entries(external).map(([key, value]) => ({ key, value })),
        },
      ],
    },
  });
}

// ---- hand-composed large model ----

function varint(value: number): number[] {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  bytes.push(value);
  return bytes;
}

function tag(field: number, wire: number): number[] {
  return varint(field * 8 + wire);
}

/** A length-delimited field whose body is given in parts; `payloadBytes` zero bytes follow the parts. */
function lenField(field: number, body: Uint8Array, payloadBytes = 0): { head: Uint8Array; length: number } {
  const prefix = [...tag(field, 2), ...varint(body.length + payloadBytes)];
  const head = new Uint8Array(prefix.length + body.length);
  head.set(prefix);
  head.set(body, prefix.length);
  return { head, length: head.length + payloadBytes };
}

export interface LargeModelInfo {
  path: string;
  fileSize: number;
  /** Bytes of raw_data payload in the file. */
  payloadBytes: number;
  nodes: number;
  initializers: number;
}

/**
 * Writes a chain of `layers` MatMul nodes, each with a [side, side] float initializer held as embedded
 * raw_data (zeros), sized so the payloads total about `totalPayloadBytes`. Streams zeros to disk in chunks.
 */
export function generateLargeModel(path: string, totalPayloadBytes = 100 * 1024 * 1024, layers = 16): LargeModelInfo {
  const side = Math.max(1, Math.floor(Math.sqrt(totalPayloadBytes / layers / 4)));
  const weightBytes = side * side * 4;
  const header = encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'nar-lens-tests',
    producerVersion: 'generateLargeModel',
  });
  // Graph parts: nodes, inputs/outputs, then initializers whose raw_data we stream.
  const graphHead = onnx.GraphProto.encode(
    onnx.GraphProto.create({
      name: 'large',
      node: Array.from({ length: layers }, (_, i) => ({
        name: `mm${i}`,
        opType: 'MatMul',
        input: [i === 0 ? 'x' : `h${i}`, `W${i}`],
        output: [i === layers - 1 ? 'y' : `h${i + 1}`],
      })),
      input: [floatInput('x', [1, side])],
      output: [floatInput('y', [1, side])],
    }),
  ).finish();
  const initializers = Array.from({ length: layers }, (_, i) => {
    const meta = onnx.TensorProto.encode(
      onnx.TensorProto.create({ name: `W${i}`, dataType: onnx.TensorProto.DataType.FLOAT, dims: [side, side] }),
    ).finish();
    const raw = lenField(9, new Uint8Array(0), weightBytes); // raw_data: tag + length, then the zeros
    const tensorBody = new Uint8Array(meta.length + raw.head.length);
    tensorBody.set(meta);
    tensorBody.set(raw.head, meta.length);
    return lenField(5, tensorBody, weightBytes); // GraphProto.initializer
  });
  const graphLength = graphHead.length + initializers.reduce((sum, init) => sum + init.length, 0);
  const graphPrefix = new Uint8Array([...tag(7, 2), ...varint(graphLength)]);

  const fd = openSync(path, 'w');
  let written = 0;
  const write = (bytes: Uint8Array) => {
    writeSync(fd, bytes);
    written += bytes.length;
  };
  try {
    write(header);
    write(graphPrefix);
    write(graphHead);
    const zeros = new Uint8Array(Math.min(weightBytes, 4 * 1024 * 1024));
    for (const init of initializers) {
      write(init.head);
      for (let left = weightBytes; left > 0; left -= zeros.length) write(zeros.subarray(0, Math.min(left, zeros.length)));
    }
  } finally {
    closeSync(fd);
  }
  return { path, fileSize: written, payloadBytes: weightBytes * layers, nodes: layers, initializers: layers };
}
