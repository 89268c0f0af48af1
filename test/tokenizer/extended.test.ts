// Extended mode reads every corpus file the reader and shape inference accept, never rejects one, and encodes
// at least 95 % of all vertices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readModelFile } from '../../src/core/onnx';
import { inferShapes } from '../../src/core/graph/shapes';
import { tokenize } from '../../src/core/tokenizer';
import { corpusFiles, corpusPath } from './corpus';

test('extended mode encodes >= 95 % of the corpus vertices and never rejects a readable file', () => {
  const files = corpusFiles();
  assert.equal(files.length, 99);
  let encoded = 0;
  let total = 0;
  let tokenized = 0;
  const unknown: Record<string, number> = {};
  for (const file of files) {
    let model;
    try {
      model = readModelFile(corpusPath(file));
    } catch {
      continue; // the reader's own tests decide which files must read
    }
    const t = tokenize(inferShapes(model, { batch: 1 }), { mode: 'extended', batch: 1 });
    tokenized++;
    assert.equal(t.features.length, t.names.length);
    assert.ok(t.features.every((r) => r.length === 152 && r.every(Number.isFinite)), `${file}: bad row`);
    assert.ok(t.static.every(Number.isFinite), `${file}: static vector not finite`);
    assert.ok(t.edges.every(([a, b]) => a !== b && a < t.names.length && b < t.names.length), `${file}: bad edge`);
    encoded += t.coverage.encoded;
    total += t.coverage.total;
    for (const [op, n] of Object.entries(t.unknownOps)) unknown[op] = (unknown[op] ?? 0) + n;
  }
  const ratio = encoded / total;
  console.log(`extended coverage: ${encoded}/${total} = ${(100 * ratio).toFixed(2)} % over ${tokenized} files; unknown: ${JSON.stringify(unknown)}`);
  assert.ok(tokenized >= 95, `only ${tokenized} files tokenized`);
  assert.ok(ratio >= 0.95, `coverage ${ratio}`);
});
