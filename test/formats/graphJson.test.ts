// Graph JSON (docs/graph-json.md): every corpus model converted to graph JSON and read back gives the same
// tokens, costs and shapes as its .onnx; the dispatcher picks the reader by suffix; malformed documents get a
// GraphJsonError naming the JSON path; limits refuse oversized input; `nar-lens convert` writes a readable file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModelFile } from '../../src/core/onnx';
import { inferShapes } from '../../src/core/graph/shapes';
import { computeCosts } from '../../src/core/graph/costs';
import { tokenize } from '../../src/core/tokenizer';
import type { Model } from '../../src/core/graph/types';
import { readModel, readGraphJsonText, readGraphJsonDocument, toGraphJsonText, toGraphJsonDocument, GraphJsonError, formatOfPath } from '../../src/core/formats';
import { convertCommand } from '../../src/cli/commands/convert';
import { UsageError } from '../../src/cli/command';

const CORPUS = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'onnx-corpus', 'models');
const tmp = mkdtempSync(join(tmpdir(), 'nar-lens-graph-json-'));

function analysis(model: Model) {
  const shaped = inferShapes(model, { batch: 1 });
  const costs = computeCosts(shaped, 'fixed');
  const tokens = tokenize(shaped, { mode: 'extended', batch: 1, costs });
  return {
    shapes: [...shaped.values].map(([k, v]) => [k, v.elemType, v.shape ?? null]),
    total: costs.total,
    names: tokens.names,
    opTypes: tokens.opTypes,
    outputShapes: tokens.outputShapes,
    edges: tokens.edges,
    features: tokens.features.map((r) => Array.from(r)),
    static: Array.from(tokens.static),
    coverage: tokens.coverage,
  };
}

test('every corpus model: convert → read back → same shapes, costs and tokens as the .onnx', () => {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.onnx')).sort();
  assert.ok(files.length >= 90, `corpus has ${files.length} models`);
  let compared = 0;
  const refused: string[] = [];
  for (const f of files) {
    const onnx = readModelFile(join(CORPUS, f));
    let expected;
    try {
      expected = analysis(onnx);
    } catch (e) {
      refused.push(`${f}: ${(e as Error).message}`); // the tokenizer refuses a few models; the read-back must refuse them too
      const back = readGraphJsonText(toGraphJsonText(onnx), `${f}.graph.json`);
      assert.throws(() => analysis(back), { message: (e as Error).message }, f);
      continue;
    }
    const path = join(tmp, f.replace(/\.onnx$/, '.graph.json'));
    writeFileSync(path, toGraphJsonText(onnx));
    const back = readModel(path);
    assert.equal(back.format, 'graph-json');
    assert.equal(back.graph.nodes.length, onnx.graph.nodes.length, f);
    assert.deepEqual([...back.opsets], [...onnx.opsets], f);
    assert.deepEqual(analysis(back), expected, f);
    compared++;
  }
  assert.ok(compared >= 90, `compared ${compared} models; refused: ${refused.join('; ')}`);
});

test('the document round-trips: writing a read-back model gives the same document', () => {
  const onnx = readModelFile(join(CORPUS, 'onnx_light__light_inception_v1.onnx'));
  const doc = toGraphJsonDocument(onnx);
  const again = toGraphJsonDocument(readGraphJsonDocument(JSON.parse(JSON.stringify(doc))));
  assert.deepEqual(again, JSON.parse(JSON.stringify(doc)));
});

test('the dispatcher picks the reader by suffix', () => {
  assert.equal(formatOfPath('/a/b/net.graph.json'), 'graph-json');
  assert.equal(formatOfPath('/a/b/NET.GRAPH.JSON'), 'graph-json');
  assert.equal(formatOfPath('/a/b/net.onnx'), 'onnx');
  const m = readModel(join(CORPUS, 'onnx_light__light_squeezenet.onnx'));
  assert.equal(m.format === 'onnx' || m.format === 'onnx-no-weight', true);
  // A JSON file named .onnx is read as ONNX, and the ONNX reader says it is not one.
  const wrong = join(tmp, 'actually-json.onnx');
  writeFileSync(wrong, toGraphJsonText(m));
  assert.throws(() => readModel(wrong), (e: Error) => e.name === 'ModelReadError');
});

