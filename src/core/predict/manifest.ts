// models/manifest.json (schemaVersion 1, written by training/train/export.py; schema in models/README.md) and each
// predictor's side-car. No manifest → no predictor installed (a normal state, reported as such). A manifest that is
// present but malformed, names a file outside the models folder, or whose file does not match its sha256 → a
// ManifestError naming the field, never a guessed default.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { TokenizerMode } from '../tokenizer/types';
import { classInputNames, classLayersOf } from './classes';
import { ManifestError } from './errors';
import type { IntervalCalibration } from './interval';
import { parseOodReference, type OodReference } from './ood';

export const MANIFEST_SCHEMA_VERSION = 1;

/** Which token rows and static vector a predictor reads: V2 rows + 40-dim PE, or NNLP rows + raw 4 values. */
export type TokenKind = 'features' | 'nnlp_features';

/** How a predictor's ONNX file takes the graph (models/README.md): its vertex classes (classes.ts: every vertex
 *  of a class computed once, O(K·d² + E_rep·d)), an edge list (`edge_src`/`edge_dst`, O(E·d)), or a dense
 *  [B,N,N] adjacency with a node mask (O(N²·d); entries written before the edge form have no `inputForm` and mean
 *  this one). */
export type InputForm = 'dense' | 'edges' | 'classes';
/** The ONNX input names of the forms whose names are fixed, in the order the exporter declares them (the class
 *  form's depend on the layer count: classes.ts classInputNames). */
export const INPUT_NAMES = {
  dense: ['tokens', 'adjacency', 'node_mask', 'static'],
  edges: ['tokens', 'edge_src', 'edge_dst', 'static'],
} as const satisfies Record<Exclude<InputForm, 'classes'>, readonly string[]>;

/** Inputs that hold vertex or class indices (int64); every other input is float32. */
export function isIndexInput(name: string): boolean {
  return name === 'edge_src' || name === 'edge_dst' || /^class_(parent|src|dst)_\d+$/.test(name);
}

export interface PredictorEntry extends IntervalCalibration {
  id: string;
  platform: string;
  /** Absolute path of the predictor ONNX file (inside the models folder). */
  file: string;
  /** sha256 of `file` as the manifest states it (verified when the manifest is loaded), when stated. */
  sha256?: string;
  tokenizerMode: TokenizerMode;
  vocabularyVersion: string;
  tokenKind: TokenKind;
  inputForm: InputForm;
  /** The ONNX input names, in order (the form's; for the class form they also give the layer count). */
  inputNames: readonly string[];
  /** Row width F and static width S the predictor was exported with, when the manifest states them. */
  tokenDim?: number;
  staticDim?: number;
  /** The model width d (`architecture.dim`), when stated: a class's linears cost O(d²), so the runtime's thread
   *  choice for the class form weighs the class count by it (src/server/predictor.ts). */
  width?: number;
  ood: OodReference | null;
  /** Share of validation graphs the interval was calibrated to cover (e.g. 0.9), when stated. */
  intervalCoverage?: number;
  /** Descriptive fields for listings (`nar-lens platforms`); absent in hand-written manifests. */
  model?: string;
  validation?: { n?: number; mape?: number; acc10?: number; kendall?: number };
  /** The ensemble on the held-out test split of its training data (networks it never saw, from the same spaces
   *  or families), and the share of them inside their interval, when the manifest states it. */
  test?: { n?: number; mape?: number; acc10?: number; intervalCoverage?: number };
  trainedOn?: { dataset?: string; train?: number; validation?: number; families?: string[] };
  created?: string;
}

