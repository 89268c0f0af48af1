// The format dispatcher: one entry point from a model file to the Graph IR, whatever the file's format. Callers
// (the server pipeline, converters) use this instead of a particular reader, so a new format is one more case
// here and nothing downstream changes. Pure (no vscode).
import { readModelFile, ModelReadError, type ReadOptions } from '../onnx';
import type { Model } from '../graph/types';
import { readGraphJsonFile, type GraphJsonLimits } from './graphJsonReader';
import { GraphJsonError } from './graphJsonError';

export { GraphJsonError } from './graphJsonError';
export { readGraphJsonFile, readGraphJsonText, readGraphJsonDocument, GRAPH_JSON_FORMAT, GRAPH_JSON_VERSION, DEFAULT_GRAPH_JSON_LIMITS } from './graphJsonReader';
export { toGraphJsonDocument, toGraphJsonText } from './graphJsonWriter';

export type FileFormat = 'onnx' | 'graph-json';

/** The suffixes each format is recognised by (lower case). Keep src/extension/modelFiles.ts in step. */
export const FORMAT_SUFFIXES: Record<FileFormat, string[]> = {
  onnx: ['.onnx'],
  'graph-json': ['.graph.json'],
};

/** The format a path names by its suffix; anything else is read as ONNX (whose reader says what it is not). */
export function formatOfPath(path: string): FileFormat {
  const lower = path.toLowerCase();
  return FORMAT_SUFFIXES['graph-json'].some((s) => lower.endsWith(s)) ? 'graph-json' : 'onnx';
}

export interface ReadAnyOptions {
  onnx?: ReadOptions;
  graphJson?: Partial<GraphJsonLimits>;
}

/** Reads any supported model file. Throws ModelReadError or GraphJsonError (see isModelFileError) for bad input. */
export function readModel(path: string, options: ReadAnyOptions = {}): Model {
  switch (formatOfPath(path)) {
    case 'graph-json':
      return readGraphJsonFile(path, options.graphJson);
    case 'onnx':
      return readModelFile(path, options.onnx);
  }
}

/** True for the errors readers throw for unreadable input (as opposed to bugs). */
export function isModelFileError(e: unknown): e is ModelReadError | GraphJsonError {
  return e instanceof ModelReadError || e instanceof GraphJsonError;
}
