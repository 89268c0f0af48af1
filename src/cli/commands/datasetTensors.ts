// `nar-lens dataset tensors`: a data set → training-tensor folders (training/README.md), one per label batch.
// The pure part is src/core/dataset/tensors.ts; this file adds defaults, progress with ETA, the failure
// threshold and the atomic write: every graph is written as it is tokenized into a staging folder beside the
// target, renamed into place only when the whole build passed (a half-written folder is never left where
// training looks, and memory does not grow with the data set).
import { createHash } from 'node:crypto';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliIO, UsageError } from '../command';
import { DatasetFormatError, openDataset, type Dataset } from '../../core/dataset';
import { batchGroups, streamTensorItems, type BatchGroup, type BuildOptions, type SampleFailure } from '../../core/dataset/tensors';
import { TrainingTensorWriter, type TokenizerMode, type TrainingItem } from '../../core/tokenizer';

export interface TensorsArgs {
  /** One data set folder, or several whose samples go into the same folders (e.g. the three HELP spaces, for
   * cross-space training): platforms absent from a data set leave its samples unlabelled on them. */
  dirs: string[];
  mode?: string;
  /** 'all' (default) or comma-separated platform ids, in the column order wanted. */
  platforms?: string;
  out?: string;
  limit?: number;
  /** Comma-separated families to keep (e.g. those reference mode can encode). */
  families?: string;
  /** Keep Identity nodes (the zoo studies' tokens before the runtime's Identity removal, reproduce.sh). */
  keepIdentity?: boolean;
}

/** More failures than this share of the attempted samples fail the command (nothing is written). */
export const MAX_FAILURE_SHARE = 0.01;
/** Failures shown on stderr (build.json keeps every one). */
const SHOWN_FAILURES = 5;
const PROGRESS_EVERY_MS = 2000;
export const DEFAULT_TENSOR_ROOT = join('training', '.cache', 'tensors');

/** The folder-name tag of an explicit platform (or family) list: the names when short, else their count and a hash. */
export function listTag(names: string[], letter = 'p'): string {
  const joined = names.join('+');
  if (joined.length <= 60) return joined;
  return `${names.length}${letter}-${createHash('sha1').update(names.join(',')).digest('hex').slice(0, 8)}`;
}

/** Where each batch group goes: `base` when there is one group, else `base-bs<N>` per group. */
export function groupFolders(base: string, groups: BatchGroup[]): string[] {
  if (groups.length === 1) return [base];
  return groups.map((group) => `${base}-${group.batch === undefined ? 'graphbatch' : `bs${group.batch}`}`);
}

/** The sibling folder a build writes into before it replaces `out`. */
function stagingFolder(out: string): string {
  return join(dirname(out), `.${basename(out)}.tmp-${process.pid}`);
}

