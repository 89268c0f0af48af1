// The reader keeps its last cursor and its last file source alive across reads (so that V8 keeps their hidden
// classes, and the optimised decoders, across full GCs). What it keeps must hold no bytes of any model.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { lastClosedFileSource } from '../../src/core/onnx/byteSource';
import { ModelReadError, readModelBytes, readModelFile } from '../../src/core/onnx';
import { retiredCursor } from '../../src/core/onnx/wire';
import { corpusPath, readManifest } from './corpusPaths';

const largest = [...readManifest()].sort((a, b) => b.size_bytes - a.size_bytes)[0];

test('after a file read, the kept cursor and file source hold no window and no open file', () => {
  const model = readModelFile(corpusPath(largest));
  assert.ok(model.bytesRead > 0);
  const cursor = retiredCursor();
  assert.ok(cursor !== undefined, 'a cursor was retired');
  assert.equal(cursor.remaining, 0, 'the retired cursor addresses nothing');
  const source = lastClosedFileSource();
  assert.ok(source !== undefined, 'a file source was closed');
  assert.equal(source.bytes.length, 0, 'the closed source dropped its window');
  assert.throws(() => source.fetch(0, 1), /used after close/);
  // The retired cursor reads from an empty source: any read fails cleanly instead of seeing old bytes.
  assert.throws(() => cursor.readBytesView(1), ModelReadError);
});

test('a read that fails still retires its cursor, and the next read is unaffected', () => {
  const before = retiredCursor();
  assert.throws(() => readModelBytes(new Uint8Array([0x08, 0x07, 0x3a, 0xff, 0xff])), ModelReadError);
  const after = retiredCursor();
  assert.ok(after !== undefined && after !== before, 'the failed read retired its own cursor');
  const model = readModelFile(corpusPath(largest));
  assert.equal(model.fileSize, largest.size_bytes);
});
