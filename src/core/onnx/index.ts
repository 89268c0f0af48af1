// The ONNX skim reader: decodes a model's structure and skips its weight payloads. Public API of src/core/onnx.

import { dirname, resolve } from 'node:path';
import type { ConstTensor, Model } from '../graph/types';
import { FileByteSource, MemoryByteSource, type ByteSource } from './byteSource';
import type { ReadContext } from './context';
import { ModelReadError } from './errors';
import { ExternalDataChecker } from './externalData';
import { readModelProto } from './model';
import { resolveReadOptions, type ReadOptions, type ResolvedReadOptions } from './options';
import { describeNonOnnx, knownBinaryFormat } from './sniff';
import { WireCursor } from './wire';

export { ModelReadError } from './errors';
export { DEFAULT_READ_OPTIONS, type ReadOptions } from './options';
export { FileByteSource, MemoryByteSource, type ByteSource } from './byteSource';

export interface ReadBytesOptions extends ReadOptions {
  /** Name used in error messages (default "<bytes>"). */
  name?: string;
  /** Folder that external-data locations are resolved against; without it they are recorded, not checked. */
  baseDir?: string;
}

/**
 * Reads an ONNX model file through a bounded window (never the whole file): structure, attributes, initializer
 * metadata and small tensor values. Throws ModelReadError for anything that is not a readable ONNX model.
 */
export function readModelFile(path: string, options?: ReadOptions): Model {
  const opts = resolveReadOptions(options);
  const absolute = resolve(path);
  let source: FileByteSource;
  try {
    source = new FileByteSource(absolute, opts.windowBytes, opts.maxFileBytes);
  } catch (error) {
    if (error instanceof ModelReadError) throw error;
    throw new ModelReadError(path, 0, '', `cannot open the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const external = opts.checkExternalData ? new ExternalDataChecker(dirname(absolute)) : null;
  try {
    return decodeModel(source, path, opts, external, absolute);
  } finally {
    source.close();
    external?.retire();
  }
}

/** Reads an ONNX model held in memory. `bytesRead` then equals the size: every byte was handed over. */
export function readModelBytes(bytes: Uint8Array, options?: ReadBytesOptions): Model {
  const opts = resolveReadOptions(options);
  const name = options?.name ?? '<bytes>';
  if (bytes.length > opts.maxFileBytes) {
    throw new ModelReadError(name, 0, '', `model is ${bytes.length} bytes, over the limit of ${opts.maxFileBytes} (ReadOptions.maxFileBytes)`);
  }
  const external = options?.baseDir && opts.checkExternalData ? new ExternalDataChecker(options.baseDir) : null;
  try {
    return decodeModel(new MemoryByteSource(bytes), name, opts, external);
  } finally {
    external?.retire();
  }
}

function decodeModel(
  source: ByteSource,
  fileName: string,
  opts: ResolvedReadOptions,
  external: ExternalDataChecker | null,
  absolutePath?: string,
): Model {
  if (source.size === 0) throw new ModelReadError(fileName, 0, '', 'empty file, not an ONNX model');
  const headLength = Math.min(source.size, 256);
  source.fetch(0, headLength);
  const head = source.bytes.slice(0, headLength);
  const binary = knownBinaryFormat(head);
  if (binary) throw new ModelReadError(fileName, 0, '', `not an ONNX model (this looks like ${binary})`);

  const ctx: ReadContext = {
    cur: new WireCursor(source, fileName, opts),
    external,
    nodeCount: 0,
    warnings: [],
    uncheckedExternal: false,
  };
  const progress = { sawKnownField: false };
  let proto;
  try {
    proto = readModelProto(ctx, progress);
  } catch (error) {
    if (error instanceof ModelReadError && !progress.sawKnownField) {
      throw new ModelReadError(fileName, error.byteOffset, error.fieldPath, `not an ONNX model${lookalike(head)}: ${error.problem}`);
    }
    throw error;
  } finally {
    ctx.cur.retire();
  }
  if (!proto.graph) {
    throw new ModelReadError(fileName, 0, '', `not an ONNX model${lookalike(head)}: it has no graph (ModelProto field 7)`);
  }
  const format = hasNoWeights(proto.graph.initializers) ? 'onnx-no-weight' : 'onnx';
  // `path` is in the literal rather than added afterwards: a property added later gives models a hidden class
  // that a full GC frees once no model is alive, deoptimising every stage that read models (see the end of
  // inferShapes in src/core/graph/shapes/infer.ts).
  const model: Model =
    absolutePath === undefined
      ? {
          format, irVersion: proto.irVersion, producerName: proto.producerName, producerVersion: proto.producerVersion,
          opsets: proto.opsets, graph: proto.graph, functions: proto.functions, metadata: proto.metadata,
          fileSize: source.size, bytesRead: source.bytesRead,
        }
      : {
          format, irVersion: proto.irVersion, producerName: proto.producerName, producerVersion: proto.producerVersion,
          opsets: proto.opsets, graph: proto.graph, functions: proto.functions, metadata: proto.metadata,
          fileSize: source.size, bytesRead: source.bytesRead, path: absolutePath,
        };
  if (ctx.warnings.length > 0) model.readWarnings = ctx.warnings;
  return model;
}

function lookalike(head: Uint8Array): string {
  const what = describeNonOnnx(head);
  return what ? ` (this looks like ${what})` : '';
}

/**
 * Graph-only files (NNLQP's, our datasets'): initializers declare dims but carry no payload. Empty tensors
 * (a zero dimension) carry no payload in any file, so they do not decide.
 */
function hasNoWeights(initializers: Map<string, ConstTensor>): boolean {
  let nonEmpty = 0;
  for (const tensor of initializers.values()) {
    if (tensor.storage.kind !== 'none') return false;
    if (!tensor.dims.includes(0)) nonEmpty++;
  }
  return nonEmpty > 0;
}
