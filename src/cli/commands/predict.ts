// `nar-lens predict FILE... [--platform ID] [--batch N] [--dim k=v]... [--json] [--models DIR] [--ep LIST]`:
// predicted latency of each model on each installed platform, with its calibrated interval, token coverage and
// out-of-distribution flag. The same predictor runtime as the extension's server (src/server/predictor.ts).
import { basename } from 'node:path';
import { analyzeFile } from '../../core/analyze';
import type { Estimate, PredictorEntry } from '../../core/predict';
import type { Tokens, TokenizerMode } from '../../core/tokenizer';
import { Predictor } from '../../server/predictor';
import { Command, CliIO, UsageError } from '../command';
import { loadInstalled, modelsDir } from '../installedPredictors';
import { parseAnalysisArgs, reportFailure } from './inspect';

interface Row {
  file: string;
  platform: string;
  predictor: string;
  latencyMs: number;
  interval: [number, number];
  coverage: { encoded: number; total: number };
  ood: boolean;
  oodReasons: string[];
}

const toRow = (file: string, e: Estimate): Row => ({
  file,
  platform: e.platform,
  predictor: e.predictor,
  latencyMs: e.latencyMs,
  interval: e.interval,
  coverage: e.coverage,
  ood: e.outOfDistribution,
  oodReasons: e.oodReasons,
});

/** Milliseconds with about three significant digits (0.0123, 1.23, 12.3, 123). */
export function ms(v: number): string {
  if (v === 0) return '0';
  if (v < 0.01) return v.toPrecision(2);
  return v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2);
}

function table(rows: Row[], entries: PredictorEntry[]): string {
  const coverageOf = new Map(entries.map((e) => [e.id, e.intervalCoverage]));
  const cells = rows.map((r) => {
    const level = coverageOf.get(r.predictor);
    const unknown = r.coverage.total - r.coverage.encoded;
    return [
      basename(r.file),
      r.platform,
      `${ms(r.latencyMs)} ms`,
      `${ms(r.interval[0])}–${ms(r.interval[1])} ms${level !== undefined ? ` (${Math.round(level * 100)} %)` : ''}`,
      `${r.coverage.encoded}/${r.coverage.total}${unknown > 0 ? ` (${unknown} unknown)` : ''}`,
      r.ood ? 'OUT OF DISTRIBUTION' : 'in distribution',
    ];
  });
  const header = ['file', 'platform', 'latency', 'interval', 'coverage', 'distribution'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  // Latency is right-aligned so that the digits line up; the rest read left to right.
  const line = (c: string[]) => c.map((v, i) => (i === 2 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  // Why each out-of-distribution row is one, under the table.
  const why = rows.filter((r) => r.oodReasons.length > 0).map((r) => `  ${basename(r.file)} on ${r.platform}: ${r.oodReasons.join('; ')}`);
  return [line(header), ...cells.map(line), ...(why.length > 0 ? ['', 'out of distribution because:', ...why] : [])].join('\n') + '\n';
}

export const predictCommand: Command = {
  name: 'predict',
  usage: 'nar-lens predict FILE... [--platform ID] [--batch N] [--dim name=value]... [--json] [--models DIR] [--ep cpu,cuda,…]',
  summary: 'predicted latency (ms, with its interval and OOD flag) of ONNX models on the installed platforms',
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = parseAnalysisArgs(args, ['--platform', '--models', '--ep']);
    const epText = parsed.extra.get('--ep') as string | undefined;
    const providers = epText ? epText.split(',').map((s) => s.trim()).filter(Boolean) : ['cpu'];
    if (providers.length === 0) throw new UsageError(`--ep needs execution provider names, got '${epText}'`);
    const dir = modelsDir(parsed.extra.get('--models') as string | undefined);
    const manifest = loadInstalled('predict', dir, io);
    if (!manifest) return 1;
    const wanted = parsed.extra.get('--platform') as string | undefined;
    const entries = wanted ? manifest.predictors.filter((p) => p.platform === wanted || p.id === wanted) : manifest.predictors;
    if (entries.length === 0) {
      const have = [...new Set(manifest.predictors.map((p) => p.platform))].join(', ');
      io.stderr(`nar-lens predict: no predictor for platform '${wanted}' (installed: ${have})\n`);
      return 1;
    }
    const predictor = new Predictor(manifest);
    const rows: Row[] = [];
    let failed = false;
    for (const file of parsed.files) {
      // Each predictor reads the tokens of its own tokenizer mode; a file is analysed once per mode.
      const tokensByMode = new Map<TokenizerMode, Tokens>();
      try {
        for (const entry of entries) {
          if (!tokensByMode.has(entry.tokenizerMode)) {
            tokensByMode.set(entry.tokenizerMode, analyzeFile(file, { ...parsed.options, mode: entry.tokenizerMode }).tokens);
          }
        }
      } catch (err) {
        reportFailure('predict', file, err, io);
        failed = true;
        continue;
      }
      for (const entry of entries) {
        try {
          const { estimate } = await predictor.predictOne(entry, tokensByMode.get(entry.tokenizerMode)!, providers);
          rows.push(toRow(file, estimate));
        } catch (err) {
          io.stderr(`nar-lens predict: ${basename(file)}: ${(err as Error).message.replace(/\s*\n\s*/g, ' ')}\n`);
          failed = true;
        }
      }
    }
    if (parsed.json) io.stdout(JSON.stringify(rows, null, 2) + '\n');
    else if (rows.length > 0) io.stdout(table(rows, entries));
    return failed ? 1 : 0;
  },
};
