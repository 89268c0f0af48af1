// Decoding of the ModelProto features the corpus does not all exercise: small tensor values of each element
// type, attributes of every kind (including old-IR type 0), subgraphs, functions, container types, no-weight files.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { readModelBytes, readModelFile } from '../../src/core/onnx';
import { encodeModel, floatInput, onnx } from '../helpers/onnxWriter';
import { CORPUS_DIR } from './corpusPaths';
import { join } from 'node:path';

const DT = onnx.TensorProto.DataType;
const AT = onnx.AttributeProto.AttributeType;

function le(values: number[], bytes: number, write: (buffer: Buffer, value: number, offset: number) => void): Uint8Array {
  const buffer = Buffer.alloc(values.length * bytes);
  values.forEach((v, i) => write(buffer, v, i * bytes));
  return buffer;
}

function modelWith(graph: onnx.IGraphProto, extra: Partial<onnx.IModelProto> = {}): Uint8Array {
  return encodeModel({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph, ...extra });
}

test('small tensors get values for every decodable element type, raw and typed', () => {
  const bytes = modelWith({
    name: 'values',
    initializer: [
      { name: 'shape_raw', dataType: DT.INT64, dims: [3], rawData: le([1, -1, 9007199254740991], 8, (b, v, o) => b.writeBigInt64LE(BigInt(v), o)) },
      { name: 'shape_typed', dataType: DT.INT64, dims: [2], int64Data: [4, -2] },
      { name: 'scales', dataType: DT.FLOAT, dims: [4], floatData: [1, 1, 2, 2.5] },
      { name: 'half', dataType: DT.FLOAT16, dims: [3], rawData: new Uint8Array([0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38]) },
      { name: 'half_typed', dataType: DT.FLOAT16, dims: [1], int32Data: [0x3c00] },
      { name: 'bf16', dataType: DT.BFLOAT16, dims: [1], rawData: new Uint8Array([0x80, 0x3f]) },
      { name: 'dbl', dataType: DT.DOUBLE, dims: [2], doubleData: [0.1, -3] },
      { name: 'u8', dataType: DT.UINT8, dims: [2], rawData: new Uint8Array([7, 255]) },
      { name: 'i8', dataType: DT.INT8, dims: [2], int32Data: [-7, 100] },
      { name: 'flag', dataType: DT.BOOL, dims: [], int32Data: [1] },
      { name: 'u64', dataType: DT.UINT64, dims: [1], uint64Data: [42] },
      { name: 'i32', dataType: DT.INT32, dims: [2], rawData: le([-5, 6], 4, (b, v, o) => b.writeInt32LE(v, o)) },
      { name: 'big_float', dataType: DT.FLOAT, dims: [65], rawData: new Uint8Array(65 * 4) },
      { name: 'int_table', dataType: DT.INT64, dims: [4096], rawData: new Uint8Array(4096 * 8) },
      { name: 'int_too_big', dataType: DT.INT64, dims: [4097], rawData: new Uint8Array(4097 * 8) },
      { name: 'mismatch', dataType: DT.INT64, dims: [3], rawData: new Uint8Array(16) },
      { name: 'strings', dataType: DT.STRING, dims: [2], stringData: [Buffer.from('a'), Buffer.from('b')] },
    ],
  });
  const init = readModelBytes(bytes, { name: 'values.onnx' }).graph.initializers;
  const values = (name: string) => init.get(name)?.values;
  assert.deepEqual(values('shape_raw'), [1, -1, 9007199254740991]);
  assert.deepEqual(values('shape_typed'), [4, -2]);
  assert.deepEqual(values('scales'), [1, 1, 2, 2.5]);
  assert.deepEqual(values('half'), [1, -2, 0.5]);
  assert.deepEqual(values('half_typed'), [1]);
  assert.deepEqual(values('bf16'), [1]);
  assert.deepEqual(values('dbl'), [0.1, -3]);
  assert.deepEqual(values('u8'), [7, 255]);
  assert.deepEqual(values('i8'), [-7, 100]);
  assert.deepEqual(values('flag'), [1]);
  assert.deepEqual(values('u64'), [42]);
  assert.deepEqual(values('i32'), [-5, 6]);
  assert.equal(values('big_float'), undefined, 'float tensors over 64 elements are not decoded');
  assert.equal(values('int_table')?.length, 4096);
  assert.equal(values('int_too_big'), undefined);
  assert.equal(values('mismatch'), undefined, 'a payload of the wrong size is not decoded');
  assert.equal(values('strings'), undefined);
  assert.equal(init.get('strings')?.storage.kind, 'inline');
  const storage = init.get('big_float')?.storage;
  assert.ok(storage?.kind === 'inline' && storage.byteLength === 65 * 4);
  // The payload offset points at the bytes themselves.
  if (storage?.kind === 'inline') assert.equal(storage.byteOffset + storage.byteLength <= bytes.length, true);
});

