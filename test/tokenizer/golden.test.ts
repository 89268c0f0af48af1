// Reference mode reproduces the published extractor on every corpus file it accepts (test/fixtures/golden-reference).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize, TokenizeError } from '../../src/core/tokenizer';
import { golden, goldenSummary, shapedCorpusModel } from './corpus';
import { compareWithGolden } from './compareGolden';

const summary = goldenSummary();
const accepted = summary.filter((s) => s.ok);

test('the golden set lists 64 accepted files', () => {
  assert.equal(accepted.length, 64);
});

for (const entry of accepted) {
  test(`reference mode matches the golden dump: ${entry.file}`, () => {
    const tokens = tokenize(shapedCorpusModel(entry.file), { mode: 'reference', batch: 1 });
    const gold = golden(entry.file);
    // No exception for any file: dims ONNX leaves unknown (0 in the dump) must be 0 here too.
    assert.deepEqual(compareWithGolden(tokens, gold), []);
  });
}

test('files the reference rejects are rejected with a reference-extractor message, or encoded', () => {
  // Rejections the reference makes after graph construction (ONNX shape inference gaps) need not be reproduced,
  // but any rejection we make must say why in the reference's terms.
  let rejected = 0;
  for (const entry of summary.filter((s) => !s.ok)) {
    try {
      tokenize(shapedCorpusModel(entry.file), { mode: 'reference', batch: 1 });
    } catch (err) {
      if (!(err instanceof TokenizeError)) throw err;
      assert.match(err.message, /^rejected by the reference extractor: |cycle|batch/);
      rejected++;
    }
  }
  assert.ok(rejected >= 20, `only ${rejected} of ${summary.length - accepted.length} rejected files were rejected`);
});
