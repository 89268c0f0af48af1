// Where the CLI finds its predictors and what it says when there are none. models/ sits beside dist/ in the
// installed package (dist/cli.js → ../models), as it does for the extension's server; `--models DIR` and the
// NAR_LENS_MODELS environment variable point elsewhere (the flag wins).
import { join, resolve } from 'node:path';
import { loadManifest, ManifestError, type PredictorManifest } from '../core/predict';
import type { CliIO } from './command';

export function modelsDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined) return resolve(flag);
  if (env.NAR_LENS_MODELS) return resolve(env.NAR_LENS_MODELS);
  return resolve(join(__dirname, '..', 'models'));
}

/** The manifest, or null after writing why there is none usable (no predictor installed, or a broken manifest). */
export function loadInstalled(command: string, dir: string, io: CliIO): PredictorManifest | null {
  try {
    const manifest = loadManifest(dir);
    if (manifest) return manifest;
    io.stderr(`nar-lens ${command}: no predictor installed in models/ — see models/README.md (looked in ${dir})\n`);
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    io.stderr(`nar-lens ${command}: ${e.message} (in ${dir})\n`);
  }
  return null;
}
