// The acceptance's mutation test: ≥ 10,000 corrupted variants of corpus files, each ending in a Model or a
// ModelReadError (never another exception), each within 1 s, with heap growth bounded. Deterministic: set
// NAR_LENS_MUTATION_SEED / NAR_LENS_MUTATIONS to explore further.

import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Graph } from '../../src/core/graph/types';
import { ModelReadError, readModelBytes, readModelFile } from '../../src/core/onnx';
import { corpusPath, readManifest } from './corpusPaths';
import { analyse, MUTATION_KINDS, mutate, seededRandom, type MutationKind } from './mutations';

const SEED = Number(process.env.NAR_LENS_MUTATION_SEED ?? 20231105);
const VARIANTS = Number(process.env.NAR_LENS_MUTATIONS ?? 10_000);
/** Every FILE_EVERY-th variant goes through a file and a small random window, exercising the windowed path. */
const FILE_EVERY = 25;
const MAX_MS = 1000;
const MAX_HEAP_GROWTH = 64 * 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function countNodes(graph: Graph): number {
  let count = graph.nodes.length;
  for (const node of graph.nodes) {
    for (const attribute of node.attributes.values()) {
      if (attribute.kind === 'graph') count += countNodes(attribute.value);
      if (attribute.kind === 'graphs') for (const g of attribute.value) count += countNodes(g);
    }
  }
  return count;
}

const dir = mkdtempSync(join(tmpdir(), 'nar-lens-mutation-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test(`${VARIANTS} mutated corpus files end in a Model or a ModelReadError, each within ${MAX_MS} ms`, () => {
  const files = readManifest().map((entry) => {
    const bytes = new Uint8Array(readFileSync(corpusPath(entry)));
    return { name: entry.file, bytes, structure: analyse(bytes), nodes: countNodes(readModelBytes(bytes).graph) };
  });
  const random = seededRandom(SEED);
  const outcomes = new Map<MutationKind, { models: number; errors: number }>(MUTATION_KINDS.map((k) => [k, { models: 0, errors: 0 }]));
  const failures: string[] = [];
  let slowest = 0;
  let slowestWhat = '';
  let heapPeakGrowth = 0;
  gc();
  const heapBefore = process.memoryUsage().heapUsed;

  for (let i = 0; i < VARIANTS; i++) {
    const file = files[i % files.length];
    const kind = MUTATION_KINDS[Math.floor(random() * MUTATION_KINDS.length)];
    const variant = mutate(file.bytes, file.structure, kind, random);
    const what = `variant ${i} (seed ${SEED}, ${kind} of ${file.name}, ${variant.length} bytes)`;
    const viaFile = i % FILE_EVERY === 0;
    const windowBytes = 16 + Math.floor(random() * 8192);
    const started = performance.now();
    try {
      if (viaFile) {
        const path = join(dir, `v${i}.onnx`);
        writeFileSync(path, variant);
        try {
          readModelFile(path, { windowBytes });
        } finally {
          rmSync(path);
        }
        outcomes.get(kind)!.models++;
      } else {
        const model = readModelBytes(variant, { name: `v${i}.onnx` });
        // Field order is free in protobuf: a shuffled message must decode to the same structure.
        if (kind === 'shuffle' && countNodes(model.graph) !== file.nodes) failures.push(`${what}: node count changed`);
        outcomes.get(kind)!.models++;
      }
    } catch (error) {
      if (error instanceof ModelReadError) {
        outcomes.get(kind)!.errors++;
        if (!/ at byte [\d,]+/.test(error.message)) failures.push(`${what}: message lacks the offset: ${error.message}`);
      } else {
        failures.push(`${what}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      }
    }
    const elapsed = performance.now() - started;
    if (elapsed > slowest) {
      slowest = elapsed;
      slowestWhat = what;
    }
    if (elapsed > MAX_MS) failures.push(`${what}: took ${elapsed.toFixed(0)} ms`);
    if (i % 1000 === 999) {
      gc();
      heapPeakGrowth = Math.max(heapPeakGrowth, process.memoryUsage().heapUsed - heapBefore);
    }
  }

  gc();
  const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
  const summary = [...outcomes].map(([k, o]) => `${k}: ${o.models} models / ${o.errors} errors`).join('; ');
  console.log(`mutation test: ${summary}; slowest ${slowest.toFixed(1)} ms (${slowestWhat}); heap growth ${(heapGrowth / 1e6).toFixed(1)} MB (peak after GC ${(heapPeakGrowth / 1e6).toFixed(1)} MB)`);
  assert.deepEqual(failures.slice(0, 20), []);
  assert.ok(heapPeakGrowth < MAX_HEAP_GROWTH && heapGrowth < MAX_HEAP_GROWTH, `heap grew by ${heapPeakGrowth} bytes`);
  // The mutations must bite: every corrupting kind produces errors; shuffles (valid protobuf) produce models.
  for (const [kind, o] of outcomes) if (kind !== 'shuffle') assert.ok(o.errors > 0, `${kind} never produced an error`);
  assert.ok(outcomes.get('shuffle')!.models > 0);
});