test('attributes of every kind, Constant values, and type 0 inferred from the populated field', () => {
  const bytes = modelWith({
    name: 'attrs',
    node: [
      {
        opType: 'Custom',
        domain: 'ai.onnx',
        input: ['x', ''],
        output: ['y'],
        attribute: [
          { name: 'f', type: AT.FLOAT, f: 0.5 },
          { name: 'i', type: AT.INT, i: -3 },
          { name: 's', type: AT.STRING, s: Buffer.from('héllo') },
          { name: 'fs', type: AT.FLOATS, floats: [1, 2] },
          { name: 'is', type: AT.INTS, ints: [9, -9] },
          { name: 'ss', type: AT.STRINGS, strings: [Buffer.from('a'), Buffer.from('b')] },
          { name: 'ts', type: AT.TENSORS, tensors: [{ name: 't0', dataType: DT.INT64, dims: [1], int64Data: [5] }] },
          { name: 'tp', type: AT.TYPE_PROTO, tp: { tensorType: { elemType: DT.FLOAT } } },
          { name: 'old_int', i: 7 },
          { name: 'old_ints', ints: [1, 2, 3] },
          { name: 'old_string', s: Buffer.from('SAME_UPPER') },
          { name: 'ref', type: AT.INT, refAttrName: 'outer' },
          { name: 'empty' },
        ],
      },
      {
        opType: 'Constant',
        output: ['c'],
        attribute: [{ name: 'value', type: AT.TENSOR, t: { dataType: DT.INT64, dims: [2], rawData: le([2, -1], 8, (b, v, o) => b.writeBigInt64LE(BigInt(v), o)) } }],
      },
    ],
  });
  const model = readModelBytes(bytes);
  const [custom, constant] = model.graph.nodes;
  assert.equal(custom.domain, '', "'ai.onnx' is normalised to ''");
  assert.deepEqual(custom.inputs, ['x', '']);
  const a = custom.attributes;
  assert.deepEqual(a.get('f'), { kind: 'float', value: 0.5 });
  assert.deepEqual(a.get('i'), { kind: 'int', value: -3 });
  assert.deepEqual(a.get('s'), { kind: 'string', value: 'héllo' });
  assert.deepEqual(a.get('fs'), { kind: 'floats', value: [1, 2] });
  assert.deepEqual(a.get('is'), { kind: 'ints', value: [9, -9] });
  assert.deepEqual(a.get('ss'), { kind: 'strings', value: ['a', 'b'] });
  const ts = a.get('ts');
  assert.ok(ts?.kind === 'tensors' && ts.value[0].values?.[0] === 5);
  assert.deepEqual(a.get('tp'), { kind: 'type_proto' });
  assert.deepEqual(a.get('old_int'), { kind: 'int', value: 7 });
  assert.deepEqual(a.get('old_ints'), { kind: 'ints', value: [1, 2, 3] });
  assert.deepEqual(a.get('old_string'), { kind: 'string', value: 'SAME_UPPER' });
  assert.deepEqual(a.get('ref'), { kind: 'ref', refName: 'outer' });
  assert.equal(a.has('empty'), false, 'an attribute with no type and no value is dropped, with a warning');
  assert.ok(model.readWarnings?.some((w) => w.includes("'empty'")));
  const value = constant.attributes.get('value');
  assert.ok(value?.kind === 'tensor');
  assert.deepEqual(value.value.values, [2, -1]);
});

