// External-data references: resolved inside the model's folder, checked by stat, never read; escapes refused.

import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ModelReadError, readModelBytes, readModelFile } from '../../src/core/onnx';
import { modelWithExternalWeight } from '../helpers/onnxWriter';

const root = mkdtempSync(join(tmpdir(), 'nar-lens-external-'));
const modelDir = join(root, 'model');
const outside = join(root, 'outside.bin');
mkdirSync(join(modelDir, 'data'), { recursive: true });
writeFileSync(join(modelDir, 'weights.bin'), new Uint8Array(4 * 8 * 4 + 64));
writeFileSync(join(modelDir, 'data', 'w.bin'), new Uint8Array(128));
writeFileSync(outside, new Uint8Array(4096));
symlinkSync(outside, join(modelDir, 'escape.bin'));
symlinkSync(join(modelDir, 'weights.bin'), join(modelDir, 'inside-link.bin'));
after(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
function writeModel(external: Record<string, string>): string {
  const path = join(modelDir, `m${counter++}.onnx`);
  writeFileSync(path, modelWithExternalWeight(external));
  return path;
}

function refused(external: Record<string, string>, pattern: RegExp): void {
  const path = writeModel(external);
  assert.throws(
    () => readModelFile(path),
    (error: unknown) => error instanceof ModelReadError && pattern.test(error.message) && /graph\.initializer\[0\]/.test(error.fieldPath),
  );
}

test('a valid external reference is recorded with its offset and length', () => {
  const model = readModelFile(writeModel({ location: 'weights.bin', offset: '64', length: '128' }));
  assert.deepEqual(model.graph.initializers.get('W')?.storage, { kind: 'external', location: 'weights.bin', offset: 64, length: 128 });
  assert.equal(model.format, 'onnx');
});

test('a subfolder and an in-folder symlink are accepted; a missing length means the rest of the file', () => {
  const sub = readModelFile(writeModel({ location: 'data/w.bin' }));
  assert.deepEqual(sub.graph.initializers.get('W')?.storage, { kind: 'external', location: 'data/w.bin', offset: 0, length: 128 });
  const link = readModelFile(writeModel({ location: 'inside-link.bin', length: '128' }));
  assert.equal(link.graph.initializers.get('W')?.storage.kind, 'external');
});

test('a .. escape is refused', () => refused({ location: '../outside.bin' }, /'\.\.'/));
test('a .. inside the path is refused too', () => refused({ location: 'data/../../outside.bin' }, /'\.\.'/));
test('an absolute path is refused', () => refused({ location: outside }, /absolute path/));
test('a Windows absolute path is refused', () => refused({ location: 'C:\\weights.bin' }, /absolute path/));
test('a NUL byte is refused', () => refused({ location: 'weights.bin\0.txt' }, /NUL byte/));
test('a symlink that leaves the folder is refused', () => refused({ location: 'escape.bin' }, /symbolic link/));
test('offset + length beyond the file is refused', () =>
  refused({ location: 'weights.bin', offset: '64', length: '4096' }, /exceeds the size of 'weights\.bin'/));
test('an offset beyond the file is refused', () => refused({ location: 'weights.bin', offset: '100000' }, /beyond the end/));
test('a missing file is refused', () => refused({ location: 'nope.bin' }, /not found/));
test('a malformed offset is refused', () => refused({ location: 'weights.bin', offset: '-5' }, /invalid offset/));
test('a missing location is refused', () => refused({ offset: '0' }, /no 'location'/));

test('in-memory bytes without baseDir record the reference unchecked and say so', () => {
  const model = readModelBytes(modelWithExternalWeight({ location: '../anywhere.bin', length: '128' }));
  assert.deepEqual(model.graph.initializers.get('W')?.storage, { kind: 'external', location: '../anywhere.bin', offset: 0, length: 128 });
  assert.ok(model.readWarnings?.some((w) => /not checked/.test(w)));
});

test('in-memory bytes with baseDir are checked', () => {
  const bytes = modelWithExternalWeight({ location: '../outside.bin' });
  assert.throws(() => readModelBytes(bytes, { baseDir: modelDir, name: 'mem.onnx' }), /mem\.onnx: .*'\.\.'/);
  const ok = readModelBytes(modelWithExternalWeight({ location: 'weights.bin' }), { baseDir: modelDir });
  assert.equal(ok.readWarnings, undefined);
});
