// The committed tiny V2 predictor in the edge input form (test/fixtures/predictor/edges: the same three members
// as the dense fixture one folder up, exported after the edge form existed), installed like the dense one
// (test/helpers/predictorFixture.ts): copied to a fresh models folder with the manifest's tokenizer rewritten to
// the vocabulary the code ships now.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENDED_VOCABULARY_VERSION } from '../../src/core/tokenizer/vocabulary';
import { FIXTURE_DIR, FIXTURE_ID, writeManifest, type Entry } from '../helpers/predictorFixture';

export const EDGE_FIXTURE_DIR = join(FIXTURE_DIR, 'edges');

export function edgeFixtureEntry(): Entry {
  const manifest = JSON.parse(readFileSync(join(EDGE_FIXTURE_DIR, 'manifest.json'), 'utf8')) as { predictors: Entry[] };
  const entry = manifest.predictors[0]!;
  entry.tokenizer = { ...entry.tokenizer, mode: 'extended', vocabularyVersion: EXTENDED_VOCABULARY_VERSION };
  return entry;
}

/** A new models folder under `parent` holding the edge-form fixture; returns its path. */
export function installEdgeFixture(parent: string, edit: (e: Entry) => unknown = (e) => e): string {
  const dir = join(parent, `models-edges-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir, { recursive: true });
  for (const f of [`${FIXTURE_ID}.onnx`, `${FIXTURE_ID}.json`]) copyFileSync(join(EDGE_FIXTURE_DIR, f), join(dir, f));
  writeManifest(dir, [edit(edgeFixtureEntry())]);
  return dir;
}