/** Renames the finished staging folder into place, replacing an older folder. */
function replaceFolder(staging: string, out: string): void {
  const old = join(dirname(out), `.${basename(out)}.old-${process.pid}`);
  try {
    if (existsSync(out)) renameSync(out, old);
    renameSync(staging, out);
  } finally {
    rmSync(old, { recursive: true, force: true });
  }
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function progressReporter(io: CliIO): (done: number, total: number, failed: number) => void {
  const start = performance.now();
  let last = start;
  return (done, total, failed) => {
    const now = performance.now();
    if (done < total && now - last < PROGRESS_EVERY_MS) return;
    last = now;
    const perGraph = (now - start) / done;
    const tail = done < total ? `ETA ${clock(((total - done) * perGraph) / 1000)}` : `done in ${clock((now - start) / 1000)}`;
    io.stderr(`dataset tensors: ${done}/${total} graphs (${((100 * done) / total).toFixed(1)}%), ` +
      `${perGraph.toFixed(2)} ms/graph, ${tail}, ${failed} failed\n`);
  };
}

function reportFailures(result: { failures: SampleFailure[]; attempted: number }, io: CliIO): void {
  const { failures, attempted } = result;
  if (failures.length === 0) return;
  io.stderr(`dataset tensors: ${failures.length} of ${attempted} samples could not be read or encoded and are skipped ` +
    `(${((100 * failures.length) / attempted).toFixed(2)}%, limit ${MAX_FAILURE_SHARE * 100}%):\n`);
  const byFamily = new Map<string, number>();
  for (const f of failures) byFamily.set(f.family, (byFamily.get(f.family) ?? 0) + 1);
  io.stderr(`  by family: ${[...byFamily].map(([family, n]) => `${family} ${n}`).join(', ')}\n`);
  for (const f of failures.slice(0, SHOWN_FAILURES)) io.stderr(`  ${f.id}: ${f.error}\n`);
  if (failures.length > SHOWN_FAILURES) io.stderr(`  … and ${failures.length - SHOWN_FAILURES} more\n`);
}

/** The platforms asked for ('all': every platform of any of the data sets, in first-seen order). */
function requestedPlatforms(sets: Dataset[], platforms: string | undefined): string[] {
  if (platforms !== undefined && platforms !== 'all') {
    const list = platforms.split(',').filter(Boolean);
    if (list.length === 0) throw new UsageError(`--platforms needs 'all' or platform ids, got '${platforms}'`);
    return list;
  }
  return [...new Set(sets.flatMap((ds) => ds.meta.platforms.map((p) => p.id)))];
}

/** Merged data sets: every platform and family asked for is somewhere, and no family name is in two of them. */
function checkMergeable(sets: Dataset[], platforms: string[], families: string[] | undefined): void {
  const missing = platforms.filter((p) => !sets.some((ds) => ds.meta.platforms.some((q) => q.id === p)));
  if (missing.length) throw new DatasetFormatError(`no data set has platform ${missing.map((p) => `'${p}'`).join(', ')}`);
  const owner = new Map<string, string>();
  for (const ds of sets) {
    for (const f of ds.meta.families) {
      const other = owner.get(f);
      if (other !== undefined) throw new DatasetFormatError(`${ds.meta.name} and ${other} both have a family '${f}'; they cannot share one tensor folder`);
      owner.set(f, ds.meta.name);
    }
  }
  const unknown = families?.filter((f) => !owner.has(f)) ?? [];
  if (unknown.length) throw new DatasetFormatError(`no data set has family ${unknown.map((f) => `'${f}'`).join(', ')}`);
}

interface MergedPlan {
  /** One folder per label batch, in batch order; platforms in the order asked. */
  groups: BatchGroup[];
  /** Per data set: the platforms and families it contributes, and its own groups' indices into `groups`. */
  parts: { ds: Dataset; platforms: string[]; families: string[] | undefined; toMerged: number[] }[];
}

/**
 * Which data set feeds which folder: every data set contributes the requested platforms it has, its samples go
 * into the folder of each of its label batches. Merged data sets must not share family names (a family is a
 * split unit in training).
 */
function planMerged(sets: Dataset[], platforms: string[], families: string[] | undefined): MergedPlan {
  // One data set takes the lists as asked: its own checks name what it lacks (platformBatch, streamTensorItems).
  const single = sets.length === 1;
  if (!single) checkMergeable(sets, platforms, families);
  const byBatch = new Map<number | undefined, Set<string>>();
  const contributing = sets.flatMap((ds) => {
    const own = single ? platforms : platforms.filter((p) => ds.meta.platforms.some((q) => q.id === p));
    const fams = single ? families : families?.filter((f) => ds.meta.families.includes(f));
    if (own.length === 0 || fams?.length === 0) return [];
    const groups = batchGroups(ds, own);
    for (const g of groups) {
      const set = byBatch.get(g.batch) ?? new Set<string>();
      g.platforms.forEach((p) => set.add(p));
      byBatch.set(g.batch, set);
    }
    return [{ ds, platforms: own, families: fams, groups }];
  });
  // Folders in batch order (the sample's own batch first), as batchGroups orders one data set's.
  const merged = [...byBatch].map(([batch, ps]) => ({ batch, platforms: platforms.filter((p) => ps.has(p)) }))
    .sort((a, b) => (a.batch ?? 0) - (b.batch ?? 0));
  const parts = contributing.map(({ groups, ...rest }) => ({ ...rest, toMerged: groups.map((g) => merged.findIndex((m) => m.batch === g.batch)) }));
  return { groups: merged, parts };
}

/** Streams every contributing data set's items into the merged folders' sink; sample ids must be unique. */
function streamMerged(plan: MergedPlan, options: Omit<BuildOptions, 'platforms' | 'families'>,
  sink: (group: number, item: TrainingItem) => void): { failures: SampleFailure[]; attempted: number } {
  const seen = plan.groups.map(() => new Set<string>());
  const failures: SampleFailure[] = [];
  let attempted = 0;
  for (const part of plan.parts) {
    const result = streamTensorItems(part.ds, { ...options, platforms: part.platforms, families: part.families }, (g, item) => {
      const merged = part.toMerged[g];
      if (seen[merged].has(item.id)) throw new DatasetFormatError(`sample id '${item.id}' occurs in more than one data set`);
      seen[merged].add(item.id);
      sink(merged, item);
    });
    attempted += result.attempted;
    for (const f of result.failures) failures.push(f); // not push(...): a data set can fail by the thousand
  }
  return { failures, attempted };
}

export async function datasetTensors(args: TensorsArgs, io: CliIO): Promise<number> {
  const mode = args.mode ?? 'extended';
  const keepIdentity = args.keepIdentity ?? false;
  if (mode !== 'extended' && mode !== 'reference') throw new UsageError(`--mode is 'extended' or 'reference', got '${mode}'`);
  if (args.dirs.length === 0) throw new UsageError('--dataset needs at least one data set name');
  const sets: Dataset[] = [];
  try {
    for (const dir of args.dirs) sets.push(openDataset(dir));
  } catch (err) {
    if (err instanceof DatasetFormatError) {
      io.stderr(`nar-lens dataset tensors: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  for (const ds of sets) for (const w of ds.warnings) io.stderr(`dataset tensors: warning: ${w}\n`);
  const all = args.platforms === undefined || args.platforms === 'all';
  const platforms = requestedPlatforms(sets, args.platforms);
  const families = args.families?.split(',').filter(Boolean);
  if (families?.length === 0) throw new UsageError(`--families needs family names, got '${args.families}'`);
  const name = sets.map((ds) => ds.meta.name).join('+');
  const started = performance.now();
  let plan: MergedPlan;
  try {
    plan = planMerged(sets, platforms, families);
  } catch (err) {
    if (err instanceof DatasetFormatError) {
      io.stderr(`nar-lens dataset tensors: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const tags = [name, mode, ...(all ? [] : [listTag(platforms)]), ...(families ? [`fam-${listTag(families, 'f')}`] : [])];
  const folders = groupFolders(args.out ?? join(DEFAULT_TENSOR_ROOT, tags.join('-')), plan.groups);
  const staging = folders.map(stagingFolder);
  const writers = staging.map((dir) => new TrainingTensorWriter(dir, name));
  let written: { dir: string; batch: number | null; platforms: string[]; graphs: number; labelled: Record<string, number> }[];
  let result: { failures: SampleFailure[]; attempted: number };
  let buildSeconds: number;
  try {
    for (const dir of staging) rmSync(dir, { recursive: true, force: true });
    try {
      result = streamMerged(plan, { mode: mode as TokenizerMode, keepIdentity, limit: args.limit, onProgress: progressReporter(io) },
        (group, item) => writers[group].add(item));
    } catch (err) {
      if (err instanceof DatasetFormatError) {
        io.stderr(`nar-lens dataset tensors: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
    buildSeconds = (performance.now() - started) / 1000;
    reportFailures(result, io);
    const { failures, attempted } = result;
    if (attempted === 0 || failures.length > MAX_FAILURE_SHARE * attempted || writers.some((w) => w.graphs === 0)) {
      io.stderr(`nar-lens dataset tensors: ${failures.length} of ${attempted} samples failed (more than ` +
        `${MAX_FAILURE_SHARE * 100}% or none left); nothing written\n`);
      return 1;
    }
    written = plan.groups.map((group, i) => {
      const labelled = Object.fromEntries(group.platforms.map((p) => [p, writers[i].labelled(p)]));
      writers[i].close(group.platforms);
      // Provenance beside the contract's files (the reader ignores it): what was asked, what was skipped and why.
      const build = {
        dataset: name, datasetDirs: sets.map((ds) => ds.dir), mode, keepIdentity, platforms: group.platforms,
        labelBatch: group.batch ?? 'sample', graphs: writers[i].graphs, labelled, attempted,
        families: families ?? 'all', limit: args.limit ?? null, failures, builtAt: new Date().toISOString(),
      };
      writeFileSync(join(staging[i], 'build.json'), JSON.stringify(build, null, 1) + '\n');
      replaceFolder(staging[i], folders[i]);
      return { dir: folders[i], batch: group.batch ?? null, platforms: group.platforms, graphs: writers[i].graphs, labelled };
    });
  } finally {
    for (const w of writers) w.abort();
    for (const dir of staging) rmSync(dir, { recursive: true, force: true });
  }
  const { failures, attempted } = result;
  const totalSeconds = (performance.now() - started) / 1000;
  for (const w of written) {
    io.stderr(`dataset tensors: wrote ${w.dir} (${w.graphs} graphs, batch ${w.batch ?? 'of each sample'}, ` +
      `${w.platforms.length} platform${w.platforms.length === 1 ? '' : 's'})\n`);
  }
  io.stdout(JSON.stringify({
    dataset: name, mode, attempted, failed: failures.length, failures: failures.slice(0, SHOWN_FAILURES),
    folders: written, seconds: { tokenize: Number(buildSeconds.toFixed(2)), total: Number(totalSeconds.toFixed(2)) },
  }) + '\n');
  return 0;
}
