// Manifest loading: the committed fixtures (dense, and the edge form) load with their side-cars; an entry without
// inputForm means the dense form; every malformed manifest is refused with an error that names the field (never a
// silent "no predictor" or a guessed default).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classInputNames, classLayersOf, loadManifest, ManifestError } from '../../src/core/predict';
import { EXTENDED_VOCABULARY_VERSION } from '../../src/core/tokenizer/vocabulary';
import { FIXTURE_ID, fixtureEntry, fixtureSidecar, installFixture, writeManifest, type Entry } from '../helpers/predictorFixture';

const tmp = mkdtempSync(join(tmpdir(), 'nar-lens-manifest-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('no manifest.json means no predictor installed (null), not an error', () => {
  const empty = join(tmp, 'empty');
  mkdirSync(empty);
  assert.equal(loadManifest(empty), null);
  assert.equal(loadManifest(join(tmp, 'does-not-exist')), null);
});

test('the dense fixture loads: tokenizer, interval, verified sha256, side-car OOD reference, descriptive fields', () => {
  const dir = installFixture(tmp, undefined, 'dense');
  const m = loadManifest(dir)!;
  assert.equal(m.predictors.length, 1);
  const e = m.predictors[0];
  assert.equal(e.id, FIXTURE_ID);
  assert.equal(e.platform, 'synthetic-a');
  assert.equal(e.file, join(dir, `${FIXTURE_ID}.onnx`));
  assert.equal(e.sha256, '10cc6c48a5f3eb813ba550b96b72f64c875787ad21dc46afad7f903e3009c50b');
  assert.deepEqual([e.tokenizerMode, e.vocabularyVersion, e.tokenKind], ['extended', EXTENDED_VOCABULARY_VERSION, 'features']);
  assert.equal(e.inputForm, 'dense', 'the dense fixture predates inputForm: no field means dense');
  assert.deepEqual([e.tokenDim, e.staticDim], [152, 40]);
  assert.ok(e.spreadScale > 0 && e.relativeErrorQ > 0);
  assert.equal(e.intervalCoverage, 0.9);
  const side = fixtureSidecar();
  assert.equal(e.ood?.centroids.length, side.ood.centroids.length);
  assert.equal(e.ood?.mean.length, 32);
  assert.equal(e.ood?.threshold, side.ood.threshold);
  assert.equal(e.model, 'v2');
  assert.equal(e.trainedOn?.dataset, 'synthetic');
  assert.ok(e.validation?.mape !== undefined && e.validation.mape > 0);
});

test('the edge-form fixture loads with inputForm edges and the input names of that form', () => {
  const e = loadManifest(installFixture(tmp))!.predictors[0]!;
  assert.equal(e.id, FIXTURE_ID);
  assert.equal(e.inputForm, 'edges');
  assert.equal(e.sha256, '812699d83f113f90fb380e3f8324ea8b16009cf3b920d31e34f1a9efb9ff8506');
  assert.deepEqual([e.tokenDim, e.staticDim], [152, 40]);
  assert.equal(e.width, 32, 'architecture.dim: the thread choice weighs classes by it');
  assert.equal(e.ood?.mean.length, 32);
});

function refused(edit: (e: Entry) => unknown, message: RegExp, prepare?: (dir: string) => void): void {
  const dir = installFixture(tmp, edit);
  prepare?.(dir);
  assert.throws(() => loadManifest(dir), (err: unknown) => {
    assert.ok(err instanceof ManifestError, `${String(err)} is a ManifestError`);
    assert.match((err as Error).message, message);
    return true;
  });
}

test('malformed entries are refused with the field named', () => {
  refused((e) => ({ ...e, platform: '' }), /predictors\[0\]: platform must be a non-empty string/);
  refused((e) => ({ ...e, tokenizer: { ...e.tokenizer, mode: 'fancy' } }), /tokenizer must name mode \(reference or extended\)/);
  refused((e) => ({ ...e, tokenizer: { mode: 'extended' } }), /vocabularyVersion/);
  refused((e) => ({ ...e, tokenizer: { ...e.tokenizer, tokens: 'edges' } }), /tokenizer.tokens must be features or nnlp_features, not "edges"/);
  refused((e) => ({ ...e, interval: { spreadScale: 2 } }), /interval must have spreadScale and relativeErrorQ/);
  refused((e) => ({ ...e, interval: { spreadScale: -1, relativeErrorQ: 0.1 } }), /non-negative/);
  refused((e) => ({ ...e, inputs: { tokenDim: 0 } }), /inputs.tokenDim must be a positive integer/);
  refused((e) => ({ ...e, architecture: { model: 'v2', dim: 12.5 } }), /architecture.dim must be a positive integer/);
  refused(() => 'not an object', /predictors\[0\]: must be an object/);
});

