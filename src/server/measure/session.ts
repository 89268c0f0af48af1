// One timing session: onnxruntime-node on the CPU with the options users run (all optimisations), pinned to one
// intra-op and one inter-op thread so that labels do not depend on what else the machine is doing with its cores.
import { materialize, normalSampler, seededRandom } from './materialize';

type Ort = typeof import('onnxruntime-node');
type InferenceSession = import('onnxruntime-node').InferenceSession;
type Tensor = import('onnxruntime-node').Tensor;

let ortModule: Ort | undefined;
function ort(): Ort {
  return (ortModule ??= require('onnxruntime-node') as Ort);
}

export const SESSION_OPTIONS = {
  executionProviders: ['cpu'],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
} as const;

export class MeasureError extends Error {}

export interface TimedModel {
  session: InferenceSession;
  feeds: Record<string, Tensor>;
  /** Output name → dims of the first run's outputs. */
  outputShapes: Record<string, number[]>;
}

const FLOAT_TYPES = new Set(['float32']);

/** Random inputs matching the session's declared inputs; symbolic dimensions (batch) become 1. */
function makeFeeds(session: InferenceSession): Record<string, Tensor> {
  const o = ort();
  const next = normalSampler(seededRandom(7), 1);
  const feeds: Record<string, Tensor> = {};
  for (const meta of session.inputMetadata) {
    if (!meta.isTensor) throw new MeasureError(`input '${meta.name}' is not a tensor`);
    const dims = meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
    const size = dims.reduce((a, b) => a * b, 1);
    const type = meta.type;
    if (FLOAT_TYPES.has(type)) {
      const data = new Float32Array(size);
      for (let i = 0; i < size; i++) data[i] = next();
      feeds[meta.name] = new o.Tensor('float32', data, dims);
    } else if (type === 'int64') feeds[meta.name] = new o.Tensor('int64', new BigInt64Array(size), dims);
    else if (type === 'int32') feeds[meta.name] = new o.Tensor('int32', new Int32Array(size), dims);
    else throw new MeasureError(`input '${meta.name}': element type ${type} not supported by the labeller`);
  }
  return feeds;
}

/** Materialises a graph-only model and opens its session; runs it once (untimed) to check it works. */
export async function openTimedModel(graphOnly: Uint8Array): Promise<TimedModel> {
  const { bytes } = materialize(graphOnly);
  let session: InferenceSession;
  try {
    session = await ort().InferenceSession.create(bytes, { ...SESSION_OPTIONS, executionProviders: ['cpu'] });
  } catch (err) {
    throw new MeasureError(`onnxruntime cannot load the model: ${(err as Error).message.split('\n')[0]}`);
  }
  const feeds = makeFeeds(session);
  const outputs = await session.run(feeds);
  const outputShapes: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(outputs)) outputShapes[name] = [...t.dims];
  return { session, feeds, outputShapes };
}

/** `warmups` untimed runs, then the wall time of each of `runs` runs, in ms. */
export async function timeRuns(model: TimedModel, warmups: number, runs: number): Promise<number[]> {
  for (let i = 0; i < warmups; i++) await model.session.run(model.feeds);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await model.session.run(model.feeds);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
