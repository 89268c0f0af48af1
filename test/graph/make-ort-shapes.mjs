// Regenerates test/fixtures/ort-shapes.json: the per-node output shapes onnxruntime-node reports in its
// profiler for every corpus model it can run (optimisations off, so nodes keep their names; one thread).
// Inputs: declared dims, every symbolic dim set to 1, values are random floats / zeros.
// Fixture layout: file → { inputs: {name: shape}, nodes: {ortNodeIndex: [[opType, [outputShape, …]], …]} } or { skipped }.
// Run from the repo root:  node test/graph/make-ort-shapes.mjs
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import ort from 'onnxruntime-node';

const corpus = 'test/fixtures/onnx-corpus/models';
const TYPED = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array,
  uint16: Uint16Array, int32: Int32Array, int64: BigInt64Array, uint32: Uint32Array, uint64: BigUint64Array,
  bool: Uint8Array,
};

function feedFor(meta) {
  const shape = meta.shape.map((d) => (typeof d !== 'number' || d < 0 ? 1 : d));
  const n = shape.reduce((a, b) => a * b, 1);
  if (meta.type === 'string') return [new ort.Tensor('string', new Array(n).fill(''), shape), shape];
  const Typed = TYPED[meta.type];
  if (!Typed) throw new Error(`input type ${meta.type}`);
  const data = new Typed(n);
  if (meta.type.startsWith('float')) for (let i = 0; i < n; i++) data[i] = Math.random() * 2 - 1;
  return [new ort.Tensor(meta.type, data, shape), shape];
}

const result = {};
for (const file of readdirSync(corpus).filter((f) => f.endsWith('.onnx')).sort()) {
  const dir = mkdtempSync(join(tmpdir(), 'ort-shapes-'));
  try {
    const session = await ort.InferenceSession.create(join(corpus, file), {
      graphOptimizationLevel: 'disabled', intraOpNumThreads: 1, interOpNumThreads: 1,
      enableProfiling: true, profileFilePrefix: join(dir, 'p'), logSeverityLevel: 3,
    });
    const feeds = {};
    const inputs = {};
    for (const meta of session.inputMetadata) {
      if (!meta.isTensor) throw new Error(`input ${meta.name} is not a tensor`);
      const [tensor, shape] = feedFor(meta);
      feeds[meta.name] = tensor;
      inputs[meta.name] = shape;
    }
    for (let i = 0; i < 3; i++) await session.run(feeds);
    session.endProfiling();
    await session.release();
    const profile = readdirSync(dir).find((f) => f.startsWith('p'));
    const events = JSON.parse(readFileSync(join(dir, profile), 'utf8'));
    const nodes = {};
    for (const e of events) {
      if (e.cat !== 'Node' || !e.args?.output_type_shape || !e.name.endsWith('_kernel_time')) continue;
      // node_index counts the main graph's nodes without Constants (ORT makes them initializers), but
      // subgraph nodes (Scan/Loop/If bodies) reuse the same indices: keep each distinct variant.
      const variant = [e.args.op_name, e.args.output_type_shape.map((o) => Object.values(o)[0])];
      const list = (nodes[e.args.node_index] ??= []);
      if (!list.some((v) => JSON.stringify(v) === JSON.stringify(variant))) list.push(variant);
    }
    result[file] = { inputs, nodes };
    console.log(`${file}: ${Object.keys(nodes).length} nodes`);
  } catch (err) {
    result[file] = { skipped: String(err.message ?? err).split('\n')[0].slice(0, 200) };
    console.log(`${file}: skipped (${result[file].skipped})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const lines = Object.entries(result).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
writeFileSync('test/fixtures/ort-shapes.json', `{\n${lines.join(',\n')}\n}\n`);