test('inputForm must be classes, edges or dense, and inputs.names (when given) must be that form\'s names', () => {
  const denseNames = ['tokens', 'adjacency', 'node_mask', 'static'];
  const dense = loadManifest(installFixture(tmp, (e) => ({ ...e, inputForm: 'dense', inputs: { ...(e.inputs as object), names: denseNames } })))!;
  assert.equal(dense.predictors[0]!.inputForm, 'dense');
  assert.deepEqual(dense.predictors[0]!.inputNames, denseNames);
  refused((e) => ({ ...e, inputForm: 'sparse' }), /inputForm must be classes, edges or dense, not "sparse"/);
  refused((e) => ({ ...e, inputForm: 'edges', inputs: { ...(e.inputs as object), names: denseNames } }),
    /inputs.names must be \["tokens","edge_src","edge_dst","static"\] for inputForm edges, not \["tokens","adjacency","node_mask","static"\]/);
  refused((e) => ({ ...e, inputs: { ...(e.inputs as object), names: 'tokens' } }), /inputs.names must be .* for inputForm edges, not "tokens"/);
});

test('the class form takes its layer count from inputs.names, which it must state', () => {
  const three = classInputNames(3);
  const e = loadManifest(installFixture(tmp, (x) => ({ ...x, inputForm: 'classes', inputs: { ...(x.inputs as object), names: three } })))!.predictors[0]!;
  assert.equal(e.inputForm, 'classes');
  assert.deepEqual(e.inputNames, three);
  assert.equal(classLayersOf(e.inputNames), 3);
  const withoutNames = (x: Entry) => ({ ...x, inputForm: 'classes', inputs: { tokenDim: 152, staticDim: 40 } });
  refused(withoutNames, /inputs.names must be the class form's for some layer count L .* not undefined/);
  refused((x) => ({ ...x, inputForm: 'classes', inputs: { ...(x.inputs as object), names: [...three.slice(0, 5), ...three.slice(6)] } }),
    /inputs.names must be the class form's/);
  refused((x) => ({ ...x, inputForm: 'classes', inputs: { ...(x.inputs as object), names: ['tokens', 'edge_src', 'edge_dst', 'static'] } }),
    /inputs.names must be the class form's/);
});

test('files must exist and stay inside the models folder (paths and links)', () => {
  refused((e) => ({ ...e, file: 'missing.onnx' }), /file missing.onnx does not exist/);
  refused((e) => ({ ...e, file: '../../etc/passwd' }), /must stay inside the models folder/);
  refused((e) => ({ ...e, sidecar: '/etc/hostname' }), /sidecar \/etc\/hostname must stay inside the models folder/);
  const outside = join(tmp, 'outside.onnx');
  copyFileSync(join(installFixture(tmp), `${FIXTURE_ID}.onnx`), outside);
  refused((e) => ({ ...e, file: 'link.onnx', sha256: undefined }), /link out of it/, (dir) => symlinkSync(outside, join(dir, 'link.onnx')));
});

test('a predictor file that does not match its sha256 is refused (changed or damaged)', () => {
  refused((e) => e, /does not match its sha256/, (dir) => appendFileSync(join(dir, `${FIXTURE_ID}.onnx`), Buffer.from([0])));
  refused((e) => ({ ...e, sha256: 'abc' }), /sha256 must be 64 hex digits/);
});

test('a malformed side-car OOD reference is refused, not ignored', () => {
  const side = fixtureSidecar();
  const write = (ood: unknown) => (dir: string) => writeFileSync(join(dir, `${FIXTURE_ID}.json`), JSON.stringify({ ...side, ood }));
  refused((e) => e, /ood.std must be positive/, write({ ...side.ood, std: side.ood.std.map(() => 0) }));
  refused((e) => e, /ood.centroids\[1\] has 3 values, the embedding 32/, write({ ...side.ood, centroids: [side.ood.centroids[0], [1, 2, 3]] }));
  refused((e) => e, /ood.threshold must be a non-negative number/, write({ ...side.ood, threshold: 'high' }));
  const range = { names: ['batch', 'GFLOPs'], min: [1, 0.1], max: [1, 3] };
  refused((e) => e, /ood.staticRange.names must be a non-empty array of strings/, write({ ...side.ood, staticRange: { ...range, names: [] } }));
  refused((e) => e, /ood.staticRange.max must hold 2 numbers, one per name/, write({ ...side.ood, staticRange: { ...range, max: [1] } }));
  refused((e) => e, /ood.staticRange.min must not exceed max/, write({ ...side.ood, staticRange: { ...range, min: [2, 0.1] } }));
  refused((e) => e, /side-car .* is not valid JSON/, (dir) => writeFileSync(join(dir, `${FIXTURE_ID}.json`), '{"ood": '));
});

test('manifest-level errors: JSON, schema version, empty list, duplicate ids', () => {
  const dir = installFixture(tmp);
  writeFileSync(join(dir, 'manifest.json'), '{ nope');
  assert.throws(() => loadManifest(dir), /models\/manifest.json: is not valid JSON/);
  writeManifest(dir, [], 1);
  assert.throws(() => loadManifest(dir), /"predictors" must be a non-empty array/);
  writeManifest(dir, [{}], 2);
  assert.throws(() => loadManifest(dir), /schemaVersion 2 is not 1/);
  const entry = fixtureEntry();
  writeManifest(dir, [entry, entry]);
  assert.throws(() => loadManifest(dir), /predictor id synthetic-a-v2-reference is listed twice/);
});
