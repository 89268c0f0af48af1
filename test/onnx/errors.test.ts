// Bad input ends in a ModelReadError that names the file, the byte offset, what was expected and where.

import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ModelReadError, readModelBytes, readModelFile } from '../../src/core/onnx';
import { encodeModel, onnx } from '../helpers/onnxWriter';
import { CORPUS_DIR } from './corpusPaths';

const dir = mkdtempSync(join(tmpdir(), 'nar-lens-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const densenet = readFileSync(join(CORPUS_DIR, 'models/onnx_light__light_densenet121.onnx'));

function readError(run: () => unknown): ModelReadError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ModelReadError, `expected ModelReadError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the read to fail');
}

test('a PNG image is not an ONNX model', () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  writeFileSync(join(dir, 'picture.onnx'), png);
  const error = readError(() => readModelFile(join(dir, 'picture.onnx')));
  assert.match(error.message, /^picture\.onnx: not an ONNX model \(this looks like a PNG image\) at byte 0/);
  assert.equal(error.file, join(dir, 'picture.onnx'));
});

test('a text file is not an ONNX model', () => {
  writeFileSync(join(dir, 'notes.onnx'), 'These are my notes about the model, not the model itself.\n');
  assert.match(readError(() => readModelFile(join(dir, 'notes.onnx'))).message, /notes\.onnx: not an ONNX model \(this looks like a text file\)/);
  const json = readError(() => readModelBytes(Buffer.from('{"graph": {}}'), { name: 'g.json' }));
  assert.match(json.message, /g\.json: not an ONNX model/);
});

test('an empty file, a missing file and a folder are refused clearly', () => {
  writeFileSync(join(dir, 'empty.onnx'), '');
  assert.match(readError(() => readModelFile(join(dir, 'empty.onnx'))).message, /empty file, not an ONNX model/);
  assert.match(readError(() => readModelFile(join(dir, 'missing.onnx'))).message, /missing\.onnx: cannot open the file \(ENOENT\)/);
  assert.match(readError(() => readModelFile(dir)).message, /not a regular file at byte 0/);
  // A device or FIFO would block or never end; it is refused before it is opened.
  assert.match(readError(() => readModelFile('/dev/zero')).message, /not a regular file/);
});

test('a protobuf without a graph is not an ONNX model', () => {
  const bytes = encodeModel({ irVersion: 8, producerName: 'x' });
  assert.match(readError(() => readModelBytes(bytes)).message, /not an ONNX model: it has no graph/);
});

test('a truncated model names the offset and the field path', () => {
  const cut = densenet.subarray(0, 100_000);
  const error = readError(() => readModelBytes(cut, { name: 'densenet.onnx' }));
  // The graph's length prefix promises more bytes than the file has.
  assert.match(error.message, /^densenet\.onnx: length \d+ exceeds the \d+ bytes left in the message at byte [\d,]+ in graph$/);
  assert.equal(error.fieldPath, 'graph');
  assert.ok(error.byteOffset > 0 && error.byteOffset < cut.length);
});

test('an error deep inside the graph carries its path', () => {
  // Corrupt the wire type of the 18th node's first field: 0x0a (input, LEN) → 0x0f (wire type 7).
  const copy = Buffer.from(densenet);
  const model = readModelBytes(copy);
  assert.ok(model.graph.nodes.length > 17);
  // The first occurrence of node 17's output name is its `output` string (outputs are defined before use).
  const at = copy.indexOf(Buffer.from(model.graph.nodes[17].outputs[0]));
  assert.ok(at > 2);
  // The byte before the string's length prefix is its tag; set an invalid wire type there.
  copy[at - 2] = (copy[at - 2] & 0xf8) | 7;
  const error = readError(() => readModelBytes(copy, { name: 'densenet.onnx' }));
  assert.match(error.message, /invalid wire type 7 at byte [\d,]+ in graph\.node\[\d+\]/);
  assert.match(error.fieldPath, /^graph\.node\[\d+\]$/);
});

test('a field with the wrong wire type is an error, not a crash', () => {
  // ir_version (field 1) sent as length-delimited.
  const bytes = new Uint8Array([0x0a, 0x01, 0x07, 0x3a, 0x00]);
  assert.match(readError(() => readModelBytes(bytes, { name: 'w.onnx' })).message, /field 'ir_version' has wire type length-delimited, expected varint/);
});

test('nesting beyond maxDepth is refused', () => {
  let graph: onnx.IGraphProto = { name: 'leaf' };
  for (let i = 0; i < 40; i++) {
    graph = { name: `g${i}`, node: [{ opType: 'If', attribute: [{ name: 'then_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: graph }] }] };
  }
  const bytes = encodeModel({ irVersion: 8, graph });
  const error = readError(() => readModelBytes(bytes));
  assert.match(error.message, /nested deeper than 64/);
  assert.match(error.fieldPath, /^graph\.node\[0\]\.attribute\[0\]\.g\.node\[0\]/);
  assert.doesNotThrow(() => readModelBytes(bytes, { maxDepth: 200 }));
});

test('node, string and item limits hold', () => {
  assert.match(readError(() => readModelBytes(densenet, { maxNodes: 100 })).message, /more than 100 nodes/);
  assert.match(readError(() => readModelBytes(densenet, { maxStringBytes: 8 })).message, /exceeds the limit of 8/);
  assert.match(readError(() => readModelBytes(densenet, { maxItems: 1000 })).message, /more than 1000 decoded items/);
  assert.match(readError(() => readModelBytes(densenet, { maxFileBytes: 1000 })).message, /over the limit of 1000/);
  assert.throws(() => readModelBytes(densenet, { maxNodes: -1 }), RangeError);
});

test('an over-long varint and a varint running past the end are errors', () => {
  const tooLong = new Uint8Array([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  assert.match(readError(() => readModelBytes(tooLong)).message, /malformed varint/);
  const truncated = new Uint8Array([0x08, 0x03, 0x08, 0xff, 0xff]);
  assert.match(readError(() => readModelBytes(truncated)).message, /truncated varint at byte 3/);
});

test('a small read window gives the same model as reading whole', () => {
  const whole = readModelFile(join(CORPUS_DIR, 'models/onnx_light__light_densenet121.onnx'));
  const windowed = readModelFile(join(CORPUS_DIR, 'models/onnx_light__light_densenet121.onnx'), { windowBytes: 97 });
  assert.deepEqual({ ...windowed, bytesRead: 0 }, { ...whole, bytesRead: 0 });
});
