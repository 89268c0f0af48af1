// The predictors shipped in models/: every file matches its manifest hash and opens in onnxruntime-node, its
// manifest entry names the tokenizer the code ships now (a vocabulary change without retraining fails here),
// onnxruntime reproduces PyTorch on graphs saved at export (test/fixtures/shipped-parity/<id>.json, ≤ 1e-4
// relative), `nar-lens predict --json` gives every example model a positive latency inside its interval on
// every shipped platform, and predicting every platform at once (inputs packed once) equals predicting each alone.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { analyzeFile } from '../../src/core/analyze';
import { loadManifest } from '../../src/core/predict';
import { EXTENDED_VOCABULARY_VERSION } from '../../src/core/tokenizer/vocabulary';
import { Predictor } from '../../src/server/predictor';
import { checkParity, type Parity } from '../helpers/parity';

const ROOT = join(__dirname, '..', '..', '..');
const MODELS = join(ROOT, 'models');
const PARITY = join(ROOT, 'test', 'fixtures', 'shipped-parity');
const EXAMPLES = join(ROOT, 'examples');

interface Entry {
  id: string; platform: string; file: string; sha256: string; inputForm?: string;
  inputs: { names?: string[] };
  tokenizer: { mode: string; vocabularyVersion: string };
  validation: { mape: number; n: number };
  test?: { all: { mape: number; n: number }; intervalCoverage: number };
}

const manifest = JSON.parse(readFileSync(join(MODELS, 'manifest.json'), 'utf8')) as { predictors: Entry[] };

test('models/ ships at least one predictor, and every entry has its file, hash, tokenizer and metrics', () => {
  assert.ok(manifest.predictors.length >= 1, 'no predictor in models/manifest.json');
  for (const e of manifest.predictors) {
    const bytes = readFileSync(join(MODELS, e.file));
    assert.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256, `${e.id}: sha256`);
    assert.deepEqual([e.tokenizer.mode, e.tokenizer.vocabularyVersion], ['extended', EXTENDED_VOCABULARY_VERSION], `${e.id}: tokenizer`);
    assert.ok(e.inputForm === 'classes' || e.inputForm === 'edges', `${e.id}: shipped predictors use the class or edge form (inference without N² terms)`);
    assert.ok(e.validation.n > 0 && Number.isFinite(e.validation.mape), `${e.id}: validation metrics`);
    if (e.test) assert.ok(e.test.all.n > 0 && Number.isFinite(e.test.all.mape), `${e.id}: test metrics`);
    // The interval is calibrated for 90 % on validation; on the held-out test graphs it must hold about as much.
    if (e.test) assert.ok(e.test.intervalCoverage >= 0.85, `${e.id}: the interval holds ${e.test.intervalCoverage} of the test graphs`);
  }
  const files = new Set(manifest.predictors.flatMap((e) => [e.file, `${e.id}.json`]));
  const stray = readdirSync(MODELS).filter((f) => !files.has(f) && f !== 'manifest.json' && f !== 'README.md');
  assert.deepEqual(stray, [], 'files in models/ that no manifest entry names');
});

for (const e of manifest.predictors) {
  test(`${e.id}: onnxruntime-node reproduces PyTorch on the graphs saved at export`, async () => {
    const file = join(PARITY, `${e.id}.json`);
    assert.ok(existsSync(file), `${file} is missing (train_predictor --parity writes it)`);
    const parity = JSON.parse(readFileSync(file, 'utf8')) as Parity;
    assert.equal(parity.inputForm, e.inputForm);
    assert.ok(parity.samples.length >= 2);
    const session = await ort.InferenceSession.create(join(MODELS, e.file), { intraOpNumThreads: 1 });
    assert.deepEqual([...session.inputNames], e.inputs.names);
    await checkParity(session, parity, e.id);
  });
}

test('nar-lens predict --json: every example on every shipped platform, a positive latency inside its interval', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.onnx')).map((f) => join(EXAMPLES, f));
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'predict', ...files, '--json'],
    { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NAR_LENS_MODELS: '' } });
  assert.equal(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as { file: string; platform: string; latencyMs: number; interval: [number, number]; coverage: { encoded: number; total: number }; ood: boolean }[];
  assert.equal(rows.length, files.length * manifest.predictors.length);
  for (const row of rows) {
    assert.ok(row.latencyMs > 0 && Number.isFinite(row.latencyMs), `${row.file} on ${row.platform}: ${row.latencyMs}`);
    assert.ok(row.interval[0] <= row.latencyMs && row.latencyMs <= row.interval[1], `${row.file}: interval ${row.interval}`);
    assert.ok(row.coverage.encoded > 0 && row.coverage.encoded <= row.coverage.total);
    assert.equal(typeof row.ood, 'boolean');
  }
});

test('every platform at once (each input form packed once) gives each platform\'s prediction alone', async () => {
  const loaded = loadManifest(MODELS)!;
  const tokens = analyzeFile(join(ROOT, 'test', 'fixtures', 'onnx-corpus', 'models', 'onnx_light__light_resnet50.onnx')).tokens;
  const together = await new Predictor(loaded).predict(tokens, ['cpu']);
  assert.equal(together.estimates.length, loaded.predictors.length);
  for (const [i, entry] of loaded.predictors.entries()) {
    const alone = await new Predictor(loaded).predictOne(entry, tokens, ['cpu']);
    assert.deepEqual(together.estimates[i], alone.estimate, entry.id);
  }
});
