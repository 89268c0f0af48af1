// `nar-lens dataset tensors`: a data set → training-tensor folders (training/README.md), one per label batch.
// The pure part is src/core/dataset/tensors.ts; this file adds defaults, progress with ETA, the failure
// threshold and the atomic write (a half-written folder is never left where training looks).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliIO, UsageError } from '../command';
import { DatasetFormatError, openDataset, type Dataset } from '../../core/dataset';
import { buildTensorItems, type BuildOptions, type BuildResult, type TensorItems } from '../../core/dataset/tensors';
import { writeTrainingTensors, type TokenizerMode } from '../../core/tokenizer';

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
export function groupFolders(base: string, groups: TensorItems[]): string[] {
  if (groups.length === 1) return [base];
  return groups.map(({ group }) => `${base}-${group.batch === undefined ? 'graphbatch' : `bs${group.batch}`}`);
}

/** Writes into a sibling temporary folder, then renames it into place (replacing an older folder). */
export function writeFolderAtomically(out: string, write: (tmp: string) => void): void {
  mkdirSync(dirname(out), { recursive: true });
  const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}`);
  const old = join(dirname(out), `.${basename(out)}.old-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    write(tmp);
    if (existsSync(out)) renameSync(out, old);
    renameSync(tmp, out);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
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

function reportFailures(result: BuildResult, io: CliIO): void {
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

/**
 * Builds every data set's items for the platforms it has among those requested, then merges them per label
 * batch. Merged data sets must not share family names or sample ids (a family is a split unit in training).
 */
function buildMerged(sets: Dataset[], platforms: string[], options: Omit<BuildOptions, 'platforms'>): BuildResult {
  if (sets.length === 1) return buildTensorItems(sets[0], { ...options, platforms });
  const missing = platforms.filter((p) => !sets.some((ds) => ds.meta.platforms.some((q) => q.id === p)));
  if (missing.length) throw new DatasetFormatError(`no data set has platform ${missing.map((p) => `'${p}'`).join(', ')}`);
  const families = new Map<string, string>();
  for (const ds of sets) {
    for (const f of ds.meta.families) {
      const other = families.get(f);
      if (other !== undefined) throw new DatasetFormatError(`${ds.meta.name} and ${other} both have a family '${f}'; they cannot share one tensor folder`);
      families.set(f, ds.meta.name);
    }
  }
  const unknown = options.families?.filter((f) => !families.has(f)) ?? [];
  if (unknown.length) throw new DatasetFormatError(`no data set has family ${unknown.map((f) => `'${f}'`).join(', ')}`);
  const groups = new Map<string, TensorItems>();
  const failures: BuildResult['failures'] = [];
  const ids = new Set<string>();
  let attempted = 0;
  for (const ds of sets) {
    const own = platforms.filter((p) => ds.meta.platforms.some((q) => q.id === p));
    const fams = options.families?.filter((f) => ds.meta.families.includes(f));
    if (own.length === 0 || fams?.length === 0) continue;
    const result = buildTensorItems(ds, { ...options, platforms: own, families: fams });
    attempted += result.attempted;
    for (const f of result.failures) failures.push(f); // not push(...): a data set can fail by the thousand
    for (const { group, items } of result.groups) {
      const key = String(group.batch);
      let merged = groups.get(key);
      if (!merged) {
        merged = { group: { batch: group.batch, platforms: [] }, items: [] };
        groups.set(key, merged);
      }
      for (const item of items) {
        if (ids.has(item.id)) throw new DatasetFormatError(`sample id '${item.id}' occurs in more than one data set`);
        ids.add(item.id);
        merged.items.push(item);
      }
      merged.group.platforms.push(...group.platforms.filter((p) => !merged.group.platforms.includes(p)));
    }
  }
  // Platforms in the order asked, folders in batch order (as buildTensorItems orders them).
  const out = [...groups.values()].sort((a, b) => (a.group.batch ?? 0) - (b.group.batch ?? 0));
  for (const g of out) g.group.platforms = platforms.filter((p) => g.group.platforms.includes(p));
  return { groups: out, failures, attempted };
}

export async function datasetTensors(args: TensorsArgs, io: CliIO): Promise<number> {
  const mode = args.mode ?? 'extended';
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
  let result: BuildResult;
  try {
    result = buildMerged(sets, platforms, { mode: mode as TokenizerMode, families, limit: args.limit, onProgress: progressReporter(io) });
  } catch (err) {
    if (err instanceof DatasetFormatError) {
      io.stderr(`nar-lens dataset tensors: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const buildSeconds = (performance.now() - started) / 1000;
  reportFailures(result, io);
  const { failures, attempted } = result;
  if (attempted === 0 || failures.length > MAX_FAILURE_SHARE * attempted || result.groups[0].items.length === 0) {
    io.stderr(`nar-lens dataset tensors: ${failures.length} of ${attempted} samples failed (more than ` +
      `${MAX_FAILURE_SHARE * 100}% or none left); nothing written\n`);
    return 1;
  }

  const tags = [name, mode, ...(all ? [] : [listTag(platforms)]), ...(families ? [`fam-${listTag(families, 'f')}`] : [])];
  const base = args.out ?? join(DEFAULT_TENSOR_ROOT, tags.join('-'));
  const folders = groupFolders(base, result.groups);
  const written = result.groups.map(({ group, items }, i) => {
    const labelled = Object.fromEntries(group.platforms.map((p) => [p, items.filter((it) => it.latencies[p] !== undefined).length]));
    writeFolderAtomically(folders[i], (tmp) => {
      writeTrainingTensors(tmp, items, { dataset: name, platforms: group.platforms });
      // Provenance beside the contract's files (the reader ignores it): what was asked, what was skipped and why.
      const build = {
        dataset: name, datasetDirs: sets.map((ds) => ds.dir), mode, platforms: group.platforms,
        labelBatch: group.batch ?? 'sample', graphs: items.length, labelled, attempted,
        families: families ?? 'all', limit: args.limit ?? null, failures, builtAt: new Date().toISOString(),
      };
      writeFileSync(join(tmp, 'build.json'), JSON.stringify(build, null, 1) + '\n');
    });
    return { dir: folders[i], batch: group.batch ?? null, platforms: group.platforms, graphs: items.length, labelled };
  });
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
