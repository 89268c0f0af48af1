// The Python unit tests of training/ (training/tests/test_*.py): model structure and parameter counts, padded
// batch = per-graph reference, the edge and class forms = the dense one, metrics against hand-computed values, tensor-folder validation, splits, training
// loop, baselines, ensemble interval / OOD, protocol runner and report.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { missingTorch, runModule } from './python';

const skip = missingTorch();

for (const suite of ['test_model', 'test_edge_form', 'test_class_form', 'test_metrics', 'test_data', 'test_training']) {
  test(`training/tests/${suite}.py`, { skip: skip ? `skipped: ${skip}` : false }, () => {
    const result = runModule('unittest', ['-v', `training.tests.${suite}`]);
    const ran = /Ran (\d+) tests?/.exec(result.stderr);
    assert.equal(result.status, 0, `${suite} failed:\n${result.stderr.slice(-4000)}`);
    assert.ok(ran && Number(ran[1]) >= 5, `${suite}: expected at least 5 tests to run, got: ${result.stderr.slice(-500)}`);
    assert.match(result.stderr, /\nOK/);
  });
}