const minimal = () => ({
  format: 'nar-lens-graph',
  version: 1,
  opsets: { '': 13 },
  graph: {
    name: 'g',
    inputs: [{ name: 'x', elemType: 'FLOAT', shape: ['batch', 3, 8, 8] }],
    outputs: [{ name: 'y', elemType: 'FLOAT' }],
    initializers: [{ name: 'w', elemType: 'FLOAT', dims: [4, 3, 3, 3] }],
    nodes: [{ name: 'conv', opType: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attributes: { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] } } }],
  },
});

test('a hand-written document is read and analysed (symbolic batch, Conv cost)', () => {
  const m = readGraphJsonDocument(minimal(), 'hand.graph.json');
  assert.equal(m.format, 'graph-json');
  assert.deepEqual(m.graph.inputs[0].shape, ['batch', 3, 8, 8]);
  const shaped = inferShapes(m, { batch: 2 });
  assert.deepEqual(shaped.values.get('y')?.shape, [2, 4, 8, 8]);
  const costs = computeCosts(shaped, 'fixed');
  // 2×4×8×8 outputs × 3×3×3 MACs each
  assert.equal(costs.total.macs, 2 * 4 * 8 * 8 * 27);
  assert.equal(costs.total.params, 4 * 3 * 3 * 3);
});

test('malformed documents give a GraphJsonError that names the place', () => {
  const cases: [string, (d: ReturnType<typeof minimal>) => unknown, RegExp][] = [
    ['wrong format tag', (d) => ({ ...d, format: 'onnx' }), /"format" must be "nar-lens-graph", got "onnx" at format/],
    ['future version', (d) => ({ ...d, version: 2 }), /unsupported version number 2 \(this reader reads version 1\) at version/],
    ['no graph', (d) => ({ ...d, graph: undefined }), /missing at graph/],
    ['node without opType', (d) => { (d.graph.nodes[0] as Record<string, unknown>).opType = ''; return d; }, /must not be empty at graph\.nodes\[0\]\.opType/],
    ['two attribute type keys', (d) => { (d.graph.nodes[0].attributes as Record<string, unknown>).pads = { ints: [1], int: 1 }; return d; }, /exactly one type key.* at graph\.nodes\[0\]\.attributes\.pads/],
    ['unknown attribute type', (d) => { (d.graph.nodes[0].attributes as Record<string, unknown>).pads = { bytes: 'x' }; return d; }, /unknown attribute type key 'bytes'/],
    ['negative dim', (d) => { d.graph.initializers[0].dims = [4, -3]; return d; }, /expected an integer ≥ 0, got number -3 at graph\.initializers\[0\]\.dims\[1\]/],
    ['values do not fill the dims', (d) => { (d.graph.initializers[0] as Record<string, unknown>).values = [1, 2]; return d; }, /2 values for dims \[4, 3, 3, 3\] \(108 elements\)/],
    ['unknown element type', (d) => { d.graph.inputs[0].elemType = 'FLOAT99'; return d; }, /unknown element type "FLOAT99" .* at graph\.inputs\[0\]\.elemType/],
    ['inputs not an array', (d) => { (d.graph.nodes[0] as Record<string, unknown>).inputs = 'x'; return d; }, /expected an array, got "x" at graph\.nodes\[0\]\.inputs/],
    ['unnamed initializer', (d) => { d.graph.initializers[0].name = ''; return d; }, /an initializer needs a name/],
    ['opset version 0', (d) => ({ ...d, opsets: { '': 0 } }), /expected an integer ≥ 1/],
  ];
  for (const [what, edit, message] of cases) {
    assert.throws(() => readGraphJsonDocument(edit(minimal()), 'bad.graph.json'), (e: Error) => {
      assert.ok(e instanceof GraphJsonError, `${what}: ${e.name}`);
      assert.match(e.message, /^bad\.graph\.json: /, what);
      assert.match(e.message, message, what);
      return true;
    });
  }
  assert.throws(() => readGraphJsonText('{"format": "nar-lens-graph", ', 'cut.graph.json'), /cut\.graph\.json: not valid JSON/);
});

