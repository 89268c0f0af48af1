// The one error type the reader throws for bad input. Callers (CLI, extension) show `message` as is; the fields
// let tests and UIs point at the exact place in the file.

import { basename } from 'node:path';

export class ModelReadError extends Error {
  /** The file (path as given, or the in-memory name) that could not be read. */
  readonly file: string;
  /** Absolute byte offset in the file where the problem was found. */
  readonly byteOffset: number;
  /** Where in the ModelProto structure, e.g. "graph.node[17].attribute[2]"; '' at the top level. */
  readonly fieldPath: string;
  /** The problem alone, without file, offset and path (for callers that compose their own message). */
  readonly problem: string;

  constructor(file: string, byteOffset: number, fieldPath: string, problem: string) {
    const where = fieldPath ? ` in ${fieldPath}` : '';
    super(`${basename(file) || file}: ${problem} at byte ${formatOffset(byteOffset)}${where}`);
    this.name = 'ModelReadError';
    this.file = file;
    this.byteOffset = byteOffset;
    this.fieldPath = fieldPath;
    this.problem = problem;
  }
}

/** 1234567 → "1,234,567": offsets in messages are read by people. */
function formatOffset(offset: number): string {
  return String(offset).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
