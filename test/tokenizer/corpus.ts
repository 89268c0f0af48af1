// Shared helpers for the tokenizer tests: where the corpus and the golden reference dumps live, and the pipeline
// (read → infer shapes) the tokenizer runs on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readModelFile } from '../../src/core/onnx';
import { inferShapes } from '../../src/core/graph/shapes';
import type { ShapedModel } from '../../src/core/graph/types';

// Tests run from out/test/tokenizer; the repo root is three levels up.
export const ROOT = join(__dirname, '..', '..', '..');
export const CORPUS = join(ROOT, 'test', 'fixtures', 'onnx-corpus');
export const GOLDEN = join(ROOT, 'test', 'fixtures', 'golden-reference');

export interface GoldenSummary {
  file: string;
  ok: boolean;
  error?: string;
}

export interface GoldenFile {
  file: string;
  names: string[];
  op_types: string[];
  output_shapes: number[][];
  edges: [number, number][];
  gflops: number;
  gparams: number;
  gmacs: number;
  static: number[];
  features: number[][];
}

export function goldenSummary(): GoldenSummary[] {
  return JSON.parse(readFileSync(join(GOLDEN, '_summary.json'), 'utf8')) as GoldenSummary[];
}

export function golden(file: string): GoldenFile {
  return JSON.parse(readFileSync(join(GOLDEN, `${file}.json`), 'utf8')) as GoldenFile;
}

export function corpusFiles(): string[] {
  return readFileSync(join(CORPUS, 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { file: string }).file.replace(/^models\//, ''));
}

export function corpusPath(file: string): string {
  return join(CORPUS, 'models', file);
}

export function shapedCorpusModel(file: string, batch = 1): ShapedModel {
  return inferShapes(readModelFile(corpusPath(file)), { batch });
}