export interface PredictorManifest {
  dir: string;
  predictors: PredictorEntry[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function readJson(path: string, where: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ManifestError(where, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ManifestError(where, `is not valid JSON (${(e as Error).message})`);
  }
}

/** A file named by the manifest: a relative name that resolves (symlinks too) to a file inside the models folder. */
function fileInside(root: string, rel: unknown, where: string, field: string): string {
  if (typeof rel !== 'string' || rel.length === 0) throw new ManifestError(where, `${field} must be a file name`);
  const path = resolve(root, rel);
  if (!path.startsWith(root + sep)) throw new ManifestError(where, `${field} ${rel} must stay inside the models folder`);
  if (!existsSync(path) || !statSync(path).isFile()) throw new ManifestError(where, `${field} ${rel} does not exist`);
  if (!realpathSync(path).startsWith(realpathSync(root) + sep)) {
    throw new ManifestError(where, `${field} ${rel} must stay inside the models folder (it is a link out of it)`);
  }
  return path;
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function optionalDim(v: unknown, where: string, field: string): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || (v as number) < 1) throw new ManifestError(where, `${field} must be a positive integer`);
  return v as number;
}

/** `inputForm` (absent: dense) and its input names: `inputs.names` when stated, which must be the form's (the
 *  class form must state them: they carry its layer count). */
function inputForm(e: Json, inputs: Json, where: string): { inputForm: InputForm; inputNames: readonly string[] } {
  const form = e.inputForm ?? 'dense';
  const names = inputs.names;
  if (form === 'classes') {
    const layers = Array.isArray(names) && names.every((n) => typeof n === 'string') ? classLayersOf(names as string[]) : undefined;
    if (layers === undefined) {
      throw new ManifestError(where, `inputs.names must be the class form's for some layer count L (${JSON.stringify(classInputNames(2))} for L = 2), not ${JSON.stringify(names)}`);
    }
    return { inputForm: form, inputNames: names as string[] };
  }
  if (form !== 'dense' && form !== 'edges') throw new ManifestError(where, `inputForm must be classes, edges or dense, not ${JSON.stringify(form)}`);
  const expected: readonly string[] = INPUT_NAMES[form];
  if (names !== undefined && (!Array.isArray(names) || names.length !== expected.length || names.some((n, i) => n !== expected[i]))) {
    throw new ManifestError(where, `inputs.names must be ${JSON.stringify(expected)} for inputForm ${form}, not ${JSON.stringify(names)}`);
  }
  return { inputForm: form, inputNames: expected };
}

function describe(e: Json): Pick<PredictorEntry, 'model' | 'validation' | 'test' | 'trainedOn' | 'created'> {
  const out: Pick<PredictorEntry, 'model' | 'validation' | 'test' | 'trainedOn' | 'created'> = {};
  if (isObject(e.architecture) && typeof e.architecture.model === 'string') out.model = e.architecture.model;
  if (isObject(e.validation)) {
    const v = e.validation;
    out.validation = {};
    for (const k of ['n', 'mape', 'acc10', 'kendall'] as const) if (finite(v[k])) out.validation[k] = v[k] as number;
  }
  if (isObject(e.test) && isObject(e.test.all)) {
    const all = e.test.all;
    out.test = {};
    for (const k of ['n', 'mape', 'acc10'] as const) if (finite(all[k])) out.test[k] = all[k] as number;
    if (finite(e.test.intervalCoverage)) out.test.intervalCoverage = e.test.intervalCoverage;
  }
  if (isObject(e.trainedOn)) {
    const t = e.trainedOn;
    out.trainedOn = {};
    if (typeof t.dataset === 'string') out.trainedOn.dataset = t.dataset;
    if (finite(t.train)) out.trainedOn.train = t.train;
    if (finite(t.validation)) out.trainedOn.validation = t.validation;
    if (Array.isArray(t.families)) out.trainedOn.families = t.families.filter((f): f is string => typeof f === 'string');
  }
  if (typeof e.created === 'string') out.created = e.created;
  return out;
}

function parseEntry(raw: unknown, i: number, root: string, manifestName: string): PredictorEntry {
  const where = `${manifestName} predictors[${i}]`;
  if (!isObject(raw)) throw new ManifestError(where, 'must be an object');
  const e = raw;
  if (typeof e.platform !== 'string' || e.platform.length === 0) throw new ManifestError(where, 'platform must be a non-empty string');
  if (e.id !== undefined && (typeof e.id !== 'string' || e.id.length === 0)) throw new ManifestError(where, 'id must be a non-empty string');
  const tok = isObject(e.tokenizer) ? e.tokenizer : {};
  if ((tok.mode !== 'reference' && tok.mode !== 'extended') || typeof tok.vocabularyVersion !== 'string' || !tok.vocabularyVersion) {
    throw new ManifestError(where, 'tokenizer must name mode (reference or extended) and vocabularyVersion');
  }
  if (tok.tokens !== undefined && tok.tokens !== 'features' && tok.tokens !== 'nnlp_features') {
    throw new ManifestError(where, `tokenizer.tokens must be features or nnlp_features, not ${JSON.stringify(tok.tokens)}`);
  }
  const interval = isObject(e.interval) ? e.interval : {};
  if (!finite(interval.spreadScale) || !finite(interval.relativeErrorQ) || interval.spreadScale < 0 || interval.relativeErrorQ < 0) {
    throw new ManifestError(where, 'interval must have spreadScale and relativeErrorQ (non-negative numbers)');
  }
  const file = fileInside(root, e.file, where, 'file');
  let sha256: string | undefined;
  if (e.sha256 !== undefined) {
    if (typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(e.sha256)) throw new ManifestError(where, 'sha256 must be 64 hex digits');
    const actual = sha256File(file);
    if (actual !== e.sha256.toLowerCase()) {
      throw new ManifestError(where, `${String(e.file)} does not match its sha256 (the file changed or is damaged: expected ${e.sha256.slice(0, 12)}…, found ${actual.slice(0, 12)}…)`);
    }
    sha256 = actual;
  }
  const inputs = isObject(e.inputs) ? e.inputs : {};
  let ood: OodReference | null = null;
  if (e.sidecar !== undefined) {
    const sidecarPath = fileInside(root, e.sidecar, where, 'sidecar');
    const sideWhere = `side-car ${String(e.sidecar)}`;
    const side = readJson(sidecarPath, sideWhere);
    if (!isObject(side)) throw new ManifestError(sideWhere, 'must be a JSON object');
    if (side.ood !== undefined) ood = parseOodReference(side.ood, sideWhere);
  }
  return {
    id: (e.id as string | undefined) ?? e.platform,
    platform: e.platform,
    file,
    sha256,
    tokenizerMode: tok.mode,
    vocabularyVersion: tok.vocabularyVersion,
    tokenKind: (tok.tokens as TokenKind | undefined) ?? 'features',
    ...inputForm(e, inputs, where),
    tokenDim: optionalDim(inputs.tokenDim, where, 'inputs.tokenDim'),
    staticDim: optionalDim(inputs.staticDim, where, 'inputs.staticDim'),
    width: isObject(e.architecture) ? optionalDim(e.architecture.dim, where, 'architecture.dim') : undefined,
    spreadScale: interval.spreadScale,
    relativeErrorQ: interval.relativeErrorQ,
    ood,
    intervalCoverage: finite(interval.coverage) && interval.coverage > 0 && interval.coverage <= 1 ? interval.coverage : undefined,
    ...describe(e),
  };
}

/** The manifest under `modelsDir`, or null when none is there (no predictor installed). */
export function loadManifest(modelsDir: string): PredictorManifest | null {
  const root = resolve(modelsDir);
  const path = resolve(root, 'manifest.json');
  if (!existsSync(path)) return null;
  const name = 'models/manifest.json';
  const raw = readJson(path, name);
  if (!isObject(raw)) throw new ManifestError(name, 'must be a JSON object');
  if (raw.schemaVersion !== MANIFEST_SCHEMA_VERSION) {
    throw new ManifestError(name, `schemaVersion ${JSON.stringify(raw.schemaVersion)} is not ${MANIFEST_SCHEMA_VERSION}`);
  }
  if (!Array.isArray(raw.predictors) || raw.predictors.length === 0) throw new ManifestError(name, '"predictors" must be a non-empty array');
  const predictors = raw.predictors.map((p, i) => parseEntry(p, i, root, name));
  const seen = new Set<string>();
  for (const p of predictors) {
    if (seen.has(p.id)) throw new ManifestError(name, `predictor id ${p.id} is listed twice`);
    seen.add(p.id);
  }
  return { dir: root, predictors };
}
