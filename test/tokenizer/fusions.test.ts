// Extended mode rewrites what onnxruntime rewrites when it opens a file — a Dropout or an Identity removed (an
// Identity of a weight folded into a weight of its own), a BatchNormalization folded into the Conv before it, a layer
// norm written as nine ops fused into one LayerNormalization — under the runtime's own conditions, so that a network
// exported another way, or untrained, tokenizes like its trained TorchScript opset-17 export. Reference mode keeps the file's nodes: it reproduces the published extractor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readModel } from '../../src/core/formats';
import { readModelBytes } from '../../src/core/onnx';
import { inferShapes } from '../../src/core/graph/shapes';
import { NO_FUSIONS, tokenize, type RuntimeFusions, type Tokens } from '../../src/core/tokenizer';
import { encodeModel, floatInput, onnx } from '../helpers/onnxWriter';
import { runModule, torchMissing } from '../zoo/python';
import { corpusPath } from './corpus';

const FLOAT = onnx.TensorProto.DataType.FLOAT;

function weight(name: string, dims: number[]): onnx.ITensorProto {
  return { name, dataType: FLOAT, dims, floatData: new Array(dims.reduce((a, b) => a * b, 1)).fill(0.5) };
}

/** An IR 8 model of one graph at `opset`. */
function model(opset: number, graph: onnx.IGraphProto): Uint8Array {
  return encodeModel({ irVersion: 8, opsetImport: [{ domain: '', version: opset }], graph: { name: 'g', ...graph } });
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
  return model(17, {
    node: nodes,
    input: [floatInput('x', [1, 3, 8, 8]), ...(o.scaleFromInput ? [floatInput('s_in', [4])] : [])],
    output: outputs,
    initializer: [weight('W', [4, 3, 3, 3]), ...(o.convBias ? [weight('B', [4])] : []), weight('s', [4]),
      weight('b', [4]), weight('m', [4]), weight('v', [4])],
  });
}

function tokensOf(bytes: Uint8Array, mode: 'extended' | 'reference' = 'extended'): Tokens {
  return tokenize(inferShapes(readModelBytes(bytes), { batch: 1 }), { mode, batch: 1 });
}

test('a BatchNormalization after a Conv folds into it: one vertex fewer, the Conv gains a bias and the name', () => {
  const t = tokensOf(convBnModel());
  assert.equal(t.fusions.batchNormalization, 1);
  assert.deepEqual(t.opTypes, ['Input', 'Conv', 'Relu']);
  assert.equal(t.names[1], 'n');
  const withBias = tokensOf(convBnModel({ convBias: true }));
  assert.equal(withBias.fusions.batchNormalization, 1);
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
    assert.equal(t.fusions.batchNormalization, 0, why);
    assert.ok(t.opTypes.includes('BatchNormalization'), why);
  }
});

test('reference mode keeps every BatchNormalization (the published extractor does)', () => {
  const t = tokensOf(convBnModel(), 'reference');
  assert.equal(t.fusions.batchNormalization, 0);
  assert.ok(t.opTypes.includes('BatchNormalization'));
});

test('corpus ResNet-18 (IR 3, weights listed as graph inputs): its 20 BatchNormalizations fold', () => {
  const model = readModel(corpusPath('nnlqp_resnet18-v1-7-no-weight.onnx'));
  const shaped = inferShapes(model, { batch: 1 });
  const extended = tokenize(shaped, { mode: 'extended', batch: 1 });
  const reference = tokenize(shaped, { mode: 'reference', batch: 1 });
  assert.equal(extended.fusions.batchNormalization, 20);
  assert.equal(reference.names.length - extended.names.length, 20);
  assert.ok(!extended.opTypes.includes('BatchNormalization'));
});

