// `nar-lens tokenize FILE [--mode reference|extended] [--batch N] [--dim name=value]... [--json]`: the NAR-Former
// V2 tokens of a model — vertices in topological order, edges as index pairs, 152-dim rows, static vector.
import { basename } from 'node:path';
import { analyzeFile } from '../../core/analyze';
import { coverageLine, describeFusions, type Tokens, type TokenizerMode } from '../../core/tokenizer';
import { Command, CliIO, UsageError } from '../command';
import { parseAnalysisArgs, reportFailure } from './inspect';

function tokensJson(t: Tokens): Record<string, unknown> {
  return {
    mode: t.mode,
    vocabularyVersion: t.vocabularyVersion,
    names: t.names,
    opTypes: t.opTypes,
    outputShapes: t.outputShapes,
    edges: t.edges,
    features: t.features.map((r) => Array.from(r)),
    static: Array.from(t.static),
    staticRaw: t.staticRaw,
    coverage: t.coverage,
    unknownOps: t.unknownOps,
    unknownShapes: t.unknownShapes,
    fusions: t.fusions,
  };
}

function tokensText(file: string, t: Tokens): string {
  const lines = [
    `${basename(file)}: ${t.mode} tokens (${t.vocabularyVersion}), ${t.names.length} vertices × ${t.featureDim}, ${t.edges.length} edges`,
    `  ${coverageLine(t)}`,
    ...(describeFusions(t.fusions) ? [`  fused: ${describeFusions(t.fusions)}`] : []),
    `  static [batch, GFLOPs, Gparams, Gmacs] = [${t.staticRaw.map((v) => Number(v.toPrecision(6))).join(', ')}]`,
  ];
  const width = String(t.names.length - 1).length;
  const opWidth = Math.max(...t.opTypes.map((o) => o.length));
  t.names.forEach((name, i) => {
    lines.push(`  ${String(i).padStart(width)}  ${t.opTypes[i].padEnd(opWidth)}  [${t.outputShapes[i].join(', ')}]  ${name}`);
  });
  return lines.join('\n') + '\n';
}

export const tokenizeCommand: Command = {
  name: 'tokenize',
  usage: 'nar-lens tokenize FILE [--mode reference|extended] [--batch N] [--dim name=value]... [--json]',
  summary: 'NAR-Former V2 tokens of a model: vertices, edges, 152-dim rows and the static vector',
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = parseAnalysisArgs(args, ['--mode']);
    if (parsed.files.length !== 1) throw new UsageError(`tokenize takes one file, got ${parsed.files.length}`);
    const mode = (parsed.extra.get('--mode') ?? 'extended') as string;
    if (mode !== 'reference' && mode !== 'extended') throw new UsageError(`--mode must be reference or extended, got '${mode}'`);
    const file = parsed.files[0];
    try {
      const { tokens } = analyzeFile(file, { ...parsed.options, mode: mode as TokenizerMode });
      io.stdout(parsed.json ? JSON.stringify(tokensJson(tokens)) + '\n' : tokensText(file, tokens));
      return 0;
    } catch (err) {
      reportFailure('tokenize', file, err, io);
      return 1;
    }
  },
};
