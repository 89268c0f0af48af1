// `nar-lens dataset stats|label|noise|tensors`: the data sets under datasets/ (layout in datasets/README.md).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CliIO, Command, UsageError } from '../command';
import { datasetStats, DatasetFormatError, listDatasetDirs, noiseFloor, openDataset } from '../../core/dataset';
import { CPU_PLATFORM, runLabelling } from '../../server/measure/labeller';
import { MeasureError } from '../../server/measure/session';
import { MaterializeError } from '../../server/measure/materialize';
import { datasetTensors } from './datasetTensors';

const USAGE = 'dataset stats [--json] [--root DIR] | dataset label --dataset NAME --pass N [--block 50] [--limit N] ' +
  '[--subset all|noise] [--families a,b] [--canary FILE] [--follow MINUTES] [--root DIR] | dataset noise --dataset NAME [--passes A,B] [--json] | ' +
  'dataset tensors --dataset NAME[,NAME…] [--mode extended|reference] [--platforms a,b|all] [--families a,b] [--out DIR] [--limit N] [--root DIR] [--keep-identity]';

/** --name value pairs and bare --flags; anything else is a usage error. */
function parseFlags(args: string[], valued: string[], bare: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const name = a.replace(/^--/, '');
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument '${a}'`);
    if (bare.includes(name)) out.set(name, 'true');
    else if (valued.includes(name)) {
      if (i + 1 >= args.length) throw new UsageError(`${a} needs a value`);
      out.set(name, args[++i]);
    } else throw new UsageError(`unknown option '${a}'`);
  }
  return out;
}

function positiveInt(flags: Map<string, string>, name: string): number | undefined {
  const v = flags.get(name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--${name} needs a positive integer, got '${v}'`);
  return Number(v);
}

function datasetDir(flags: Map<string, string>): string {
  const name = flags.get('dataset');
  if (!name) throw new UsageError('--dataset NAME is required');
  return join(flags.get('root') ?? 'datasets', name);
}

function stats(args: string[], io: CliIO): number {
  const flags = parseFlags(args, ['root'], ['json']);
  const root = flags.get('root') ?? 'datasets';
  const all = listDatasetDirs(root).map((dir) => {
    try {
      return datasetStats(openDataset(dir));
    } catch (err) {
      if (err instanceof DatasetFormatError) return { name: dir, error: err.message };
      throw err;
    }
  });
  if (flags.has('json')) {
    io.stdout(JSON.stringify({ datasets: all }) + '\n');
  } else {
    for (const s of all) {
      if ('error' in s) {
        io.stdout(`${s.name}: unreadable: ${s.error}\n`);
        continue;
      }
      const labelled = Object.entries(s.platforms).filter(([, n]) => n > 0);
      io.stdout(`${s.name}: ${s.graphs} graphs, ${Object.keys(s.platforms).length} platforms (${labelled.length} labelled)\n`);
      for (const [p, n] of labelled) io.stdout(`  ${p}: ${n} labelled${s.passes?.[p] ? `, passes ${s.passes[p].join(', ')}` : ''}\n`);
      io.stdout(`  families: ${Object.entries(s.families).map(([f, n]) => `${f} ${n}`).join(', ')}\n`);
      for (const w of s.warnings ?? []) io.stdout(`  warning: ${w}\n`);
    }
  }
  return all.some((s) => 'error' in s) ? 1 : 0;
}