/** x [1, 4, 8] → LayerNormalization over the last axis → Relu, as one op (opset 17) or as nine ops. */
function layerNormModel(form: 'op' | 'nine-ops', o: { axes?: number[]; epsilonFromInput?: boolean; centredReadTwice?: boolean } = {}): Uint8Array {
  const ints = onnx.AttributeProto.AttributeType.INTS;
  const nodes: onnx.INodeProto[] = form === 'op'
    ? [{ opType: 'LayerNormalization', input: ['x', 'g', 'b'], output: ['n'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: -1 }] }]
    : [
        { opType: 'ReduceMean', input: ['x'], output: ['mean'], attribute: [{ name: 'axes', type: ints, ints: o.axes ?? [-1] }] },
        { opType: 'Sub', input: ['x', 'mean'], output: ['d'] },
        { opType: 'Pow', input: ['d', 'two'], output: ['sq'] },
        { opType: 'ReduceMean', input: ['sq'], output: ['var'], attribute: [{ name: 'axes', type: ints, ints: o.axes ?? [-1] }] },
        { opType: 'Add', input: ['var', o.epsilonFromInput ? 'eps_in' : 'eps'], output: ['ve'] },
        { opType: 'Sqrt', input: ['ve'], output: ['std'] },
        { opType: 'Div', input: ['d', 'std'], output: ['norm'] },
        { opType: 'Mul', input: ['norm', 'g'], output: ['scaled'] },
        { opType: 'Add', input: ['scaled', 'b'], output: ['n'] },
        ...(o.centredReadTwice ? [{ opType: 'Relu', input: ['d'], output: ['z'] }] : []),
      ];
  nodes.push({ opType: 'Relu', input: ['n'], output: ['y'] });
  const scalar = (name: string, v: number): onnx.ITensorProto => ({ name, dataType: FLOAT, dims: [], floatData: [v] });
  return model(form === 'op' ? 17 : 14, {
    node: nodes,
    input: [floatInput('x', [1, 4, 8]), ...(o.epsilonFromInput ? [floatInput('eps_in', [])] : [])],
    output: [floatInput('y', [1, 4, 8]), ...(o.centredReadTwice ? [floatInput('z', [1, 4, 8])] : [])],
    initializer: [weight('g', [8]), weight('b', [8]), ...(form === 'op' ? [] : [scalar('two', 2), scalar('eps', 1e-5)])],
  });
}

test('a layer norm written as nine ops tokenizes like the one LayerNormalization op', () => {
  const one = tokensOf(layerNormModel('op'));
  const nine = tokensOf(layerNormModel('nine-ops'));
  assert.deepEqual(nine.fusions, { batchNormalization: 0, layerNormalization: 1, dropout: 0, identity: 0 });
  assert.deepEqual(nine.opTypes, ['Input', 'Input', 'Input', 'LayerNormalization', 'Relu']); // x, γ, β
  assert.deepEqual(nine.opTypes, one.opTypes);
  assert.deepEqual(nine.edges, one.edges);
  assert.deepEqual(nine.features.map((r) => [...r]), one.features.map((r) => [...r]));
  assert.deepEqual([...nine.staticRaw], [...one.staticRaw]);
});

test('no layer-norm fusion where onnxruntime would not fuse', () => {
  const cases: [string, Parameters<typeof layerNormModel>[1]][] = [
    ['reduced over a leading axis', { axes: [1] }],
    ['epsilon not a constant', { epsilonFromInput: true }],
    ['x − mean also read elsewhere', { centredReadTwice: true }],
  ];
  for (const [why, options] of cases) {
    const t = tokensOf(layerNormModel('nine-ops', options));
    assert.equal(t.fusions.layerNormalization, 0, why);
    assert.ok(t.opTypes.includes('ReduceMean'), why);
  }
});

interface RemovalOptions {
  /** The node between Relu and the second Gemm. */
  between?: 'Dropout' | 'Identity';
  trainingMode?: boolean;
  maskRead?: boolean;
  /** That node's output is also a graph output. */
  exported?: boolean;
  /** The first Gemm reads its weight through an Identity. */
  weightIdentity?: boolean;
  /** The second Gemm reads the first one's weight through an Identity instead of its own, equal in shape: what
   *  torch.onnx.export writes for a tensor equal to an earlier one. */
  sharedWeight?: boolean;
}

