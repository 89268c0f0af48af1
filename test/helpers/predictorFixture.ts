// Installs the committed tiny V2 predictor (test/fixtures/predictor) into a fresh models folder, with its manifest
// rewritten to name the tokenizer the code ships now (the fixture was exported from a synthetic folder), so that
// real corpus tokens can be predicted. `edit` changes the entry before it is written (error cases). The same three
// members exist in both ONNX input forms: the edge form the exporter writes (the default, like the shipped
// predictors) and, in `dense/`, the dense form that older predictors take.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTENDED_VOCABULARY_VERSION } from '../../src/core/tokenizer/vocabulary';

export type FixtureForm = 'edges' | 'dense';

const PREDICTOR_FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'predictor');
export const FIXTURE_DIRS: Record<FixtureForm, string> = { edges: PREDICTOR_FIXTURES, dense: join(PREDICTOR_FIXTURES, 'dense') };
export const FIXTURE_ID = 'synthetic-a-v2-reference';

export type Entry = Record<string, unknown> & { tokenizer: Record<string, unknown>; interval: Record<string, unknown> };

export function fixtureEntry(form: FixtureForm = 'edges'): Entry {
  const manifest = JSON.parse(readFileSync(join(FIXTURE_DIRS[form], 'manifest.json'), 'utf8')) as { predictors: Entry[] };
  const entry = manifest.predictors[0];
  entry.tokenizer = { ...entry.tokenizer, mode: 'extended', vocabularyVersion: EXTENDED_VOCABULARY_VERSION };
  return entry;
}

/** The side-car (one file, identical in both forms). */
export function fixtureSidecar(): { ood: { mean: number[]; std: number[]; centroids: number[][]; threshold: number } } {
  return JSON.parse(readFileSync(join(FIXTURE_DIRS.edges, `${FIXTURE_ID}.json`), 'utf8'));
}

/** A new models folder under `parent` (default: the OS temp dir) holding the fixture in `form`; returns its path. */
export function installFixture(parent?: string, edit: (e: Entry) => unknown = (e) => e, form: FixtureForm = 'edges'): string {
  const dir = parent ? join(parent, `models-${form}-${Math.random().toString(36).slice(2)}`) : mkdtempSync(join(tmpdir(), 'nar-lens-models-'));
  mkdirSync(dir, { recursive: true });
  for (const f of [`${FIXTURE_ID}.onnx`, `${FIXTURE_ID}.json`]) copyFileSync(join(FIXTURE_DIRS[form], f), join(dir, f));
  writeManifest(dir, [edit(fixtureEntry(form))]);
  return dir;
}

export function writeManifest(dir: string, predictors: unknown[], schemaVersion: unknown = 1): void {
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ schemaVersion, predictors }, null, 2));
}
