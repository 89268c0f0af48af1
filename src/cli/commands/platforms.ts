// `nar-lens platforms [--json] [--models DIR]`: the installed predictors — platform, tokenizer, validation and
// held-out test MAPE and the data each was trained on — read from models/manifest.json (validated, file hashes
// checked).
import type { PredictorEntry } from '../../core/predict';
import { Command, CliIO, UsageError } from '../command';
import { loadInstalled, modelsDir } from '../installedPredictors';

function platformJson(e: PredictorEntry): Record<string, unknown> {
  return {
    platform: e.platform,
    predictor: e.id,
    model: e.model ?? null,
    tokenizer: { mode: e.tokenizerMode, vocabularyVersion: e.vocabularyVersion, tokens: e.tokenKind },
    validationMape: e.validation?.mape ?? null,
    validation: e.validation ?? null,
    test: e.test ?? null,
    trainedOn: e.trainedOn ?? null,
    interval: { spreadScale: e.spreadScale, relativeErrorQ: e.relativeErrorQ, coverage: e.intervalCoverage ?? null },
    ood: e.ood !== null,
    sha256: e.sha256 ?? null,
    created: e.created ?? null,
  };
}

function trainedOnText(e: PredictorEntry): string {
  const t = e.trainedOn;
  if (!t) return 'not stated';
  const counts = [t.train !== undefined ? `${t.train} train` : '', t.validation !== undefined ? `${t.validation} validation` : '']
    .filter(Boolean)
    .join(' + ');
  const families = t.families?.length ? `; families ${t.families.join(', ')}` : '';
  return `${t.dataset ?? 'unnamed data set'}${counts ? ` (${counts} graphs)` : ''}${families}`;
}

function table(entries: PredictorEntry[]): string {
  const header = ['platform', 'predictor', 'tokens', 'val. MAPE', 'test MAPE', 'trained on'];
  const cells = entries.map((e) => [
    e.platform,
    e.id,
    `${e.tokenizerMode}/${e.vocabularyVersion}`,
    e.validation?.mape !== undefined ? `${e.validation.mape.toFixed(2)} %` : 'not stated',
    e.test?.mape !== undefined ? `${e.test.mape.toFixed(2)} %` : 'not stated',
    trainedOnText(e),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i === 3 || i === 4 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...cells.map(line)].join('\n') + '\n';
}

export const platformsCommand: Command = {
  name: 'platforms',
  usage: 'nar-lens platforms [--json] [--models DIR]',
  summary: 'installed latency predictors: platform, tokenizer version, validation and test MAPE, training data',
  async run(args: string[], io: CliIO): Promise<number> {
    let json = false;
    let dirFlag: string | undefined;
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '--json') json = true;
      else if (args[i] === '--models') {
        dirFlag = args[++i];
        if (dirFlag === undefined) throw new UsageError('--models needs a value');
      } else throw new UsageError(`unexpected argument '${args[i]}'`);
    }
    const manifest = loadInstalled('platforms', modelsDir(dirFlag), io);
    if (!manifest) return 1;
    io.stdout(json ? JSON.stringify(manifest.predictors.map(platformJson), null, 2) + '\n' : table(manifest.predictors));
    return 0;
  },
};