/** x [1, 8] → Gemm → Relu → (Dropout or Identity) → Gemm → y. */
function removalModel(o: RemovalOptions = {}): Uint8Array {
  const nodes: onnx.INodeProto[] = [];
  if (o.weightIdentity) nodes.push({ opType: 'Identity', input: ['W1'], output: ['W1_shared'] });
  nodes.push({ opType: 'Gemm', input: ['x', o.weightIdentity ? 'W1_shared' : 'W1'], output: ['h1'] }, { opType: 'Relu', input: ['h1'], output: ['r'] });
  let h = 'r';
  if (o.between) {
    const inputs = [h, ...(o.trainingMode === undefined ? [] : ['ratio', o.trainingMode ? 'on' : 'off'])];
    nodes.push({ opType: o.between, input: inputs, output: ['d', ...(o.maskRead ? ['mask'] : [])] });
    h = 'd';
  }
  if (o.sharedWeight) nodes.push({ opType: 'Identity', input: ['W1'], output: ['W1_again'] });
  nodes.push({ opType: 'Gemm', input: [h, o.sharedWeight ? 'W1_again' : 'W2'], output: ['y'] });
  const bool = (name: string, v: boolean): onnx.ITensorProto => ({ name, dataType: onnx.TensorProto.DataType.BOOL, dims: [], int32Data: [v ? 1 : 0] });
  const boolOutput = (name: string): onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.BOOL, shape: { dim: [{ dimValue: 1 }, { dimValue: 8 }] } } } });
  return model(13, {
    node: nodes,
    input: [floatInput('x', [1, 8])],
    output: [floatInput('y', [1, 8]), ...(o.maskRead ? [boolOutput('mask')] : []), ...(o.exported ? [floatInput('d', [1, 8])] : [])],
    initializer: [weight('W1', [8, 8]), weight('W2', [8, 8]),
      { name: 'ratio', dataType: FLOAT, dims: [], floatData: [0.5] }, bool('on', true), bool('off', false)],
  });
}

test('a Dropout or an Identity is removed as at inference, an Identity of a weight folds: the tokens of the network without it', () => {
  const without = tokensOf(removalModel());
  const removed: [string, RemovalOptions, keyof RuntimeFusions][] = [
    ['Dropout', { between: 'Dropout' }, 'dropout'],
    ['Dropout, training mode false', { between: 'Dropout', trainingMode: false }, 'dropout'],
    ['Identity', { between: 'Identity' }, 'identity'],
    ['Identity in front of a weight', { weightIdentity: true }, 'identity'],
    // Folded into a weight of its own: two layers' parameters, as in the network with two weights.
    ['Identity sharing a weight', { sharedWeight: true }, 'identity'],
  ];
  for (const [what, options, kind] of removed) {
    const t = tokensOf(removalModel(options));
    assert.deepEqual(t.fusions, { ...NO_FUSIONS, [kind]: 1 }, what);
    assert.deepEqual(t.opTypes, without.opTypes, what);
    assert.deepEqual(t.edges, without.edges, what);
    assert.deepEqual(t.features.map((r) => [...r]), without.features.map((r) => [...r]), what);
    assert.deepEqual([...t.staticRaw], [...without.staticRaw], what);
  }
  const kept: [string, RemovalOptions][] = [
    ['Dropout in training mode', { between: 'Dropout', trainingMode: true }],
    ['Dropout whose mask is read', { between: 'Dropout', maskRead: true }],
    ['Dropout whose output is a graph output', { between: 'Dropout', exported: true }],
    ['Identity whose output is a graph output', { between: 'Identity', exported: true }],
  ];
  for (const [what, options] of kept) {
    const t = tokensOf(removalModel(options));
    assert.deepEqual(t.fusions, NO_FUSIONS, what);
    assert.ok(t.opTypes.includes(options.between!), what);
  }
  // keepIdentity: the tokens the zoo studies were trained on (reproduce.sh `tensors`); Dropouts still go.
  for (const options of [{ sharedWeight: true }, { between: 'Identity' as const }]) {
    const shaped = inferShapes(readModelBytes(removalModel(options)), { batch: 1 });
    const kept = tokenize(shaped, { mode: 'extended', batch: 1, keepIdentity: true });
    assert.deepEqual(kept.fusions, NO_FUSIONS);
    assert.ok(kept.opTypes.includes('Identity'));
  }
  const dropout = tokenize(inferShapes(readModelBytes(removalModel({ between: 'Dropout' })), { batch: 1 }), { mode: 'extended', batch: 1, keepIdentity: true });
  assert.equal(dropout.fusions.dropout, 1);
});

