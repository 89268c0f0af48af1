// Extended mode folds a BatchNormalization into the Conv before it exactly when onnxruntime would, and a network
// exported with its BatchNormalizations kept then tokenizes like the same network exported folded (the graphs the
// predictors were trained on). Reference mode keeps them: it reproduces the published extractor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readModel } from '../../src/core/formats';
import { readModelBytes } from '../../src/core/onnx';
import { inferShapes } from '../../src/core/graph/shapes';
import { tokenize, type Tokens } from '../../src/core/tokenizer';
import { encodeModel, floatInput, onnx } from '../helpers/onnxWriter';
import { runModule, torchMissing } from '../zoo/python';
import { corpusPath } from './corpus';

const FLOAT = onnx.TensorProto.DataType.FLOAT;

function weight(name: string, dims: number[]): onnx.ITensorProto {
  return { name, dataType: FLOAT, dims, floatData: new Array(dims.reduce((a, b) => a * b, 1)).fill(0.5) };
}

interface PairOptions {
  /** BatchNormalization inputs 1..4 come from a graph input instead of initializers. */
  scaleFromInput?: boolean;
  /** The Conv output is also read by a second node. */
  secondReader?: boolean;
  /** The Conv output is a graph output. */
  convIsOutput?: boolean;
  bnAttributes?: onnx.IAttributeProto[];
  convBias?: boolean;
}

/** x → Conv(3→4, 3x3) → BatchNormalization → Relu → y, with variations that must block the fold. */
function convBnModel(o: PairOptions = {}): Uint8Array {
  const bnInputs = ['c', o.scaleFromInput ? 's_in' : 's', 'b', 'm', 'v'];
  const nodes: onnx.INodeProto[] = [
    { opType: 'Conv', input: ['x', 'W', ...(o.convBias ? ['B'] : [])], output: ['c'], attribute: [{ name: 'pads', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 1, 1, 1] }] },
    { opType: 'BatchNormalization', input: bnInputs, output: ['n'], attribute: o.bnAttributes ?? [] },
    { opType: 'Relu', input: ['n'], output: ['y'] },
  ];
  if (o.secondReader) nodes.push({ opType: 'Sigmoid', input: ['c'], output: ['z'] });
  const outputs = [floatInput('y', [1, 4, 8, 8])];
  if (o.secondReader) outputs.push(floatInput('z', [1, 4, 8, 8]));
  if (o.convIsOutput) outputs.push(floatInput('c', [1, 4, 8, 8]));
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'conv-bn',
      node: nodes,
      input: [floatInput('x', [1, 3, 8, 8]), ...(o.scaleFromInput ? [floatInput('s_in', [4])] : [])],
      output: outputs,
      initializer: [weight('W', [4, 3, 3, 3]), ...(o.convBias ? [weight('B', [4])] : []), weight('s', [4]),
        weight('b', [4]), weight('m', [4]), weight('v', [4])],
    },
  });
}

function tokensOf(bytes: Uint8Array, mode: 'extended' | 'reference' = 'extended'): Tokens {
  return tokenize(inferShapes(readModelBytes(bytes), { batch: 1 }), { mode, batch: 1 });
}

test('a BatchNormalization after a Conv folds into it: one vertex fewer, the Conv gains a bias and the name', () => {
  const t = tokensOf(convBnModel());
  assert.equal(t.foldedBatchNorms, 1);
  assert.deepEqual(t.opTypes, ['Input', 'Conv', 'Relu']);
  assert.equal(t.names[1], 'n');
  const withBias = tokensOf(convBnModel({ convBias: true }));
  assert.equal(withBias.foldedBatchNorms, 1);
  assert.deepEqual(withBias.features.map((r) => [...r]), t.features.map((r) => [...r]));
  assert.deepEqual([...withBias.staticRaw], [...t.staticRaw]);
});

test('no fold where onnxruntime would not fold', () => {
  const cases: [string, PairOptions][] = [
    ['BatchNormalization statistics not constant', { scaleFromInput: true }],
    ['Conv output read twice', { secondReader: true }],
    ['Conv output is a graph output', { convIsOutput: true }],
    ['training-mode BatchNormalization', { bnAttributes: [{ name: 'training_mode', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] }],
  ];
  for (const [why, options] of cases) {
    const t = tokensOf(convBnModel(options));
    assert.equal(t.foldedBatchNorms, 0, why);
    assert.ok(t.opTypes.includes('BatchNormalization'), why);
  }
});

test('reference mode keeps every BatchNormalization (the published extractor does)', () => {
  const t = tokensOf(convBnModel(), 'reference');
  assert.equal(t.foldedBatchNorms, 0);
  assert.ok(t.opTypes.includes('BatchNormalization'));
});

test('corpus ResNet-18 (IR 3, weights listed as graph inputs): its 20 BatchNormalizations fold', () => {
  const model = readModel(corpusPath('nnlqp_resnet18-v1-7-no-weight.onnx'));
  const shaped = inferShapes(model, { batch: 1 });
  const extended = tokenize(shaped, { mode: 'extended', batch: 1 });
  const reference = tokenize(shaped, { mode: 'reference', batch: 1 });
  assert.equal(extended.foldedBatchNorms, 20);
  assert.equal(reference.names.length - extended.names.length, 20);
  assert.ok(!extended.opTypes.includes('BatchNormalization'));
});

const skip = torchMissing();
// Every zoo family with a BatchNormalization after a Conv (VGG draws BatchNorm only sometimes, so seed 0 may have none).
const FAMILIES = ['resnet', 'mobilenetv2', 'mobilenetv3', 'efficientnet', 'mnasnet', 'googlenet', 'nb201'];

test('zoo networks exported with BatchNormalization kept tokenize exactly like their folded export', { skip }, () => {
  mkdirSync('test/.tmp', { recursive: true });
  const dir = mkdtempSync(join('test/.tmp', 'unfolded-'));
  try {
    const r = runModule('training.zoo.unfolded', ['--families', FAMILIES.join(','), '--seeds', '1', '--out', dir]);
    assert.equal(r.status, 0, r.stderr);
    for (const family of FAMILIES) {
      const tokens = (kind: string) => {
        const shaped = inferShapes(readModel(join(dir, `${family}-0.${kind}.onnx`)), { batch: 1 });
        return tokenize(shaped, { mode: 'extended', batch: 1 });
      };
      const folded = tokens('folded');
      const unfolded = tokens('unfolded');
      assert.equal(folded.foldedBatchNorms, 0, family);
      assert.ok(unfolded.foldedBatchNorms > 0, `${family}: nothing folded`);
      assert.deepEqual(unfolded.opTypes, folded.opTypes, family);
      assert.deepEqual(unfolded.edges, folded.edges, family);
      assert.deepEqual(unfolded.outputShapes, folded.outputShapes, family);
      unfolded.features.forEach((row, i) => assert.deepEqual([...row], [...folded.features[i]], `${family} row ${i}`));
      assert.deepEqual([...unfolded.static], [...folded.static], family);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
