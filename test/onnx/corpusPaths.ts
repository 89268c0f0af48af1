// Locations of the test fixtures, relative to the repository root (tests run from there via `node --test`).

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CORPUS_DIR = resolve('test/fixtures/onnx-corpus');

export interface ManifestEntry {
  file: string;
  size_bytes: number;
  ir_version: number;
  opset_import: Record<string, number>;
  producer: string;
  num_nodes: number;
  num_nodes_incl_subgraphs: number;
  num_initializers: number;
  initializer_bytes: number;
  num_inputs: number;
  num_outputs: number;
  num_value_info: number;
  op_types: Record<string, number>;
}

export function readManifest(): ManifestEntry[] {
  return readFileSync(join(CORPUS_DIR, 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ManifestEntry);
}

export function corpusPath(entry: ManifestEntry): string {
  return join(CORPUS_DIR, entry.file);
}
