// Builds small data sets in test/.tmp from the corpus, in the layout of datasets/README.md.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { joinRecords } from '../../src/core/dataset';

export const CORPUS = 'test/fixtures/onnx-corpus/models';
/** Graph-only (no weight payloads) ResNet-18 published by NNLQP: what our shards hold. */
export const GRAPH_ONLY_RESNET = join(CORPUS, 'nnlqp_resnet18-v1-7-no-weight.onnx');
export const MNIST = join(CORPUS, 'libonnx_mnist_8.onnx');
export const MNIST_TORCH = join(CORPUS, 'onnx2c_test__mnist__pytorch.onnx');
export const SQUEEZENET_LIGHT = join(CORPUS, 'onnx_light__light_squeezenet.onnx');

export interface Entry {
  id: string;
  family: string;
  seed?: number;
  file?: string;
  bytes?: Uint8Array;
}

export function tempDir(prefix: string): string {
  mkdirSync('test/.tmp', { recursive: true });
  return mkdtempSync(join('test/.tmp', prefix));
}

/** Writes dataset.json, one shard per `perShard` entries and samples.jsonl; returns the folder. */
export function writeDataset(dir: string, entries: Entry[], perShard = 2, families?: string[]): string {
  mkdirSync(join(dir, 'graphs'), { recursive: true });
  const fams = families ?? [...new Set(entries.map((e) => e.family))];
  writeFileSync(join(dir, 'dataset.json'), JSON.stringify({
    name: 'test-set', builderVersion: 'test', batchSizes: [1], families: fams,
    platforms: [{ id: 'ort-cpu-x86-1t', description: 'test', wholeNetwork: true, source: 'test' }],
  }));
  const lines: string[] = [];
  for (let s = 0; s * perShard < entries.length; s++) {
    const chunk = entries.slice(s * perShard, (s + 1) * perShard);
    const records = chunk.map((e) => e.bytes ?? new Uint8Array(readFileSync(e.file!)));
    writeFileSync(join(dir, 'graphs', `shard-${String(s).padStart(3, '0')}.bin.gz`), gzipSync(joinRecords(records)));
    chunk.forEach((e, index) => lines.push(JSON.stringify({ id: e.id, family: e.family, seed: e.seed, config: {}, batch: 1, shard: s, index })));
  }
  writeFileSync(join(dir, 'samples.jsonl'), lines.join('\n') + '\n');
  return dir;
}