async function label(args: string[], io: CliIO): Promise<number> {
  const flags = parseFlags(args, ['dataset', 'root', 'pass', 'block', 'limit', 'subset', 'families', 'canary', 'platform', 'follow'], []);
  const dir = datasetDir(flags);
  const pass = positiveInt(flags, 'pass');
  if (pass === undefined) throw new UsageError('--pass N is required (1 for the first pass, 2 for the second, ...)');
  const subset = flags.get('subset') ?? 'all';
  if (subset !== 'all' && subset !== 'noise') throw new UsageError(`--subset is 'all' or 'noise', got '${subset}'`);
  if (!existsSync(join(dir, 'dataset.json'))) {
    io.stderr(`nar-lens dataset label: ${dir}: no dataset.json\n`);
    return 1;
  }
  let stop = false;
  const onSignal = () => {
    if (stop) process.exit(130);
    stop = true;
    io.stderr('label: stopping after the block in progress (signal again to stop now)\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await runLabelling({
      datasetDir: dir,
      pass,
      platform: flags.get('platform') ?? CPU_PLATFORM,
      canaryPath: flags.get('canary'),
      blockSize: positiveInt(flags, 'block'),
      limit: positiveInt(flags, 'limit'),
      subset,
      families: flags.get('families')?.split(','),
      followMinutes: positiveInt(flags, 'follow'),
      log: (line) => io.stderr(line + '\n'),
      shouldStop: () => stop,
    });
    io.stdout(JSON.stringify(result) + '\n');
    return result.failed > 0 ? 1 : 0;
  } catch (err) {
    if (err instanceof DatasetFormatError || err instanceof MeasureError || err instanceof MaterializeError) {
      io.stderr(`nar-lens dataset label: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function noise(args: string[], io: CliIO): number {
  const flags = parseFlags(args, ['dataset', 'root', 'passes', 'platform'], ['json']);
  const dir = datasetDir(flags);
  const passes = (flags.get('passes') ?? '1,2').split(',').map(Number);
  if (passes.length !== 2 || passes.some((p) => !Number.isInteger(p) || p < 1)) {
    throw new UsageError(`--passes needs two pass numbers like 1,2, got '${flags.get('passes')}'`);
  }
  let ds;
  try {
    ds = openDataset(dir);
  } catch (err) {
    if (err instanceof DatasetFormatError) {
      io.stderr(`nar-lens dataset noise: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const report = noiseFloor(ds, flags.get('platform') ?? CPU_PLATFORM, passes[0], passes[1]);
  if (flags.has('json')) io.stdout(JSON.stringify(report) + '\n');
  else {
    const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
    io.stdout(`${ds.meta.name} ${report.platform}, passes ${passes.join(' vs ')}: ${report.compared}/${report.subset} ` +
      `of the noise subset in both; disagreement median ${pct(report.medianDisagreement)}, ` +
      `p90 ${pct(report.p90Disagreement)}, max ${pct(report.maxDisagreement)}; ` +
      `pass ${passes[0]} as a predictor of pass ${passes[1]}: MAPE ${pct(report.passMape)}\n`);
  }
  return report.compared > 0 ? 0 : 1;
}

function tensors(args: string[], io: CliIO): Promise<number> {
  const flags = parseFlags(args, ['dataset', 'root', 'mode', 'platforms', 'families', 'out', 'limit'], ['keep-identity']);
  const root = flags.get('root') ?? 'datasets';
  const names = (flags.get('dataset') ?? '').split(',').filter(Boolean);
  if (names.length === 0) throw new UsageError('--dataset NAME[,NAME…] is required');
  return datasetTensors({ dirs: names.map((n) => join(root, n)), mode: flags.get('mode'), platforms: flags.get('platforms'),
    families: flags.get('families'), out: flags.get('out'), limit: positiveInt(flags, 'limit'), keepIdentity: flags.has('keep-identity') }, io);
}

export const datasetCommand: Command = {
  name: 'dataset',
  usage: USAGE,
  summary: 'Data sets under datasets/: counts per platform and family, CPU latency labelling, noise floor, training tensors.',
  async run(args: string[], io: CliIO): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === 'stats') return stats(rest, io);
    if (sub === 'label') return label(rest, io);
    if (sub === 'noise') return noise(rest, io);
    if (sub === 'tensors') return tensors(rest, io);
    throw new UsageError(sub ? `unknown sub-command '${sub}'` : 'a sub-command is required');
  },
};
