// The training-tensor contract end to end: the TypeScript tokenizer tokenizes real corpus models and writes a
// tensor folder (writeTrainingTensors), and the PyTorch side (training/train/tensors.py) must read exactly what
// was written — counts, widths, NaN for unlabelled platforms — and the V2 and NNLP models must give finite,
// positive predictions for every graph, the same in a padded batch and in an edge-form batch (what training runs)
// as one by one, and the same in the edge form (the one exported predictors run) as in the dense form.

import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { analyzeFile } from '../../src/core/analyze';
import { writeTrainingTensors, type TrainingItem, type TokenizerMode } from '../../src/core/tokenizer';
import { missingTorch, REPO, runModule, tempFolder } from './python';

const CORPUS = join(REPO, 'test', 'fixtures', 'onnx-corpus', 'models');
const FILES: [string, string][] = [
  ['nnlqp', 'nnlqp_resnet18-v1-7-no-weight.onnx'],
  ['light', 'onnx_light__light_squeezenet.onnx'],
  ['light', 'onnx_light__light_bvlc_alexnet.onnx'],
  ['light', 'onnx_light__light_inception_v1.onnx'],
  ['light', 'onnx_light__light_densenet121.onnx'],
  ['small', 'libonnx_mnist_8.onnx'],
  ['small', 'onnx2c_test__simple_networks__conv_k2_maxpool_k2.onnx'],
  ['small', 'onnx_pytorch-converted__test_Conv2d.onnx'],
];

interface Seen {
  error?: string;
  graphs: number; rows: number; edges: number; featureDim: number; nnlpDim: number; staticDim: number;
  nodeCounts: number[]; labelled: number[]; latency: (number | null)[]; mode: string; vocabularyVersion: string;
  v2: { finite: boolean; positive: boolean; maxBatchVsSingle: number; maxEdgeBatchVsSingle: number; maxEdgesVsSingle: number };
  nnlp: { finite: boolean; positive: boolean; maxBatchVsSingle: number; maxEdgeBatchVsSingle: number; maxEdgesVsSingle: number };
}

const skip = missingTorch();
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

for (const mode of ['extended', 'reference'] as TokenizerMode[]) {
  test(`${mode} tokens written by TypeScript are read by PyTorch as written`, { skip: skip ? `skipped: ${skip}` : false }, () => {
    const items: TrainingItem[] = [];
    for (const [family, file] of FILES) {
      let tokens;
      try {
        tokens = analyzeFile(join(CORPUS, file), { mode }).tokens;
      } catch (err) {
        if (mode === 'reference') continue; // the reference extractor rejects some models; extended must not
        throw err;
      }
      // Deterministic stand-in labels (not measurements): the second platform is left unlabelled on every
      // other graph to exercise NaN.
      const latencies: Record<string, number> = { 'test-a': 0.5 + tokens.staticRaw[1]! };
      if (items.length % 2 === 0) latencies['test-b'] = 1 + tokens.names.length / 100;
      items.push({ id: file, family, batch: 1, tokens, latencies });
    }
    assert.ok(items.length >= 6, `expected most corpus models to tokenize in ${mode} mode, got ${items.length}`);
    const dir = tempFolder(`training-contract-${mode}-`);
    dirs.push(dir);
    writeTrainingTensors(dir, items, { dataset: 'corpus-contract', platforms: ['test-a', 'test-b'] });
    const result = runModule('training.tests.contract_check', [dir, 'test-b']);
    assert.equal(result.status, 0, result.stderr.slice(-3000));
    const seen = JSON.parse(result.stdout) as Seen;
    assert.equal(seen.error, undefined);
    assert.equal(seen.graphs, items.length);
    assert.deepEqual(seen.nodeCounts, items.map((i) => i.tokens.names.length));
    assert.equal(seen.rows, items.reduce((n, i) => n + i.tokens.names.length, 0));
    assert.equal(seen.edges, items.reduce((n, i) => n + i.tokens.edges.length, 0));
    assert.equal(seen.featureDim, items[0]!.tokens.featureDim);
    assert.equal(seen.nnlpDim, items[0]!.tokens.nnlpFeatureDim);
    if (mode === 'reference') assert.equal(seen.nnlpDim, 44);
    assert.equal(seen.staticDim, items[0]!.tokens.static.length);
    assert.equal(seen.mode, mode);
    assert.deepEqual(seen.labelled, items.map((_, g) => g).filter((g) => g % 2 === 0));
    seen.latency.forEach((v, g) => {
      if (g % 2 === 0) assert.ok(Math.abs(v! - (1 + items[g]!.tokens.names.length / 100)) < 1e-5);
      else assert.equal(v, null);
    });
    assert.ok(Math.max(...seen.nodeCounts) > 200, 'a large graph (DenseNet-121) is part of the check');
    for (const model of [seen.v2, seen.nnlp]) {
      assert.ok(model.finite && model.positive, JSON.stringify(model));
      assert.ok(model.maxBatchVsSingle < 1e-4, `padded batch vs one by one: ${model.maxBatchVsSingle}`);
      assert.ok(model.maxEdgeBatchVsSingle < 1e-4, `edge-form batch (training) vs dense one by one: ${model.maxEdgeBatchVsSingle}`);
      assert.ok(model.maxEdgesVsSingle < 1e-5, `edge form vs dense, one by one: ${model.maxEdgesVsSingle}`);
    }
  });
}
