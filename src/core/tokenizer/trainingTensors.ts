// Writes the training-tensor folder of training/README.md from tokenized graphs: the one place where tokens
// become the arrays PyTorch reads (nothing in Python tokenizes).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy } from './npy';
import type { Tokens } from './types';

export interface TrainingItem {
  id: string;
  family: string;
  batch: number;
  tokens: Tokens;
  /** Measured latency in ms per platform; a platform missing here is written as NaN (not labelled). */
  latencies: Record<string, number>;
}

export interface TrainingFolderInfo {
  dataset: string;
  /** Platform column order of latency.npy; defaults to the sorted union of the items' platforms. */
  platforms?: string[];
}

export function writeTrainingTensors(dir: string, items: TrainingItem[], info: TrainingFolderInfo): void {
  if (items.length === 0) throw new Error('writeTrainingTensors: no items');
  const first = items[0].tokens;
  for (const item of items) {
    const t = item.tokens;
    if (t.mode !== first.mode || t.vocabularyVersion !== first.vocabularyVersion || t.nnlpFeatureDim !== first.nnlpFeatureDim) {
      throw new Error(`writeTrainingTensors: item '${item.id}' is ${t.mode}/${t.vocabularyVersion}, the folder is ${first.mode}/${first.vocabularyVersion}`);
    }
  }
  const platforms = info.platforms ?? [...new Set(items.flatMap((i) => Object.keys(i.latencies)))].sort();
  const rows = items.reduce((n, i) => n + i.tokens.names.length, 0);
  const edgeCount = items.reduce((n, i) => n + i.tokens.edges.length, 0);
  const F = first.featureDim;
  const NF = first.nnlpFeatureDim;

  const features = new Float32Array(rows * F);
  const nnlp = new Float32Array(rows * NF);
  const nodeOffsets = new BigInt64Array(items.length + 1);
  const edges = new Int32Array(edgeCount * 2);
  const edgeOffsets = new BigInt64Array(items.length + 1);
  const staticVec = new Float32Array(items.length * first.static.length);
  const staticRaw = new Float32Array(items.length * 4);
  const latency = new Float32Array(items.length * platforms.length).fill(NaN);

  let row = 0;
  let edge = 0;
  items.forEach((item, g) => {
    const t = item.tokens;
    nodeOffsets[g] = BigInt(row);
    edgeOffsets[g] = BigInt(edge);
    t.features.forEach((r, i) => features.set(r, (row + i) * F));
    t.nnlpFeatures.forEach((r, i) => nnlp.set(r, (row + i) * NF));
    t.edges.forEach(([a, b], i) => {
      edges[(edge + i) * 2] = a;
      edges[(edge + i) * 2 + 1] = b;
    });
    staticVec.set(t.static, g * t.static.length);
    staticRaw.set(t.staticRaw, g * 4);
    platforms.forEach((p, j) => {
      const ms = item.latencies[p];
      if (ms !== undefined) latency[g * platforms.length + j] = ms;
    });
    row += t.names.length;
    edge += t.edges.length;
  });
  nodeOffsets[items.length] = BigInt(row);
  edgeOffsets[items.length] = BigInt(edge);

  mkdirSync(dir, { recursive: true });
  const write = (name: string, data: Parameters<typeof encodeNpy>[0], shape: number[]): void =>
    writeFileSync(join(dir, name), encodeNpy(data, shape));
  write('features.npy', features, [rows, F]);
  write('nnlp_features.npy', nnlp, [rows, NF]);
  write('node_offsets.npy', nodeOffsets, [items.length + 1]);
  write('edges.npy', edges, [edgeCount, 2]);
  write('edge_offsets.npy', edgeOffsets, [items.length + 1]);
  write('static.npy', staticVec, [items.length, first.static.length]);
  write('static_raw.npy', staticRaw, [items.length, 4]);
  write('latency.npy', latency, [items.length, platforms.length]);
  const meta = {
    dataset: info.dataset,
    mode: first.mode,
    vocabularyVersion: first.vocabularyVersion,
    featureDim: F,
    nnlpFeatureDim: NF,
    ids: items.map((i) => i.id),
    families: items.map((i) => i.family),
    batch: items.map((i) => i.batch),
    platforms,
  };
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta, null, 1) + '\n');
}
