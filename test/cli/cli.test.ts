// Runs the built CLI (dist/cli.js, built by `node esbuild.mjs`) on corpus files and on broken input, asserting
// output and exit codes: 0 ok, 1 invalid or unsupported input (one stderr line naming the file), 2 usage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const MODELS = join(ROOT, 'test', 'fixtures', 'onnx-corpus', 'models');
const RESNET = join(MODELS, 'nnlqp_resnet18-v1-7-no-weight.onnx');
const CONV = join(MODELS, 'onnx_pytorch-converted__test_Conv2d.onnx');

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('inspect --json: one object with graph size, coverage, unknown ops and costs', () => {
  const r = run('inspect', RESNET, '--json');
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.equal(o.nodes, 69);
  // Extended tokens fold the 20 BatchNormalizations into their Convs (70 vertices and 77 edges unfolded); the
  // costs stay those of the file as it is.
  assert.deepEqual(o.fusions, { batchNormalization: 20, layerNormalization: 0, dropout: 0, identity: 0 });
  assert.equal(o.edges, 57);
  assert.deepEqual(o.coverage, { encoded: 50, total: 50 });
  assert.deepEqual(o.unknownOps, {});
  assert.deepEqual(o.opsets, { '': 8 });
  // Fixed-mode costs of ResNet-18 at batch 1: ~1.8 GMACs, ~11.7 M params (weights only: no initializers read).
  assert.ok(o.cost.gmacs > 1.7 && o.cost.gmacs < 1.9, `gmacs ${o.cost.gmacs}`);
  assert.ok(o.cost.gflops > 2 * 1.7, `gflops ${o.cost.gflops}`);
  assert.ok(o.cost.gparams > 0.0116 && o.cost.gparams < 0.0118, `gparams ${o.cost.gparams}`);
  assert.ok(o.cost.memoryBytes > 0);
});

test('inspect --batch scales the costs; --dim is accepted', () => {
  const one = JSON.parse(run('inspect', RESNET, '--json').stdout);
  const four = JSON.parse(run('inspect', RESNET, '--json', '--batch', '4', '--dim', 'N=3').stdout);
  assert.ok(Math.abs(four.cost.gmacs / one.cost.gmacs - 4) < 1e-6, `${four.cost.gmacs} vs ${one.cost.gmacs}`);
});

test('inspect: human output is aligned; several files give a JSON array', () => {
  const r = run('inspect', RESNET, CONV);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^nnlqp_resnet18-v1-7-no-weight\.onnx\n/);
  assert.match(r.stdout, /\n {2}coverage {8}50\/50 vertices encoded \(100\.0 %\)\n/);
  assert.match(r.stdout, /\n {2}fused {11}20 BatchNormalization folded into the Conv before them, as onnxruntime runs the file\n/);
  assert.match(r.stdout, /\n {2}GFLOPs {10}\d/);
  const valueColumns = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('  '))
    .map((l) => l.search(/\S/) + l.trimStart().search(/ {2}\S/) + 2);
  assert.equal(new Set(valueColumns).size, 1, 'values start in one column');
  const many = JSON.parse(run('inspect', RESNET, CONV, '--json').stdout);
  assert.ok(Array.isArray(many));
  assert.equal(many.length, 2);
});

test('tokenize --mode reference --json: rows in names order, index-pair edges, 40-dim static', () => {
  const r = run('tokenize', RESNET, '--mode', 'reference', '--json');
  assert.equal(r.code, 0, r.stderr);
  const t = JSON.parse(r.stdout);
  assert.equal(t.mode, 'reference');
  assert.equal(t.vocabularyVersion, 'nnlqp-v2-reference');
  assert.equal(t.names.length, 70);
  assert.equal(t.opTypes[0], 'Input');
  assert.deepEqual(t.outputShapes[0], [1, 3, 224, 224]);
  assert.equal(t.features.length, 70);
  assert.ok(t.features.every((row: number[]) => row.length === 152));
  assert.equal(t.features[1][0], 1); // the first Conv
  assert.equal(t.edges.length, 77);
  assert.deepEqual(t.edges[0], [0, 1]);
  assert.equal(t.static.length, 40);
  // It agrees with the golden dump of the published extractor.
  const gold = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'golden-reference', 'nnlqp_resnet18-v1-7-no-weight.onnx.json'), 'utf8'));
  t.static.forEach((v: number, i: number) => assert.ok(Math.abs(v - gold.static[i]) < 1e-5));
});

test('tokenize defaults to extended mode and prints a readable vertex list', () => {
  const r = run('tokenize', CONV);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /extended tokens \(ext-1\), 2 vertices × 152, 1 edges/);
  assert.match(r.stdout, /2\/2 vertices encoded/);
  assert.match(r.stdout, /\n {2}1 {2}Conv +\[1, \d+, \d+, \d+\]/);
});

test('a corrupt file exits 1 with one stderr line naming it; so does a missing file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nar-cli-'));
  try {
    const bad = join(dir, 'truncated.onnx');
    writeFileSync(bad, readFileSync(RESNET).subarray(0, 1500));
    for (const args of [['inspect', bad], ['inspect', bad, '--json'], ['tokenize', bad, '--json']]) {
      const r = run(...args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /truncated\.onnx/);
    }
    const missing = run('inspect', join(dir, 'nope.onnx'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope\.onnx/);
    // A good file next to a bad one is still reported; the exit code says something failed.
    const mixed = run('inspect', CONV, bad, '--json');
    assert.equal(mixed.code, 1);
    assert.equal(JSON.parse(mixed.stdout).length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reference mode refuses what the published extractor refuses (exit 1, reason on stderr)', () => {
  const r = run('tokenize', join(MODELS, 'onnx2c_test__simple_networks__treeensembleclassifier.onnx'), '--mode', 'reference', '--json');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /treeensembleclassifier\.onnx: rejected by the reference extractor: op type 'TreeEnsembleClassifier' has no parser/);
  // Extended mode encodes it (one vertex per output, both unknown, counted).
  const ext = run('tokenize', join(MODELS, 'onnx2c_test__simple_networks__treeensembleclassifier.onnx'), '--json');
  assert.equal(ext.code, 0, ext.stderr);
  assert.deepEqual(JSON.parse(ext.stdout).unknownOps, { 'ai.onnx.ml.TreeEnsembleClassifier': 2 });
});

test('usage errors exit 2', () => {
  for (const args of [
    ['inspect'],
    ['inspect', RESNET, '--batch', 'x'],
    ['inspect', RESNET, '--batch', '0'],
    ['inspect', RESNET, '--dim', 'N'],
    ['inspect', RESNET, '--frobnicate'],
    ['tokenize', RESNET, '--mode', 'fast'],
    ['tokenize', RESNET, CONV],
  ]) {
    const r = run(...args);
    assert.equal(r.code, 2, `${args.join(' ')} → ${r.code}: ${r.stderr}`);
    assert.match(r.stderr, /usage: nar-lens (inspect|tokenize)/);
  }
});
