// Runs the shipped NAR-Former V2 predictors with onnxruntime-node. Lives only in the server process: a native
// crash here takes down this child, not the editor. Interface (DESIGN.md): inputs tokens [B,N,F],
// adjacency [B,N,N], node_mask [B,N], static [B,S] (float32); output latency_ms [B].
import type { Tokens } from '../core/tokenizer/types';
import type { PredictionResult, PlatformPrediction } from './protocol';
import type { PredictorManifest, PredictorEntry, OodReference } from './predictorManifest';
import { openWithFallback } from './executionProviders';

type Ort = typeof import('onnxruntime-node');
type Session = import('onnxruntime-node').InferenceSession;

let ort: Ort | undefined;
function loadOrt(): Ort {
  // Loaded on first prediction only, so a server with no predictor never maps the native library.
  ort ??= require('onnxruntime-node') as Ort;
  return ort;
}

interface Loaded {
  entry: PredictorEntry;
  session: Session;
  executionProvider: string;
}

export class Predictor {
  private sessions: Promise<Loaded[]> | undefined;
  private sessionsKey = '';

  constructor(private readonly manifest: PredictorManifest) {}

  get platforms(): string[] {
    return this.manifest.predictors.map((p) => p.platform);
  }

  private open(providers: string[]): Promise<Loaded[]> {
    const key = providers.join(',');
    if (!this.sessions || key !== this.sessionsKey) {
      this.sessionsKey = key;
      this.sessions = Promise.all(
        this.manifest.predictors.map(async (entry) => {
          const opened = await openWithFallback(providers, (ep) =>
            loadOrt().InferenceSession.create(entry.file, { executionProviders: [ep] }),
          );
          return { entry, session: opened.session, executionProvider: opened.executionProvider };
        }),
      );
      this.sessions.catch(() => (this.sessions = undefined));
    }
    return this.sessions;
  }

  async predict(tokens: Tokens, providers: string[]): Promise<PredictionResult> {
    const loaded = await this.open(providers);
    const platforms: PlatformPrediction[] = [];
    for (const { entry, session } of loaded) {
      if (tokens.mode !== entry.tokenizerMode || tokens.vocabularyVersion !== entry.vocabularyVersion) {
        return {
          status: 'error',
          message: `predictor ${entry.id} was trained on tokens ${entry.tokenizerMode}/${entry.vocabularyVersion}, ` +
            `but the tokenizer produced ${tokens.mode}/${tokens.vocabularyVersion}`,
        };
      }
      const out = await session.run(toFeeds(tokens, entry.tokenKind, loadOrt()));
      const latency = out.latency_ms;
      if (!latency) return { status: 'error', message: `predictor ${entry.id} has no latency_ms output` };
      const ms = Number((latency.data as Float32Array)[0]);
      if (!Number.isFinite(ms)) return { status: 'error', message: `predictor ${entry.id} returned ${ms}` };
      const members = out.latency_members ? Array.from(out.latency_members.data as Float32Array, Number) : [ms];
      const half = intervalHalfWidth(ms, members, entry);
      const embedding = out.embedding ? Array.from(out.embedding.data as Float32Array, Number) : undefined;
      platforms.push({
        platform: entry.platform,
        latencyMs: ms,
        low: Math.max(0, ms - half),
        high: ms + half,
        outOfDistribution: tokens.coverage.encoded < tokens.coverage.total || isOutOfDistribution(embedding, entry.ood),
      });
    }
    return { status: 'ok', executionProvider: loaded[0]?.executionProvider ?? 'cpu', platforms };
  }
}

/** Calibrated half-width (training/train/ensemble.py): the larger of the member spread and the relative floor. */
export function intervalHalfWidth(ms: number, members: number[], entry: { spreadScale: number; relativeErrorQ: number }): number {
  const mean = members.reduce((a, b) => a + b, 0) / members.length;
  const std = Math.sqrt(members.reduce((a, b) => a + (b - mean) ** 2, 0) / members.length);
  return Math.max(entry.spreadScale * std, entry.relativeErrorQ * ms);
}

/** Standardised nearest-centroid distance / sqrt(D) above the validation quantile (ensemble.py OodReference). */
export function isOutOfDistribution(embedding: number[] | undefined, ood: OodReference | null): boolean {
  if (!embedding || !ood || embedding.length !== ood.mean.length) return false;
  const z = embedding.map((v, i) => (v - ood.mean[i]) / ood.std[i]);
  let best = Infinity;
  for (const c of ood.centroids) {
    let d2 = 0;
    for (let i = 0; i < z.length; i++) d2 += (z[i] - c[i]) ** 2;
    best = Math.min(best, d2);
  }
  return Math.sqrt(best) / Math.sqrt(z.length) > ood.threshold;
}

function toFeeds(tokens: Tokens, kind: 'features' | 'nnlp_features', o: Ort): Record<string, import('onnxruntime-node').Tensor> {
  const rows = kind === 'features' ? tokens.features : tokens.nnlpFeatures;
  const n = rows.length;
  const f = rows[0]?.length ?? 0;
  const features = new Float32Array(n * f);
  rows.forEach((row, i) => features.set(row, i * f));
  const adjacency = new Float32Array(n * n);
  for (const [a, b] of tokens.edges) {
    if (a === b) continue;
    adjacency[a * n + b] = 1;
    adjacency[b * n + a] = 1;
  }
  return {
    tokens: new o.Tensor('float32', features, [1, n, f]),
    adjacency: new o.Tensor('float32', adjacency, [1, n, n]),
    node_mask: new o.Tensor('float32', new Float32Array(n).fill(1), [1, n]),
    static: kind === 'features'
      ? new o.Tensor('float32', Float32Array.from(tokens.static), [1, tokens.static.length])
      : new o.Tensor('float32', Float32Array.from(tokens.staticRaw), [1, 4]),
  };
}
