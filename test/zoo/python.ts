// Runs the Python side of the zoo from tests. CI installs torch (.ci/run); on a machine without it the tests
// are skipped with a message that says so, never silently passed.
import { spawnSync } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

export function torchMissing(): string | false {
  const r = spawnSync(PYTHON, ['-c', 'import torch, onnx'], { encoding: 'utf8' });
  return r.status === 0 ? false : `torch/onnx not importable by ${PYTHON} (${(r.stderr || r.error?.message || '').trim().split('\n').pop()})`;
}

/** Runs `python -m module args` from the repository root; returns stdout, throws with stderr on failure. */
export function runModule(module: string, args: string[], timeoutMs = 300_000): { stdout: string; stderr: string; status: number } {
  const r = spawnSync(PYTHON, ['-W', 'ignore', '-m', module, ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, PYTHONPATH: process.cwd(), OMP_NUM_THREADS: '1' },
    maxBuffer: 64 << 20,
  });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
}
