// "NAR Lens: Measure on this machine": runs the user's model with onnxruntime on the CPU (1 thread, graph
// optimisation disabled so that every node of the file is a kernel of its own) with profiling on, and returns
// the median wall time of the model and of each layer over the timed runs (the first two runs are warm-ups and
// dropped). Graph-only models (initializers without payload) get seeded random weights first, through the
// labeller's materialize() — latency does not depend on weight values. This executes the model: the extension
// only asks for it in a trusted workspace.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { materialize, MaterializeError, normalSampler, seededRandom } from './measure/materialize';
import type { MeasureResult } from './protocol';

type Ort = typeof import('onnxruntime-node');
type Tensor = import('onnxruntime-node').Tensor;

export class MeasureFailure extends Error {}

export interface MeasureOptions {
  batch?: number;
  overrides?: Record<string, number>;
  /** Runs in all, the first WARMUPS of which are dropped. */
  runs?: number;
}

const WARMUPS = 2;
const DEFAULT_RUNS = 7;
/** Node names are replaced by this prefix + the node's position, so profile events map back to layers exactly. */
const NAME_PREFIX = 'narlens_';

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Re-encodes the model with every main-graph node named by its position; refuses external data. */
function prepare(bytes: Uint8Array): { bytes: Uint8Array; nodes: number; filledTensors: number } {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new MeasureFailure(`not an ONNX model onnxruntime could run (${(e as Error).message})`);
  }
  const graph = model.graph;
  if (!graph) throw new MeasureFailure('the model has no graph');
  if ((graph.initializer ?? []).some((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)) {
    throw new MeasureFailure('the model keeps its weights in external data files; measuring such a model is not supported yet');
  }
  (graph.node ?? []).forEach((n, i) => (n.name = `${NAME_PREFIX}${i}`));
  const renamed = onnx.ModelProto.encode(model).finish();
  try {
    const m = materialize(renamed);
    return { bytes: m.bytes, nodes: graph.node?.length ?? 0, filledTensors: m.filledTensors };
  } catch (e) {
    if (e instanceof MaterializeError) throw new MeasureFailure(`cannot fill in the missing weights: ${e.message}`);
    throw e;
  }
}

function feedsFor(o: Ort, session: import('onnxruntime-node').InferenceSession, opts: MeasureOptions): Record<string, Tensor> {
  const next = normalSampler(seededRandom(7), 1);
  const feeds: Record<string, Tensor> = {};
  for (const meta of session.inputMetadata) {
    if (!meta.isTensor) throw new MeasureFailure(`input '${meta.name}' is not a tensor`);
    // Symbolic dims as the analysis sees them: the named override, the batch setting for the first dim, else 1.
    const dims = meta.shape.map((d, i) => {
      if (typeof d === 'number' && d > 0) return d;
      if (typeof d === 'string' && opts.overrides?.[d]) return opts.overrides[d];
      return i === 0 ? opts.batch ?? 1 : 1;
    });
    const n = dims.reduce((a, b) => a * b, 1);
    switch (meta.type) {
      case 'float32': { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = next(); feeds[meta.name] = new o.Tensor('float32', a, dims); break; }
      case 'float64': { const a = new Float64Array(n); for (let i = 0; i < n; i++) a[i] = next(); feeds[meta.name] = new o.Tensor('float64', a, dims); break; }
      case 'int64': feeds[meta.name] = new o.Tensor('int64', new BigInt64Array(n), dims); break;
      case 'int32': feeds[meta.name] = new o.Tensor('int32', new Int32Array(n), dims); break;
      case 'uint8': feeds[meta.name] = new o.Tensor('uint8', new Uint8Array(n), dims); break;
      case 'int8': feeds[meta.name] = new o.Tensor('int8', new Int8Array(n), dims); break;
      case 'bool': feeds[meta.name] = new o.Tensor('bool', new Uint8Array(n), dims); break;
      default: throw new MeasureFailure(`input '${meta.name}' has element type ${meta.type}, which the measurement cannot generate`);
    }
  }
  return feeds;
}

interface ProfileEvent { cat?: string; name?: string; ts?: number; dur?: number }

/** Per-layer and total medians (ms) over the timed runs, from onnxruntime's profile (µs). */
export function summarizeProfile(events: ProfileEvent[], warmups: number): { totalMs: number; runs: number; layers: { index: number; ms: number }[] } {
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run' && typeof e.ts === 'number' && typeof e.dur === 'number')
    .sort((a, b) => a.ts! - b.ts!).slice(warmups);
  if (runs.length === 0) throw new MeasureFailure('onnxruntime recorded no timed run');
  const perLayer = new Map<number, number[]>();
  runs.forEach((run, r) => {
    const end = run.ts! + run.dur!;
    for (const e of events) {
      if (e.cat !== 'Node' || !e.name?.startsWith(NAME_PREFIX) || !e.name.endsWith('_kernel_time')) continue;
      if (e.ts! < run.ts! || e.ts! > end) continue;
      const index = Number(e.name.slice(NAME_PREFIX.length, -'_kernel_time'.length));
      if (!Number.isInteger(index)) continue;
      const list = perLayer.get(index) ?? new Array<number>(runs.length).fill(0);
      list[r] += e.dur!;
      perLayer.set(index, list);
    }
  });
  return {
    totalMs: median(runs.map((r) => r.dur!)) / 1000,
    runs: runs.length,
    layers: [...perLayer].map(([index, us]) => ({ index, ms: median(us) / 1000 })).sort((a, b) => a.index - b.index),
  };
}

export async function measureModel(path: string, opts: MeasureOptions, isCancelled: () => boolean): Promise<MeasureResult> {
  const runs = Math.max(WARMUPS + 1, opts.runs ?? DEFAULT_RUNS);
  const prepared = prepare(readFileSync(path));
  const o = require('onnxruntime-node') as Ort;
  const dir = mkdtempSync(join(tmpdir(), 'nar-lens-measure-'));
  try {
    let session;
    try {
      session = await o.InferenceSession.create(prepared.bytes, {
        executionProviders: ['cpu'], graphOptimizationLevel: 'disabled', intraOpNumThreads: 1, interOpNumThreads: 1,
        executionMode: 'sequential', enableProfiling: true, profileFilePrefix: join(dir, 'profile'),
      });
    } catch (e) {
      throw new MeasureFailure(`onnxruntime cannot load the model: ${(e as Error).message.split('\n')[0]}`);
    }
    try {
      const feeds = feedsFor(o, session, opts);
      for (let i = 0; i < runs; i++) {
        if (isCancelled()) throw new MeasureFailure('cancelled');
        try {
          await session.run(feeds);
        } catch (e) {
          throw new MeasureFailure(`onnxruntime failed to run the model: ${(e as Error).message.split('\n')[0]}`);
        }
      }
    } finally {
      session.endProfiling();
      await session.release();
    }
    const file = readdirSync(dir).find((f) => f.endsWith('.json'));
    if (!file) throw new MeasureFailure('onnxruntime wrote no profile');
    const summary = summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as ProfileEvent[], WARMUPS);
    return {
      ...summary,
      nodes: prepared.nodes,
      randomWeights: prepared.filledTensors > 0,
      setup: `onnxruntime-node CPU, 1 thread, graph optimisation disabled, median of ${summary.runs} runs after ${WARMUPS} dropped`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