test('If/Loop subgraphs, functions, container types and symbolic dims', () => {
  const branch = (name: string, op: string): onnx.IGraphProto => ({
    name,
    node: [{ opType: op, input: ['x'], output: [`${name}_out`] }],
    output: [floatInput(`${name}_out`, ['N', 4])],
  });
  const bytes = modelWith(
    {
      name: 'main',
      node: [
        {
          opType: 'If',
          input: ['cond'],
          output: ['y'],
          attribute: [
            { name: 'then_branch', type: AT.GRAPH, g: branch('then', 'Relu') },
            { name: 'else_branch', type: AT.GRAPH, g: branch('else', 'Sigmoid') },
          ],
        },
        { opType: 'Fancy', domain: 'local', input: ['y'], output: ['z'] },
      ],
      input: [floatInput('x', ['N', 4]), { name: 'cond', type: { tensorType: { elemType: DT.BOOL, shape: { dim: [] } } } }],
      output: [
        { name: 'z', type: { sequenceType: { elemType: { tensorType: { elemType: DT.FLOAT, shape: { dim: [{ dimValue: 2 }, {}] } } } } } },
      ],
      valueInfo: [
        { name: 'm', type: { mapType: { keyType: DT.INT64, valueType: { tensorType: { elemType: DT.FLOAT } } } } },
        { name: 'untyped' },
      ],
    },
    {
      functions: [
        {
          name: 'Fancy',
          domain: 'local',
          input: ['a'],
          output: ['b'],
          attribute: ['alpha'],
          node: [{ opType: 'Relu', input: ['a'], output: ['b'] }],
          opsetImport: [{ domain: '', version: 17 }],
        },
      ],
      metadataProps: [{ key: 'author', value: 'tests' }],
      opsetImport: [{ domain: 'ai.onnx', version: 17 }, { domain: 'local', version: 1 }],
    },
  );
  const model = readModelBytes(bytes);
  assert.deepEqual(model.opsets, new Map([['', 17], ['local', 1]]));
  assert.deepEqual(model.metadata, new Map([['author', 'tests']]));
  const thenBranch = model.graph.nodes[0].attributes.get('then_branch');
  assert.ok(thenBranch?.kind === 'graph');
  assert.equal(thenBranch.value.nodes[0].opType, 'Relu');
  assert.deepEqual(thenBranch.value.outputs[0].shape, ['N', 4]);
  assert.deepEqual(model.graph.inputs[1], { name: 'cond', elemType: DT.BOOL, shape: [] });
  assert.deepEqual(model.graph.outputs[0], { name: 'z', elemType: DT.FLOAT, shape: [2, null], typeKind: 'sequence' });
  assert.deepEqual(model.graph.valueInfo[0], { name: 'm', elemType: DT.FLOAT, typeKind: 'map' });
  assert.deepEqual(model.graph.valueInfo[1], { name: 'untyped', elemType: 0 });
  assert.equal(model.functions.length, 1);
  const fn = model.functions[0];
  assert.deepEqual([fn.name, fn.domain, fn.inputs, fn.outputs, fn.attributeNames], ['Fancy', 'local', ['a'], ['b'], ['alpha']]);
  assert.equal(fn.nodes[0].opType, 'Relu');
  assert.deepEqual(fn.opsets, new Map([['', 17]]));
});

test("NNLQP's graph-only file is read as onnx-no-weight with dims and no payload", () => {
  const model = readModelFile(join(CORPUS_DIR, 'models/nnlqp_resnet18-v1-7-no-weight.onnx'));
  assert.equal(model.format, 'onnx-no-weight');
  assert.ok(model.graph.initializers.size > 0);
  for (const tensor of model.graph.initializers.values()) {
    assert.equal(tensor.storage.kind, 'none');
    assert.ok(tensor.dims.length > 0);
  }
});

test('sparse initializers are listed with dims and the storage of their values', () => {
  const model = readModelBytes(
    modelWith({
      name: 'sparse',
      sparseInitializer: [
        { dims: [10, 10], values: { name: 'S', dataType: DT.FLOAT, dims: [3], floatData: [1, 2, 3] }, indices: { dataType: DT.INT64, dims: [3], int64Data: [0, 11, 99] } },
      ],
    }),
  );
  const sparse = model.graph.initializers.get('S');
  assert.deepEqual(sparse?.dims, [10, 10]);
  assert.equal(sparse?.elemType, DT.FLOAT);
  assert.equal(sparse?.storage.kind, 'inline');
});
