import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findModelLiterals, candidatePaths } from '../../src/extension/modelPaths';

test('finds model paths in string literals, with their exact columns', () => {
  const text = 'import torch\ntorch.onnx.export(model, x, "resnet.onnx")\nopen(\'out/g.graph.json\')\nname = "resnet.onnx.bak"\n';
  const found = findModelLiterals(text);
  assert.deepEqual(found.map((f) => [f.line, f.text]), [[1, 'resnet.onnx'], [2, 'out/g.graph.json']]);
  const line = text.split('\n')[1];
  assert.equal(line.slice(found[0].start, found[0].end), 'resnet.onnx');
});

test('ignores unquoted mentions, unterminated strings and very long lines', () => {
  assert.deepEqual(findModelLiterals('# see resnet.onnx\nx = "a.onnx\n'), []);
  assert.deepEqual(findModelLiterals(`"${'a'.repeat(3000)}.onnx"`), []);
});

test('template and single-quoted literals count; a quote of the other kind inside does not end it', () => {
  const found = findModelLiterals("load(`models/${name}.onnx`); f('it\"s.onnx')");
  assert.deepEqual(found.map((f) => f.text), ['models/${name}.onnx', 'it"s.onnx']);
});

test('relative paths resolve beside the document first, then under each workspace root', () => {
  assert.deepEqual(candidatePaths('m/a.onnx', '/w/src/export.py', ['/w']), ['/w/src/m/a.onnx', '/w/m/a.onnx']);
  assert.deepEqual(candidatePaths('/abs/a.onnx', '/w/x.py', ['/w']), ['/abs/a.onnx']);
});