test('corpus AlexNet (Caffe2, weights from ConstantOfShape): its two Dropouts go', () => {
  const t = tokenize(inferShapes(readModel(corpusPath('onnx_light__light_bvlc_alexnet.onnx')), { batch: 1 }), { mode: 'extended', batch: 1 });
  assert.equal(t.fusions.dropout, 2);
  assert.ok(!t.opTypes.includes('Dropout'));
});

const skip = torchMissing();
// Every family with a BatchNormalization after a Conv (VGG draws BatchNorm only sometimes, so its seed 0 may have
// none) and both transformers (the only families with a layer norm).
const BN_FAMILIES = ['resnet', 'mobilenetv2', 'mobilenetv3', 'efficientnet', 'mnasnet', 'googlenet', 'nb201'];
const LN_FAMILIES = ['vit', 'convnext'];
const FAMILIES = [...BN_FAMILIES, ...LN_FAMILIES, 'alexnet', 'squeezenet', 'vgg'];
// The families whose zoo export (initial weights) shares equal tensors behind Identity nodes.
const SHARING_FAMILIES = ['resnet', 'mobilenetv2', 'mobilenetv3', 'efficientnet', 'mnasnet', 'googlenet', 'nb201', 'vit', 'convnext'];

test('every zoo family exported untrained, with BatchNormalization kept, or at opset 14, tokenizes exactly like its trained TorchScript export', { skip }, () => {
  mkdirSync('test/.tmp', { recursive: true });
  const dir = mkdtempSync(join('test/.tmp', 'variants-'));
  try {
    const r = runModule('training.zoo.variants', ['--families', FAMILIES.join(','), '--seeds', '1', '--out', dir]);
    assert.equal(r.status, 0, r.stderr);
    for (const family of FAMILIES) {
      const tokens = (variant: string) => {
        const shaped = inferShapes(readModel(join(dir, `${family}-0.${variant}.onnx`)), { batch: 1 });
        return tokenize(shaped, { mode: 'extended', batch: 1 });
      };
      const torchScript = tokens('trained');
      assert.deepEqual(torchScript.fusions, NO_FUSIONS, family);
      for (const variant of ['zoo', 'unfolded', 'opset14']) {
        const other = tokens(variant);
        const what = `${family} ${variant}`;
        const expected = { zoo: SHARING_FAMILIES, unfolded: BN_FAMILIES, opset14: LN_FAMILIES }[variant]!;
        const fused = { zoo: other.fusions.identity, unfolded: other.fusions.batchNormalization, opset14: other.fusions.layerNormalization }[variant]!;
        assert.equal(fused > 0, expected.includes(family), `${what}: ${JSON.stringify(other.fusions)}`);
        assert.deepEqual(other.opTypes, torchScript.opTypes, what);
        assert.deepEqual(other.edges, torchScript.edges, what);
        assert.deepEqual(other.outputShapes, torchScript.outputShapes, what);
        other.features.forEach((row, i) => assert.deepEqual([...row], [...torchScript.features[i]], `${what} row ${i}`));
        assert.deepEqual([...other.static], [...torchScript.static], what);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
