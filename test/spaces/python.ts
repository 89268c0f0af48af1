// Runs the builder scripts of training/spaces with the system Python (Debian's torch + onnx, as CI installs).

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const PYTHON = process.env.NAR_LENS_PYTHON ?? '/usr/bin/python3';
export const REPO = join(__dirname, '..', '..', '..');
export const SPACES_DIR = join(REPO, 'training', 'spaces');

/** Why the builder tests cannot run here (no torch/onnx for PYTHON), or undefined when they can. */
export function missingTorch(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, onnx'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not runnable (${probe.error.message}); install python3-torch python3-onnx`;
  if (probe.status !== 0) return `${PYTHON} lacks torch/onnx: ${probe.stderr.trim().split('\n').pop()}`;
  return undefined;
}

/** Runs a script of training/spaces and parses the JSON it prints; throws with its stderr when it fails. */
export function runJson(script: string, args: string[], allowExit1 = false): unknown {
  const result = spawnSync(PYTHON, [join(SPACES_DIR, script), ...args], {
    encoding: 'utf8',
    cwd: REPO,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, OMP_NUM_THREADS: '1' },
    timeout: 300_000,
  });
  if (result.error) throw result.error;
  if (result.status !== 0 && !(allowExit1 && result.status === 1)) {
    throw new Error(`${script} exited ${result.status}: ${result.stderr.slice(-2000)}`);
  }
  return JSON.parse(result.stdout);
}
