// A 100 MB model with embedded raw_data reads while touching a tiny fraction of its bytes.

import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readModelFile } from '../../src/core/onnx';
import { generateLargeModel, onnx } from '../helpers/onnxWriter';

const dir = mkdtempSync(join(tmpdir(), 'nar-lens-large-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the generator writes a model onnx-proto can decode (checked at 1 MB)', () => {
  const info = generateLargeModel(join(dir, 'small.onnx'), 1024 * 1024, 4);
  const decoded = onnx.ModelProto.decode(readFileSync(info.path));
  assert.equal(decoded.graph?.node?.length, 4);
  assert.equal(decoded.graph?.initializer?.length, 4);
  assert.equal(decoded.graph?.initializer?.[0].rawData?.length, info.payloadBytes / 4);
});

test('a 100 MB model reads with bytesRead/fileSize < 5%', () => {
  const info = generateLargeModel(join(dir, 'large.onnx'));
  assert.ok(info.fileSize > 100_000_000);
  const model = readModelFile(info.path);
  assert.equal(model.fileSize, info.fileSize);
  assert.ok(model.bytesRead / model.fileSize < 0.05, `read ${model.bytesRead} of ${model.fileSize} bytes`);
  assert.equal(model.graph.nodes.length, info.nodes);
  assert.equal(model.graph.initializers.size, info.initializers);
  const w0 = model.graph.initializers.get('W0');
  assert.ok(w0);
  assert.equal(w0.storage.kind, 'inline');
  assert.equal(w0.values, undefined);
  if (w0.storage.kind === 'inline') assert.equal(w0.storage.byteLength, info.payloadBytes / info.initializers);
  const side = w0.dims[0];
  assert.deepEqual(w0.dims, [side, side]);
  assert.deepEqual(model.graph.inputs[0].shape, [1, side]);
});
