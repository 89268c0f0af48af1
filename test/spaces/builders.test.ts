// The NB201 / FBNet / OFA rebuilds are the measured networks: counts against values published with the
// benchmarks (each check names its source), ONNX node counts against the benchmark code's structure,
// byte-identical re-export, and clear errors on malformed architectures (training/spaces/verify_builders.py).

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { missingTorch, runJson } from './python';

interface Check {
  name: string;
  ok: boolean;
  expected: unknown;
  got: unknown;
  source: string;
}

const skip = missingTorch();

for (const part of ['nb201', 'fbnet', 'ofa', 'determinism', 'errors']) {
  test(`builder checks: ${part}`, { skip: skip ? `skipped: ${skip}` : false }, async (t) => {
    const report = runJson('verify_builders.py', ['--only', part], true) as { ok: boolean; checks: Check[] };
    assert.ok(report.checks.length >= 3, `expected several ${part} checks, got ${report.checks.length}`);
    for (const check of report.checks) {
      await t.test(check.name, () => {
        assert.deepEqual(check.got, check.expected, `${check.name} (reference: ${check.source})`);
      });
    }
    assert.equal(report.ok, report.checks.every((c) => c.ok));
  });
}
