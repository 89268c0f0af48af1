// Writes the training-tensor folder of training/README.md from tokenized graphs: the one place where tokens
// become the arrays PyTorch reads (nothing in Python tokenizes). Graphs are added one at a time and their rows go
// straight to disk, so a data set of millions of vertices (the three HELP spaces: 25,625 graphs, ≈ 4.5 M rows,
// 3.5 GB of rows) is never held in memory; only the per-graph values (offsets, static vectors, labels) are.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy, npyData, npyHeader, type NpyArray } from './npy';
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

/** Room for the header of a file whose row count is known only at the end (the natural size of every 2-D shape). */
const STREAMED_HEADER_BYTES = 128;

/** One .npy file of rows appended as they come; the header is rewritten with the final shape on close. */
class RowFile {
  private readonly fd: number;
  rows = 0;

  constructor(path: string, private readonly descr: string, private readonly width: number) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, npyHeader(descr, [0, width], STREAMED_HEADER_BYTES));
  }

  append(data: NpyArray): void {
    if (data.length % this.width !== 0) throw new RangeError(`rows of width ${this.width} cannot hold ${data.length} values`);
    if (data.length > 0) writeSync(this.fd, npyData(data));
    this.rows += data.length / this.width;
  }

  close(): void {
    writeSync(this.fd, npyHeader(this.descr, [this.rows, this.width], STREAMED_HEADER_BYTES), 0, STREAMED_HEADER_BYTES, 0);
    closeSync(this.fd);
  }

  abort(): void {
    closeSync(this.fd);
  }
}

/** The same folder as writeTrainingTensors, one graph at a time: add() each item, then close(). */
export class TrainingTensorWriter {
  private first: Tokens | undefined;
  private features: RowFile | undefined;
  private nnlp: RowFile | undefined;
  private edges: RowFile | undefined;
  private readonly nodeOffsets: number[] = [0];
  private readonly edgeOffsets: number[] = [0];
  private readonly statics: Float32Array[] = [];
  private readonly staticRaws: number[][] = [];
  private readonly ids: string[] = [];
  private readonly families: string[] = [];
  private readonly batches: number[] = [];
  private readonly latencies: Record<string, number>[] = [];
  private closed = false;

  constructor(private readonly dir: string, private readonly dataset: string) {}

  get graphs(): number {
    return this.ids.length;
  }

  /** Graphs with a latency on `platform`. */
  labelled(platform: string): number {
    return this.latencies.filter((l) => l[platform] !== undefined).length;
  }

  add(item: TrainingItem): void {
    const t = item.tokens;
    const first = this.first ?? this.open(t);
    checkSameEncoding(item, first);
    this.features!.append(packRows(t.features, first.featureDim));
    this.nnlp!.append(packRows(t.nnlpFeatures, first.nnlpFeatureDim));
    this.edges!.append(Int32Array.from(t.edges.flat()));
    this.nodeOffsets.push(this.features!.rows);
    this.edgeOffsets.push(this.edges!.rows);
    this.statics.push(t.static);
    this.staticRaws.push(t.staticRaw);
    this.ids.push(item.id);
    this.families.push(item.family);
    this.batches.push(item.batch);
    this.latencies.push(item.latencies);
  }

  /** Finishes the row files and writes the per-graph arrays and meta.json (`platforms`: latency.npy's columns). */
  close(platforms?: string[]): void {
    const first = this.first;
    if (!first) throw new Error('writeTrainingTensors: no items');
    for (const f of [this.features!, this.nnlp!, this.edges!]) f.close();
    this.closed = true;
    const g = this.graphs;
    const columns = platforms ?? [...new Set(this.latencies.flatMap((l) => Object.keys(l)))].sort();
    const latency = new Float32Array(g * columns.length).fill(NaN);
    this.latencies.forEach((l, i) => columns.forEach((p, j) => {
      if (l[p] !== undefined) latency[i * columns.length + j] = l[p];
    }));
    const write = (name: string, data: NpyArray, shape: number[]): void => writeFileSync(join(this.dir, name), encodeNpy(data, shape));
    write('node_offsets.npy', BigInt64Array.from(this.nodeOffsets, BigInt), [g + 1]);
    write('edge_offsets.npy', BigInt64Array.from(this.edgeOffsets, BigInt), [g + 1]);
    write('static.npy', packRows(this.statics, first.static.length), [g, first.static.length]);
    write('static_raw.npy', Float32Array.from(this.staticRaws.flat()), [g, 4]);
    write('latency.npy', latency, [g, columns.length]);
    const meta = {
      dataset: this.dataset,
      mode: first.mode,
      vocabularyVersion: first.vocabularyVersion,
      featureDim: first.featureDim,
      nnlpFeatureDim: first.nnlpFeatureDim,
      ids: this.ids,
      families: this.families,
      batch: this.batches,
      platforms: columns,
    };
    writeFileSync(join(this.dir, 'meta.json'), JSON.stringify(meta, null, 1) + '\n');
  }

  /** Closes the open files without finishing them (the folder is then incomplete: the caller removes it). */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    for (const f of [this.features, this.nnlp, this.edges]) f?.abort();
  }

  private open(t: Tokens): Tokens {
    mkdirSync(this.dir, { recursive: true });
    this.first = t;
    this.features = new RowFile(join(this.dir, 'features.npy'), '<f4', t.featureDim);
    this.nnlp = new RowFile(join(this.dir, 'nnlp_features.npy'), '<f4', t.nnlpFeatureDim);
    this.edges = new RowFile(join(this.dir, 'edges.npy'), '<i4', 2);
    return t;
  }
}

/** One folder holds one tokenizer mode and vocabulary (the rows' meaning and the NNLP row width depend on them). */
function checkSameEncoding(item: TrainingItem, first: Tokens): void {
  const t = item.tokens;
  if (t.mode !== first.mode || t.vocabularyVersion !== first.vocabularyVersion || t.nnlpFeatureDim !== first.nnlpFeatureDim) {
    throw new Error(`writeTrainingTensors: item '${item.id}' is ${t.mode}/${t.vocabularyVersion}, the folder is ${first.mode}/${first.vocabularyVersion}`);
  }
}

function packRows(rows: Float32Array[], width: number): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, i) => out.set(r, i * width));
  return out;
}

/** A whole folder from items in memory (tests, small sets); every item is checked before anything is written. */
export function writeTrainingTensors(dir: string, items: TrainingItem[], info: TrainingFolderInfo): void {
  if (items.length === 0) throw new Error('writeTrainingTensors: no items');
  const first = items[0].tokens;
  for (const item of items) checkSameEncoding(item, first);
  const writer = new TrainingTensorWriter(dir, info.dataset);
  try {
    for (const item of items) writer.add(item);
    writer.close(info.platforms);
  } finally {
    writer.abort();
  }
}
