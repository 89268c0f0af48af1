// Installs the committed tiny V2 predictor (test/fixtures/predictor) into a fresh models folder, with its manifest
// rewritten to name the tokenizer the code ships now (the fixture was exported from a synthetic folder), so that
// real corpus tokens can be predicted. `edit` changes the entry before it is written (error cases).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTENDED_VOCABULARY_VERSION } from '../../src/core/tokenizer/vocabulary';

export const FIXTURE_DIR = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'predictor');
export const FIXTURE_ID = 'synthetic-a-v2-reference';

export type Entry = Record<string, unknown> & { tokenizer: Record<string, unknown>; interval: Record<string, unknown> };

export function fixtureEntry(): Entry {
  const manifest = JSON.parse(readFileSync(join(FIXTURE_DIR, 'manifest.json'), 'utf8')) as { predictors: Entry[] };
  const entry = manifest.predictors[0];
  entry.tokenizer = { ...entry.tokenizer, mode: 'extended', vocabularyVersion: EXTENDED_VOCABULARY_VERSION };
  return entry;
}

export function fixtureSidecar(): { ood: { mean: number[]; std: number[]; centroids: number[][]; threshold: number } } {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, `${FIXTURE_ID}.json`), 'utf8'));
}

/** A new models folder under `parent` (default: the OS temp dir) holding the fixture; returns its path. */
export function installFixture(parent?: string, edit: (e: Entry) => unknown = (e) => e): string {
  const dir = parent ? join(parent, `models-${Math.random().toString(36).slice(2)}`) : mkdtempSync(join(tmpdir(), 'nar-lens-models-'));
  mkdirSync(dir, { recursive: true });
  for (const f of [`${FIXTURE_ID}.onnx`, `${FIXTURE_ID}.json`]) copyFileSync(join(FIXTURE_DIR, f), join(dir, f));
  writeManifest(dir, [edit(fixtureEntry())]);
  return dir;
}

export function writeManifest(dir: string, predictors: unknown[], schemaVersion: unknown = 1): void {
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ schemaVersion, predictors }, null, 2));
}
