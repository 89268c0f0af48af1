// Runs training/ Python modules with the system Python (Debian's torch + onnx + scipy, as CI installs) and the
// CPU settings of the training recipe.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const PYTHON = process.env.NAR_LENS_PYTHON ?? '/usr/bin/python3';
export const REPO = join(__dirname, '..', '..', '..');

const TCMALLOC = ['/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4', '/usr/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4']
  .find((p) => existsSync(p));

/** Why the training tests cannot run here (no torch/onnx/scipy for PYTHON), or undefined when they can. */
export function missingTorch(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, onnx, scipy, numpy'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not runnable (${probe.error.message}); install python3-torch python3-onnx python3-scipy`;
  if (probe.status !== 0) return `${PYTHON} lacks torch/onnx/scipy: ${probe.stderr.trim().split('\n').pop()}`;
  return undefined;
}

/** Runs `python3 -m <module> args…` from the repository root. */
export function runModule(module: string, args: string[], timeoutMs = 120_000): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: REPO, OMP_WAIT_POLICY: 'PASSIVE', NAR_TRAIN_THREADS: '1' };
  if (TCMALLOC) env.LD_PRELOAD = TCMALLOC;
  const result = spawnSync(PYTHON, ['-m', module, ...args], {
    encoding: 'utf8',
    cwd: REPO,
    maxBuffer: 64 * 1024 * 1024,
    env,
    timeout: timeoutMs,
  });
  if (result.error) throw result.error;
  return result;
}

/** A fresh folder under test/.tmp (git-ignored). */
export function tempFolder(prefix: string): string {
  const base = join(REPO, 'test', '.tmp');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, prefix));
}
