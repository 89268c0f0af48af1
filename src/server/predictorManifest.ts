// Reads models/manifest.json (schemaVersion 1, written by training/train/export.py) and each predictor's
// side-car (interval calibration, OOD reference). Absent manifest → no predictor installed (a normal state,
// shown as such). Present but malformed → a clear error, never a guessed default.
import { existsSync, readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';

export interface OodReference {
  mean: number[];
  std: number[];
  centroids: number[][];
  threshold: number;
}

export interface PredictorEntry {
  id: string;
  platform: string;
  /** Absolute path of the predictor ONNX file (inside the models folder). */
  file: string;
  tokenizerMode: string;
  vocabularyVersion: string;
  /** Which token rows and static vector the predictor reads. */
  tokenKind: 'features' | 'nnlp_features';
  /** Interval half-width = max(spreadScale × std(members), relativeErrorQ × prediction). */
  spreadScale: number;
  relativeErrorQ: number;
  ood: OodReference | null;
}

export interface PredictorManifest {
  dir: string;
  predictors: PredictorEntry[];
}

export class ManifestError extends Error {
  constructor(message: string) {
    super(`models/manifest.json: ${message}`);
    this.name = 'ManifestError';
  }
}

const SCHEMA_VERSION = 1;

function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ManifestError(`${what} is not readable JSON (${(e as Error).message})`);
  }
}

function inside(root: string, rel: unknown, what: string): string {
  if (typeof rel !== 'string' || rel.length === 0) throw new ManifestError(`${what} must be a file name`);
  const p = resolve(root, rel);
  if (!p.startsWith(root + sep)) throw new ManifestError(`${what} must stay inside the models folder`);
  if (!existsSync(p)) throw new ManifestError(`${what} ${rel} does not exist`);
  return p;
}

/** The manifest under `modelsDir`, or null when no predictor is installed. */
export function loadManifest(modelsDir: string): PredictorManifest | null {
  const path = resolve(modelsDir, 'manifest.json');
  if (!existsSync(path)) return null;
  const raw = readJson(path, 'the manifest') as Record<string, unknown>;
  if (raw?.schemaVersion !== SCHEMA_VERSION) throw new ManifestError(`schemaVersion ${String(raw?.schemaVersion)} is not ${SCHEMA_VERSION}`);
  const list = raw.predictors;
  if (!Array.isArray(list) || list.length === 0) throw new ManifestError('"predictors" must be a non-empty array');
  const root = resolve(modelsDir);
  const predictors = list.map((p, i): PredictorEntry => {
    const e = (p ?? {}) as Record<string, unknown>;
    const tok = (e.tokenizer ?? {}) as Record<string, unknown>;
    const interval = (e.interval ?? {}) as Record<string, unknown>;
    const where = `predictors[${i}]`;
    if (typeof e.platform !== 'string' || !e.platform) throw new ManifestError(`${where}.platform must be a string`);
    if (typeof tok.mode !== 'string' || typeof tok.vocabularyVersion !== 'string') {
      throw new ManifestError(`${where}.tokenizer must name mode and vocabularyVersion`);
    }
    if (typeof interval.spreadScale !== 'number' || typeof interval.relativeErrorQ !== 'number') {
      throw new ManifestError(`${where}.interval must have spreadScale and relativeErrorQ`);
    }
    let ood: OodReference | null = null;
    if (e.sidecar !== undefined) {
      const side = readJson(inside(root, e.sidecar, `${where}.sidecar`), `${where}.sidecar`) as { ood?: Record<string, unknown> };
      const o = side.ood;
      if (o && Array.isArray(o.mean) && Array.isArray(o.std) && Array.isArray(o.centroids) && typeof o.threshold === 'number') {
        ood = { mean: o.mean as number[], std: o.std as number[], centroids: o.centroids as number[][], threshold: o.threshold };
      }
    }
    return {
      id: typeof e.id === 'string' ? e.id : e.platform,
      platform: e.platform,
      file: inside(root, e.file, `${where}.file`),
      tokenizerMode: tok.mode,
      vocabularyVersion: tok.vocabularyVersion,
      tokenKind: tok.tokens === 'nnlp_features' ? 'nnlp_features' : 'features',
      spreadScale: interval.spreadScale,
      relativeErrorQ: interval.relativeErrorQ,
      ood,
    };
  });
  return { dir: root, predictors };
}
