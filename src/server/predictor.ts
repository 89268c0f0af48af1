// The runtime side of prediction: onnxruntime-node sessions of the installed predictors, opened lazily, once per
// (predictor, execution-provider list), with the one-provider-at-a-time fallback of executionProviders.ts. What
// goes in and what comes out is decided by src/core/predict (packing, vocabulary check, interval, OOD), so the
// server and the CLI give the same answer for the same tokens.
import type { Tokens } from '../core/tokenizer/types';
import { inputTensors, packInputs, packingKey, type PackedInputs, checkCompatible, toEstimate, type Estimate, type PredictorEntry, type PredictorManifest } from '../core/predict';
import { availableParallelism } from 'node:os';
import { openWithFallback } from './executionProviders';

type Ort = typeof import('onnxruntime-node');
type Session = import('onnxruntime-node').InferenceSession;

let ort: Ort | undefined;
function loadOrt(): Ort {
  // Loaded on first prediction only, so a process with no predictor never maps the native library.
  ort ??= require('onnxruntime-node') as Ort;
  return ort;
}

interface Opened {
  session: Session;
  executionProvider: string;
}

export interface PredictorRun {
  /** The provider of the first predictor that ran (all are opened with the same list). */
  executionProvider: string;
  estimates: Estimate[];
}

export interface PredictorOptions {
  /** onnxruntime intra-op threads per session. Default 1: the predictor runs beside an editor, most graphs are
   *  small, and on a busy 2-core machine one thread measured faster than two (bench/results/predict.md). */
  threads?: number;
  /** Intra-op threads for graphs of at least `largeGraphVertices` vertices (a second session of the same file).
   *  Default: up to 4, the machine's cores permitting. The cost grows with the vertex count (per-vertex linears of
   *  3 members, compute-bound): a 2,587-vertex DenseNet-121 took ≈ 33 ms on one thread and ≈ 27 ms on two in
   *  the edge form. */
  largeGraphThreads?: number;
  /** Default 1,000: above it one prediction costs over ~10 ms on one thread, and more threads pay off. */
  largeGraphVertices?: number;
  /** The same threshold for predictors in the class form, counted in vertex classes (the rows each layer
   *  computes) of a d=128 model; a wider model's classes count (d/128)² times, since a class's linears cost
   *  O(d²). Default 2,500: at d=128, at 1,000–1,200 classes (DenseNet-121) one thread measured faster than two
   *  in one session and 20 % slower in another, and on a random tree whose rows all differ two threads were
   *  faster at 2,500 and 5,000 classes; at d=256 two threads were faster on every corpus model, DenseNet-121
   *  33 → 22 ms (bench/results/predict.md). */
  largeGraphClasses?: number;
}

export const LARGE_GRAPH_VERTICES = 1000;
export const LARGE_GRAPH_CLASSES = 2500;
/** The model width LARGE_GRAPH_CLASSES is counted at. */
const REFERENCE_WIDTH = 128;

export class Predictor {
  private readonly sessions = new Map<string, Promise<Opened>>();
  private readonly threads: number;
  private readonly largeGraphThreads: number;
  private readonly largeGraphVertices: number;
  private readonly largeGraphClasses: number;

  constructor(readonly manifest: PredictorManifest, options: PredictorOptions = {}) {
    this.threads = options.threads ?? 1;
    this.largeGraphThreads = options.largeGraphThreads ?? Math.max(this.threads, Math.min(4, availableParallelism()));
    this.largeGraphVertices = options.largeGraphVertices ?? LARGE_GRAPH_VERTICES;
    this.largeGraphClasses = options.largeGraphClasses ?? LARGE_GRAPH_CLASSES;
  }

  /** Intra-op threads for a graph of `vertices` vertices (edge and dense forms). */
  threadsFor(vertices: number): number {
    return vertices >= this.largeGraphVertices ? this.largeGraphThreads : this.threads;
  }

  /** Intra-op threads for packed inputs: by vertex classes in the class form (its last level, the largest
   *  table), weighted by (width/128)² for a model of that width (unstated: 128), by vertices otherwise. */
  threadsForInputs(packed: PackedInputs, width = REFERENCE_WIDTH): number {
    if (packed.form !== 'classes') return this.threadsFor(packed.tokens.dims[packed.form === 'dense' ? 1 : 0]);
    const cost = packed.tensors.class_count.dims[0] * (width / REFERENCE_WIDTH) ** 2;
    return cost >= this.largeGraphClasses ? this.largeGraphThreads : this.threads;
  }

