// The extension ↔ server protocol: Node IPC messages (JSON) with request ids. The server owns all analysis and
// onnxruntime-node; the extension host only sends paths and receives reports. Both sides validate what they
// receive, because the other side may be a crashed, restarted or simply different build.
import type { RuntimeFusions } from '../core/tokenizer/types';

/** Settings that change the analysis result (and so are part of the cache key). */
export interface AnalyzeOptions {
  batch?: number;
  /** Symbolic dimension overrides, e.g. { sequence: 128 }. */
  overrides?: Record<string, number>;
  /** Execution providers to try, in order, for the predictor session. */
  executionProviders?: string[];
  maxFileSizeMB?: number;
}

export interface OpTypeRow {
  opType: string;
  count: number;
  flops: number;
  macs: number;
  params: number;
  memory: number;
}

export interface LayerRow {
  index: number;
  /** Untrusted text from the file: render with textContent only. */
  name: string;
  opType: string;
  flops: number;
  macs: number;
  params: number;
  memory: number;
  /** e.g. "1×64×56×56"; "?" where inference could not know it. */
  outputShape: string;
  complete: boolean;
}

export interface PlatformPrediction {
  platform: string;
  latencyMs: number;
  /** Interval around latencyMs (same units), from the predictor's calibration. */
  low: number;
  high: number;
  /** True when the network is outside what the predictor was trained on. */
  outOfDistribution: boolean;
  /** Why (one phrase per rule that fired; absent or empty when in distribution). */
  oodReasons?: string[];
  /** The predictor's error on held-out networks of its own training data (mean |relative error|, %), how many
   *  there were, and the share of them inside their interval, when its manifest states them. */
  heldOut?: { mape: number; graphs: number; insideInterval?: number };
}

export type PredictionResult =
  | { status: 'none'; reason: string }
  | { status: 'ok'; executionProvider: string; platforms: PlatformPrediction[] }
  | { status: 'error'; message: string };

/** Everything the UI shows about one model file. Numbers are computed by the core; nothing is invented. */
export interface ModelReport {
  path: string;
  /** sha1 of the file's bytes; null for files over 16 MB, which are keyed by their change key instead (see
   *  modelService.ts: hashing them would cost more than analysing them). */
  contentHash: string | null;
  fileSize: number;
  format: string;
  producer: string;
  opsets: Record<string, number>;
  inputs: { name: string; shape: string }[];
  outputs: { name: string; shape: string }[];
  nodeCount: number;
  totals: { flops: number; macs: number; params: number; memory: number };
  /** Nodes whose cost is a lower bound (a shape was unknown). */
  incompleteNodes: number;
  coverage: { encoded: number; total: number };
  unknownOps: Record<string, number>;
  /** Subgraphs the tokens fuse as onnxruntime runs the file (tokenizer/fusions/). */
  fusions: RuntimeFusions;
  opTypes: OpTypeRow[];
  layers: LayerRow[];
  /** True when `layers` was cut to the first LAYER_LIMIT rows (the totals still cover every node). */
  layersTruncated: boolean;
  prediction: PredictionResult;
  timingsMs: { hash: number; analyze: number; predict: number };
  /** True when the server answered from its content-hash cache. */
  cached: boolean;
}

export const LAYER_LIMIT = 5000;

/** A measurement of the model on this machine (server/measureLayers.ts): medians in ms. */
export interface MeasureResult {
  totalMs: number;
  runs: number;
  /** Per layer, by LayerRow.index (the node's position); nodes without a kernel (none at optimisation 'disabled') are absent. */
  layers: { index: number; ms: number }[];
  nodes: number;
  /** True when the file had no weights and seeded random ones were filled in. */
  randomWeights: boolean;
  /** How it was measured, for the UI. */
  setup: string;
}

export type Request =
  | { id: number; method: 'analyze'; params: { path: string; options: AnalyzeOptions } }
  | { id: number; method: 'measure'; params: { path: string; options: AnalyzeOptions } }
  | { id: number; method: 'cancel'; params: { requestId: number } }
  | { id: number; method: 'status'; params: Record<string, never> };

export interface ServerStatus {
  predictorsInstalled: boolean;
  platforms: string[];
  executionProvider: string | null;
  pid: number;
}

export type ErrorCode = 'read-error' | 'too-large' | 'not-found' | 'cancelled' | 'timeout' | 'internal' | 'bad-request' | 'measure-failed';

export type Response =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: ErrorCode; message: string } };

const METHODS = new Set(['analyze', 'measure', 'cancel', 'status']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Server side: a message from the extension, or a reason it is not one. */
export function parseRequest(msg: unknown): Request | string {
  if (!isRecord(msg)) return 'message is not an object';
  if (typeof msg.id !== 'number' || !Number.isInteger(msg.id)) return 'message has no integer id';
  if (typeof msg.method !== 'string' || !METHODS.has(msg.method)) return `unknown method ${String(msg.method)}`;
  const params = isRecord(msg.params) ? msg.params : {};
  if (msg.method === 'analyze' || msg.method === 'measure') {
    if (typeof params.path !== 'string' || params.path.length === 0) return `${msg.method} needs a path`;
    const options = isRecord(params.options) ? parseOptions(params.options) : {};
    return { id: msg.id, method: msg.method, params: { path: params.path, options } };
  }
  if (msg.method === 'cancel') {
    if (typeof params.requestId !== 'number') return 'cancel needs a requestId';
    return { id: msg.id, method: 'cancel', params: { requestId: params.requestId } };
  }
  return { id: msg.id, method: 'status', params: {} };
}

function parseOptions(o: Record<string, unknown>): AnalyzeOptions {
  const out: AnalyzeOptions = {};
  if (typeof o.batch === 'number' && Number.isInteger(o.batch) && o.batch > 0) out.batch = o.batch;
  if (isRecord(o.overrides)) {
    const overrides: Record<string, number> = {};
    for (const [k, v] of Object.entries(o.overrides)) {
      if (typeof v === 'number' && Number.isInteger(v) && v > 0) overrides[k] = v;
    }
    out.overrides = overrides;
  }
  if (Array.isArray(o.executionProviders)) {
    out.executionProviders = o.executionProviders.filter((e): e is string => typeof e === 'string');
  }
  if (typeof o.maxFileSizeMB === 'number' && o.maxFileSizeMB > 0) out.maxFileSizeMB = o.maxFileSizeMB;
  return out;
}

/** Extension side: a message from the server, or null when it is malformed. */
export function parseResponse(msg: unknown): Response | null {
  if (!isRecord(msg) || typeof msg.id !== 'number') return null;
  if (msg.ok === true) return { id: msg.id, ok: true, result: msg.result };
  if (msg.ok === false && isRecord(msg.error) && typeof msg.error.message === 'string') {
    const code = typeof msg.error.code === 'string' ? (msg.error.code as ErrorCode) : 'internal';
    return { id: msg.id, ok: false, error: { code, message: msg.error.message } };
  }
  return null;
}
