// The one loader for every data set under datasets/: metadata, samples, labels and graph bytes.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetFormatError, readJsonl } from './jsonl';
import { ShardReader } from './shards';
import { DatasetMeta, Label, Sample } from './types';

export const LABEL_FILES = ['labels.jsonl', 'labels.jsonl.gz'];

export interface Dataset {
  dir: string;
  meta: DatasetMeta;
  samples: Sample[];
  /** Every label row of labels.jsonl and labels.jsonl.gz (several rows per (id, platform) when re-measured). */
  labels: Label[];
  /** Problems that did not stop loading (an interrupted append's cut-off last line). */
  warnings: string[];
  graph(sample: Sample): Uint8Array;
}

function readMeta(dir: string): DatasetMeta {
  const path = join(dir, 'dataset.json');
  if (!existsSync(path)) throw new DatasetFormatError(`${dir}: no dataset.json (not a data set folder)`);
  let meta: DatasetMeta;
  try {
    meta = JSON.parse(readFileSync(path, 'utf8')) as DatasetMeta;
  } catch (err) {
    throw new DatasetFormatError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof meta.name !== 'string' || !Array.isArray(meta.platforms) || !Array.isArray(meta.families)) {
    throw new DatasetFormatError(`${path}: needs "name", "families" [] and "platforms" []`);
  }
  return meta;
}

function checkSample(s: Sample, path: string, line: number): void {
  const ok = typeof s.id === 'string' && typeof s.family === 'string' && Number.isInteger(s.index) &&
    (Number.isInteger(s.shard) || typeof s.shard === 'string');
  if (!ok) throw new DatasetFormatError(`${path}: sample ${line} needs id, family, shard and index`);
}

function checkLabel(l: Label, path: string, line: number): void {
  if (typeof l.id !== 'string' || typeof l.platform !== 'string' || !(typeof l.latencyMs === 'number' && l.latencyMs > 0)) {
    throw new DatasetFormatError(`${path}: label ${line} needs id, platform and a positive latencyMs`);
  }
}

/** Reads a data set folder; throws DatasetFormatError with file and line for malformed content. */
export function openDataset(dir: string): Dataset {
  const meta = readMeta(dir);
  const warnings: string[] = [];
  const samplesPath = join(dir, 'samples.jsonl');
  const samples = readJsonl<Sample>(samplesPath);
  if (samples.truncatedTail !== undefined) warnings.push(`${samplesPath}: last line cut off (ignored)`);
  samples.rows.forEach((s, i) => checkSample(s, samplesPath, i + 1));
  const labels: Label[] = [];
  for (const file of LABEL_FILES) {
    const path = join(dir, file);
    const read = readJsonl<Label>(path);
    if (read.truncatedTail !== undefined) warnings.push(`${path}: last line cut off (ignored)`);
    read.rows.forEach((l, i) => checkLabel(l, path, i + 1));
    for (const row of read.rows) labels.push(row); // not push(...rows): 100k+ arguments overflow the stack
  }
  const shards = new ShardReader(join(dir, 'graphs'));
  return { dir, meta, samples: samples.rows, labels, warnings, graph: (s) => shards.graph(s.shard, s.index) };
}

/** Every folder under `root` that holds a dataset.json, sorted by name. */
export function listDatasetDirs(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((name) => join(root, name))
    .filter((p) => statSync(p).isDirectory() && existsSync(join(p, 'dataset.json')))
    .sort();
}

/**
 * The label of each (platform, sample): the lowest of its rows. Our protocol measures every model in two or more
 * passes and keeps the lower value (slow-downs only ever add time); imported data sets have one row each.
 */
export function finalLabels(labels: Label[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const l of labels) {
    let perId = out.get(l.platform);
    if (!perId) out.set(l.platform, (perId = new Map()));
    const prev = perId.get(l.id);
    if (prev === undefined || l.latencyMs < prev) perId.set(l.id, l.latencyMs);
  }
  return out;
}