test('limits: file size, node count, nesting and string length are bounded', () => {
  const path = join(tmp, 'big.graph.json');
  writeFileSync(path, JSON.stringify(minimal()));
  assert.throws(() => readModel(path, { graphJson: { maxFileBytes: 100 } }), /bytes is over the graph JSON limit of 100 bytes/);
  const many = minimal();
  many.graph.nodes = Array.from({ length: 11 }, (_, i) => ({ ...many.graph.nodes[0], name: `n${i}` }));
  assert.throws(() => readGraphJsonDocument(many, 'many', 0, { maxNodes: 10 }), /more than 10 nodes at graph\.nodes\[10\]/);
  // If-in-If-in-If ...: refused at the configured depth instead of recursing without bound.
  let body: Record<string, unknown> = { nodes: [] };
  for (let i = 0; i < 40; i++) body = { nodes: [{ opType: 'If', inputs: ['c'], outputs: ['o'], attributes: { then_branch: { graph: body } } }] };
  assert.throws(() => readGraphJsonDocument({ ...minimal(), graph: body }, 'deep'), /nested more than 32 deep/);
  const long = minimal();
  long.graph.nodes[0].name = 'x'.repeat(50);
  assert.throws(() => readGraphJsonDocument(long, 'long', 0, { maxStringLength: 10 }), /50 characters is over the limit of 10 at graph\.nodes\[0\]\.name/);
});

test('NaN and infinities survive as strings', () => {
  const d = minimal();
  (d.graph.nodes[0].attributes as Record<string, unknown>).alpha = { float: 'NaN' };
  d.graph.initializers.push({ name: 'c', elemType: 'FLOAT', dims: [3], values: ['Infinity', '-Infinity', 1.5] } as never);
  const m = readGraphJsonDocument(d);
  assert.ok(Number.isNaN((m.graph.nodes[0].attributes.get('alpha') as { value: number }).value));
  assert.deepEqual(m.graph.initializers.get('c')?.values, [Infinity, -Infinity, 1.5]);
  const text = toGraphJsonText(m);
  assert.deepEqual(readGraphJsonText(text).graph.initializers.get('c')?.values, [Infinity, -Infinity, 1.5]);
});

test('nar-lens convert writes graph JSON that reads back to the same tokens; usage errors exit 2', async () => {
  const src = join(CORPUS, 'onnx_light__light_resnet50.onnx');
  const out = join(tmp, 'resnet50.graph.json');
  const io = { out: '', err: '' };
  const cli = { stdout: (t: string) => (io.out += t), stderr: (t: string) => (io.err += t) };
  // As main.ts does: a UsageError is exit code 2 (main.ts itself runs its own argv when bundled, so it is not imported).
  const main = async (argv: string[], io2: typeof cli) => {
    try {
      return await convertCommand.run(argv.slice(1), io2);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      io2.stderr(e.message + '\n');
      return 2;
    }
  };
  assert.equal(await main(['convert', src, '--to', 'graph-json', '-o', out], cli), 0, io.err);
  assert.match(io.out, /resnet50\.graph\.json: 415 nodes/);
  assert.deepEqual(analysis(readModel(out)), analysis(readModelFile(src)));
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).format, 'nar-lens-graph');
  assert.equal(await main(['convert', src, '--to', 'graph-json', '-o', out], cli), 1, 'refuses to overwrite');
  assert.match(io.err, /exists \(use --force/);
  assert.equal(await main(['convert', src, '--to', 'graph-json', '-o', out, '--force'], cli), 0);
  assert.equal(await main(['convert', src, '--to', 'tflite'], cli), 2);
  assert.match(io.err, /cannot convert to 'tflite'/);
  assert.equal(await main(['convert', src], cli), 2);
  const corrupt = join(tmp, 'corrupt.onnx');
  writeFileSync(corrupt, readFileSync(src).subarray(0, 3000));
  assert.equal(await main(['convert', corrupt, '--to', 'graph-json', '-o', join(tmp, 'c.graph.json')], cli), 1);
  assert.match(io.err, /corrupt\.onnx: .* at byte/);
});
