// `nar-lens inspect FILE... [--batch N] [--dim k=v]... [--json]`: what a model is and what it costs — format,
// opsets, graph size, token coverage, GFLOPs / GMACs / Gparams / memory traffic.
import { basename } from 'node:path';
import { analyzeFile, type Analysis, type AnalyzeOptions } from '../../core/analyze';
import { isModelFileError } from '../../core/formats';
import { describeFusions, TokenizeError } from '../../core/tokenizer';
import { Command, CliIO, UsageError } from '../command';

export interface AnalysisArgs {
  files: string[];
  options: AnalyzeOptions;
  json: boolean;
  /** Flags a command adds on top of the shared ones, by name (value or true). */
  extra: Map<string, string | true>;
}

/** Parses FILE... --batch N --dim k=v --json, plus the command's own `valueFlags` / `booleanFlags`. */
export function parseAnalysisArgs(args: string[], valueFlags: string[] = [], booleanFlags: string[] = []): AnalysisArgs {
  const files: string[] = [];
  const overrides = new Map<string, number>();
  const extra = new Map<string, string | true>();
  let batch: number | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--json') json = true;
    else if (arg === '--batch') {
      const text = value();
      batch = Number(text);
      if (!/^\d+$/.test(text) || batch < 1) throw new UsageError(`--batch must be a positive integer, got '${text}'`);
    } else if (arg === '--dim') {
      const text = value();
      const m = /^([^=]+)=(\d+)$/.exec(text);
      if (!m || Number(m[2]) < 1) throw new UsageError(`--dim takes name=positive-integer, got '${text}'`);
      overrides.set(m[1], Number(m[2]));
    } else if (valueFlags.includes(arg)) extra.set(arg, value());
    else if (booleanFlags.includes(arg)) extra.set(arg, true);
    else if (arg.startsWith('-')) throw new UsageError(`unknown option '${arg}'`);
    else files.push(arg);
  }
  if (files.length === 0) throw new UsageError('no model file given');
  return { files, options: { batch, overrides }, json, extra };
}

/** Expected failures (bad or unsupported input) → one stderr line naming the file; anything else is a bug. */
export function reportFailure(command: string, file: string, err: unknown, io: CliIO): void {
  const isInputError =
    isModelFileError(err) ||
    err instanceof TokenizeError ||
    err instanceof RangeError ||
    (err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string');
  if (!isInputError) throw err;
  const message = (err as Error).message.replace(/\s*\n\s*/g, ' ');
  const named = isModelFileError(err) ? message : `${basename(file)}: ${message}`;
  io.stderr(`nar-lens ${command}: ${named}\n`);
}

function opsetText(opsets: Record<string, number>): string {
  return Object.entries(opsets)
    .map(([domain, v]) => `${domain || 'ai.onnx'} ${v}`)
    .join(', ');
}

function bytesText(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 2)} ${units[u]}`;
}

function giga(v: number): string {
  const g = v / 1e9;
  return g === 0 ? '0' : g >= 0.01 ? g.toFixed(3) : g.toPrecision(3);
}

export function inspectJson(a: Analysis): Record<string, unknown> {
  const t = a.cost.total;
  return {
    file: a.path,
    format: a.model.format,
    irVersion: a.model.irVersion,
    opsets: a.model.opsets,
    producer: a.model.producer,
    producerVersion: a.model.producerVersion,
    nodes: a.nodes,
    vertices: a.vertices,
    edges: a.edges,
    coverage: a.coverage,
    unknownOps: a.unknownOps,
    unknownShapes: a.unknownShapes,
    fusions: a.fusions,
    shapeUnknownOps: a.shapeUnknownOps,
    cost: {
      gflops: t.flops / 1e9,
      gmacs: t.macs / 1e9,
      gparams: t.params / 1e9,
      memoryBytes: t.memory,
      incompleteNodes: a.cost.incomplete,
    },
    timingsMs: a.timings,
  };
}

export function inspectText(a: Analysis): string {
  const t = a.cost.total;
  const unknown = Object.entries(a.unknownOps)
    .sort((x, y) => y[1] - x[1])
    .map(([op, n]) => `${op} ×${n}`)
    .join(', ');
  const pct = a.coverage.total ? ((100 * a.coverage.encoded) / a.coverage.total).toFixed(1) : '100.0';
  const lower = a.cost.incomplete > 0 ? ` (lower bounds: ${a.cost.incomplete} nodes have unknown shapes)` : '';
  const fused = describeFusions(a.fusions);
  const producer = [a.model.producer, a.model.producerVersion].filter(Boolean).join(' ') || 'unknown';
  const rows: [string, string][] = [
    ['format', `${a.model.format} (IR ${a.model.irVersion}), producer ${producer}`],
    ['opsets', opsetText(a.model.opsets) || 'none'],
    ['graph', `${a.nodes} nodes, ${a.vertices} vertices, ${a.edges} edges`],
    ['coverage', `${a.coverage.encoded}/${a.coverage.total} vertices encoded (${pct} %)`],
    ['unknown ops', unknown || 'none'],
    ['unknown shapes', String(a.unknownShapes)],
    ...(fused ? [['fused', fused] as [string, string]] : []),
    ['GFLOPs', giga(t.flops) + lower],
    ['GMACs', giga(t.macs)],
    ['Gparams', giga(t.params)],
    ['memory', bytesText(t.memory)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${basename(a.path)}\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}

export const inspectCommand: Command = {
  name: 'inspect',
  usage: 'nar-lens inspect FILE... [--batch N] [--dim name=value]... [--json]',
  summary: 'format, opsets, graph size, token coverage and costs (GFLOPs, GMACs, Gparams, memory) of ONNX models',
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = parseAnalysisArgs(args);
    const results: Record<string, unknown>[] = [];
    let failed = false;
    for (const file of parsed.files) {
      try {
        const analysis = analyzeFile(file, parsed.options);
        if (parsed.json) results.push(inspectJson(analysis));
        else io.stdout((results.length++ > 0 ? '\n' : '') + inspectText(analysis));
      } catch (err) {
        reportFailure('inspect', file, err, io);
        failed = true;
      }
    }
    if (parsed.json) {
      const out = parsed.files.length === 1 ? results[0] : results;
      if (out !== undefined) io.stdout(JSON.stringify(out, null, 2) + '\n');
    }
    return failed ? 1 : 0;
  },
};
