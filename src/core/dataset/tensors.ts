// A data set → the items of training-tensor folders (training/README.md): every sample's graph read from its
// shard, shapes inferred at the graph's own batch, tokenized, and paired with its latency on each requested
// platform, handed on one at a time (the CLI writes each straight to disk). The CLI (`nar-lens dataset tensors`)
// adds progress, the failure threshold and the atomic write.
//
// Batch: one folder holds one batch. The HELP graphs are exported at batch 1 and cannot be re-inferred at 32 or
// 256 (Reshape targets are baked at 1), while their GPU labels exist at batch 1/32/256. So the tokens always come
// from the graph's own (batch-1) shapes, and a folder for batch-B platforms sets meta.batch and the static
// vector's batch entry to B; GFLOPs, Gparams and Gmacs stay the per-graph (batch-1) totals. The model thus learns
// the batch from the static vector alone, as NAR-Former V2 sees it.
import { computeCosts } from '../graph/costs';
import { inferShapes } from '../graph/shapes';
import { readModelBytes } from '../onnx';
import { tokenize, type TokenizerMode, type Tokens, type TrainingItem } from '../tokenizer';
import { staticVector } from '../tokenizer/staticVector';
import { DatasetFormatError } from './jsonl';
import { finalLabels, type Dataset } from './loader';
import type { Sample } from './types';

/** Platforms whose labels share one batch; `batch` undefined: each label is at its sample's (graph's) batch. */
export interface BatchGroup {
  batch: number | undefined;
  platforms: string[];
}

export interface SampleFailure {
  id: string;
  family: string;
  error: string;
}

export interface StreamResult {
  /** The folders' batch groups; the sink's group index points into this list. */
  groups: BatchGroup[];
  /** Samples the pipeline could not read, infer or tokenize: skipped, never silently. */
  failures: SampleFailure[];
  /** Samples attempted (after --limit). */
  attempted: number;
}

export interface BuildOptions {
  mode: TokenizerMode;
  /** Extended mode: keep Identity nodes (TokenizeOptions.keepIdentity). */
  keepIdentity?: boolean;
  /** Requested platform ids in column order. */
  platforms: string[];
  /** Only samples of these families (default: all). */
  families?: string[];
  /** Only the first N samples (in samples.jsonl order, after the family filter). */
  limit?: number;
  /** Called after every sample with (done, total, failures so far). */
  onProgress?: (done: number, total: number, failed: number) => void;
}

const SUFFIX_BATCH = /-bs(\d+)$/;

/**
 * The batch of a platform's labels: dataset.json's `batch`, else the id's `-bsN` suffix, else undefined (the
 * labels are at each sample's own batch, as for cpu-zoo). A `batch` that contradicts the suffix is an error.
 */
export function platformBatch(ds: Dataset, platform: string): number | undefined {
  const info = ds.meta.platforms.find((p) => p.id === platform);
  if (!info) throw new DatasetFormatError(`${ds.dir}: no platform '${platform}' in dataset.json (has: ${ds.meta.platforms.map((p) => p.id).join(', ')})`);
  const suffix = SUFFIX_BATCH.exec(platform);
  const fromSuffix = suffix ? Number(suffix[1]) : undefined;
  if (info.batch !== undefined && fromSuffix !== undefined && info.batch !== fromSuffix) {
    throw new DatasetFormatError(`${ds.dir}/dataset.json: platform '${platform}' says batch ${info.batch}, its id says ${fromSuffix}`);
  }
  return info.batch ?? fromSuffix;
}

/** Splits the requested platforms into one group per batch, keeping the requested order inside each group. */
export function batchGroups(ds: Dataset, platforms: string[]): BatchGroup[] {
  const groups = new Map<number | undefined, string[]>();
  for (const p of platforms) {
    const b = platformBatch(ds, p);
    const list = groups.get(b);
    if (list) list.push(p);
    else groups.set(b, [p]);
  }
  // Folders in batch order (the sample's own batch first): bs1, bs32, bs256, not the ids' string order.
  return [...groups].map(([batch, ps]) => ({ batch, platforms: ps })).sort((a, b) => (a.batch ?? 0) - (b.batch ?? 0));
}