  get entries(): PredictorEntry[] {
    return this.manifest.predictors;
  }

  get platforms(): string[] {
    return this.manifest.predictors.map((p) => p.platform);
  }

  /** The session of one predictor (with `threads` intra-op threads), opened on first use; a failed open is
   *  forgotten so that a later call retries. */
  open(entry: PredictorEntry, providers: string[], threads = this.threads): Promise<Opened> {
    const key = `${entry.id}|${providers.join(',')}|${threads}`;
    let opened = this.sessions.get(key);
    if (!opened) {
      opened = openWithFallback(providers, (ep) =>
        loadOrt().InferenceSession.create(entry.file, { executionProviders: [ep], intraOpNumThreads: threads, interOpNumThreads: 1 }),
      ).then(
        ({ session, executionProvider }) => {
          // The file must take the inputs its manifest entry's form names (an edge-form entry on a dense file, or
          // the reverse, would otherwise fail inside onnxruntime with a less helpful message).
          const missing: string[] = entry.inputNames.filter((n) => !session.inputNames.includes(n));
          if (!session.outputNames.includes('latency_ms')) missing.push('latency_ms');
          if (missing.length > 0) {
            void session.release();
            throw new Error(`predictor ${entry.id} (${entry.file}) lacks ${missing.join(', ')}: not a NAR Lens predictor of input form ${entry.inputForm}`);
          }
          return { session, executionProvider };
        },
      );
      this.sessions.set(key, opened);
      opened.catch(() => this.sessions.delete(key));
    }
    return opened;
  }

  /** One predictor on one graph. Throws TokenMismatchError before opening anything when the tokens do not fit
   *  (packInputs checks them first). */
  async predictOne(entry: PredictorEntry, tokens: Tokens, providers: string[]): Promise<{ estimate: Estimate; executionProvider: string }> {
    return this.run(entry, packInputs(tokens, entry), tokens, providers);
  }

  /** One predictor on inputs already packed for it. */
  private async run(entry: PredictorEntry, packed: PackedInputs, tokens: Tokens, providers: string[]): Promise<{ estimate: Estimate; executionProvider: string }> {
    const { session, executionProvider } = await this.open(entry, providers, this.threadsForInputs(packed, entry.width));
    const o = loadOrt();
    const feeds: Record<string, import('onnxruntime-node').Tensor> = {};
    for (const [name, t] of inputTensors(packed)) {
      feeds[name] = t.data instanceof BigInt64Array ? new o.Tensor('int64', t.data, t.dims) : new o.Tensor('float32', t.data, t.dims);
    }
    const out = await session.run(feeds);
    const data = (name: string) => out[name]?.data as Float32Array | undefined;
    const estimate = toEstimate(entry, { latency_ms: data('latency_ms'), embedding: data('embedding'), latency_members: data('latency_members') }, tokens.coverage, tokens.staticRaw);
    return { estimate, executionProvider };
  }

  /** Every predictor (or those given) on one graph, in manifest order. */
  async predict(tokens: Tokens, providers: string[], entries: PredictorEntry[] = this.entries): Promise<PredictorRun> {
    // Refuse mismatched tokens for any predictor before running the others: one clear error, not half an answer.
    for (const entry of entries) checkCompatible(tokens, entry);
    const estimates: Estimate[] = [];
    let executionProvider = '';
    // Predictors that read the same inputs share one packing (the class form's refinement is most of a large
    // graph's packing: ≈ 2.5 ms for DenseNet-121, once instead of once per platform).
    const packings = new Map<string, PackedInputs>();
    for (const entry of entries) {
      const key = packingKey(entry);
      let packed = packings.get(key);
      if (!packed) packings.set(key, (packed = packInputs(tokens, entry)));
      const r = await this.run(entry, packed, tokens, providers);
      executionProvider ||= r.executionProvider;
      estimates.push(r.estimate);
    }
    return { executionProvider: executionProvider || 'cpu', estimates };
  }
}
