// Paths and loaders for the committed test fixtures (ONNX corpus, reference goldens, ORT shapes).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FIXTURES = resolve(__dirname, '../../../test/fixtures');
export const CORPUS = join(FIXTURES, 'onnx-corpus', 'models');
export const GOLDEN = join(FIXTURES, 'golden-reference');

export interface Golden {
  file: string;
  ok: boolean;
  names: string[];
  op_types: string[];
  output_shapes: number[][];
  gflops: number;
  gparams: number;
  gmacs: number;
}

export function goldenFiles(): Golden[] {
  return readdirSync(GOLDEN)
    .filter((f) => f.endsWith('.onnx.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(GOLDEN, f), 'utf8')) as Golden)
    .filter((g) => g.ok);
}

export function corpusFiles(): string[] {
  return readdirSync(CORPUS).filter((f) => f.endsWith('.onnx')).sort();
}