/** Every label's own `batch` must be its platform's (or, for platforms without one, its sample's). */
function checkLabelBatches(ds: Dataset, groups: BatchGroup[], samples: Map<string, Sample>): void {
  const batchOf = new Map<string, number | undefined>();
  for (const g of groups) for (const p of g.platforms) batchOf.set(p, g.batch);
  for (const l of ds.labels) {
    if (l.batch === undefined || !batchOf.has(l.platform)) continue;
    const expected = batchOf.get(l.platform) ?? samples.get(l.id)?.batch;
    if (expected !== undefined && l.batch !== expected) {
      throw new DatasetFormatError(`${ds.dir}: label of '${l.id}' on '${l.platform}' is at batch ${l.batch}, the platform's labels are at batch ${expected}`);
    }
  }
}

/** Read → shapes at the graph's batch → tokens (extended mode: fixed-mode costs for the static vector). */
export function tokenizeSample(ds: Dataset, sample: Sample, mode: TokenizerMode, keepIdentity = false): Tokens {
  const model = readModelBytes(ds.graph(sample), { name: `${sample.id} (shard ${sample.shard} record ${sample.index})` });
  const batch = sample.batch ?? 1;
  const shaped = inferShapes(model, { batch });
  const costs = mode === 'extended' ? computeCosts(shaped, 'fixed') : undefined;
  return tokenize(shaped, { mode, batch, costs, keepIdentity });
}

/** The same tokens with the static vector's batch entry set to `batch` (costs stay the graph's own). */
export function withStaticBatch(tokens: Tokens, batch: number): Tokens {
  if (tokens.staticRaw[0] === batch) return tokens;
  const raw: [number, number, number, number] = [batch, tokens.staticRaw[1], tokens.staticRaw[2], tokens.staticRaw[3]];
  return { ...tokens, staticRaw: raw, static: staticVector(raw) };
}

/**
 * Tokenizes the chosen samples one at a time and hands `sink` one item per batch group (the group's index in
 * the result's `groups`) for every sample that encodes; nothing is kept, so memory does not grow with the set.
 */
export function streamTensorItems(ds: Dataset, options: BuildOptions, sink: (group: number, item: TrainingItem) => void): StreamResult {
  if (options.platforms.length === 0) throw new DatasetFormatError(`${ds.dir}: no platforms requested`);
  const groups = batchGroups(ds, options.platforms);
  const families = options.families;
  const unknown = families?.filter((f) => !ds.meta.families.includes(f)) ?? [];
  if (unknown.length) throw new DatasetFormatError(`${ds.dir}: no family ${unknown.map((f) => `'${f}'`).join(', ')} in dataset.json (has: ${ds.meta.families.join(', ')})`);
  const chosen = families ? ds.samples.filter((s) => families.includes(s.family)) : ds.samples;
  const samples = options.limit === undefined ? chosen : chosen.slice(0, options.limit);
  checkLabelBatches(ds, groups, new Map(ds.samples.map((s) => [s.id, s])));
  const labels = finalLabels(ds.labels);
  const failures: SampleFailure[] = [];
  samples.forEach((sample, i) => {
    let tokens: Tokens | undefined;
    try {
      tokens = tokenizeSample(ds, sample, options.mode, options.keepIdentity);
    } catch (err) {
      // Any error here is this sample's (unreadable record, unsupported graph, reference-mode rejection).
      failures.push({ id: sample.id, family: sample.family, error: err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err) });
    }
    if (tokens) {
      groups.forEach((group, g) => {
        const batch = group.batch ?? sample.batch ?? 1;
        const latencies: Record<string, number> = {};
        for (const p of group.platforms) {
          const ms = labels.get(p)?.get(sample.id);
          if (ms !== undefined) latencies[p] = ms;
        }
        sink(g, { id: sample.id, family: sample.family, batch, tokens: withStaticBatch(tokens, batch), latencies });
      });
    }
    options.onProgress?.(i + 1, samples.length, failures.length);
  });
  return { groups, failures, attempted: samples.length };
}
