// The class form of a graph (models/README.md, inputForm "classes"): vertices that every layer of NAR-Former V2
// treats alike, found from the graph alone, so that the predictor computes each class once. Level 0 groups the
// vertices with the same token row and degree; level l splits each class of level l-1 by the classes l-1 of its
// neighbours (with multiplicity), since a layer's graph-aided attention aggregates exactly those rows. Real
// networks repeat layers: DenseNet-121's 2,587 vertices fall into 436 / 807 / 1,169 classes at levels 0 / 1 / 2.
// The numbering must be the exporter's (training/model/classes.py): classes in the order of their first vertex,
// that vertex the representative, its edges in ascending neighbour order — forms.test.ts compares them.
import type { PackedTensor } from './pack';
import { int64From, sortRange, symmetricPairs } from './graph';

/** The input names of the class form for a predictor of `layers` layers, in the exporter's order. */
export function classInputNames(layers: number): string[] {
  const levels: string[] = [];
  for (let l = 1; l <= layers; l++) levels.push(`class_parent_${l}`, `class_src_${l}`, `class_dst_${l}`);
  return ['tokens', 'degree', ...levels, 'class_count', 'static'];
}

/** The number of layers a class-form input list is for, or undefined when `names` is not one. */
export function classLayersOf(names: readonly string[]): number | undefined {
  const layers = (names.length - 4) / 3;
  if (!Number.isInteger(layers) || layers < 1) return undefined;
  const expected = classInputNames(layers);
  return names.every((n, i) => n === expected[i]) ? layers : undefined;
}

/** Class ids in the order of each class's first vertex, and that vertex per class: vertices i < n grouped by
 *  `same`, looked up through `hash` (a hash hit is confirmed by `same`, so collisions cost time, never a wrong
 *  class). Hashing the rows beats keying a map by strings built from them several times over on large graphs. */
function grouped(n: number, hash: (i: number) => number, same: (a: number, b: number) => boolean): { ids: Int32Array; first: number[] } {
  const buckets = new Map<number, number[]>(); // hash -> the classes with that hash
  const ids = new Int32Array(n);
  const first: number[] = [];
  for (let i = 0; i < n; i++) {
    const h = hash(i);
    const candidates = buckets.get(h);
    const found = candidates?.find((c) => same(first[c], i));
    if (found !== undefined) {
      ids[i] = found;
      continue;
    }
    ids[i] = first.length;
    if (candidates) candidates.push(first.length);
    else buckets.set(h, [first.length]);
    first.push(i);
  }
  return { ids, first };
}

/** FNV-style hash of `values[from..to)` after a seed. */
function hashRange(seed: number, values: Uint32Array | Int32Array, from: number, to: number): number {
  let h = Math.imul(seed + 1, 0x9e3779b1);
  for (let k = from; k < to; k++) h = Math.imul(h ^ values[k], 0x01000193);
  return h;
}

function equalRanges(values: Uint32Array | Int32Array, a: number, b: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (values[a + k] !== values[b + k]) return false;
  return true;
}

/** Every class-form input but `static`: token rows `features` (N rows of `f` values, row-major) and the directed
 *  `edges` of Tokens, for a predictor of `layers` layers. */
export function vertexClasses(features: Float32Array, f: number, edges: readonly (readonly [number, number])[], layers: number): Record<string, PackedTensor> {
  const n = features.length / f;
  // Vertex i's neighbours are neighbours[starts[i] .. starts[i+1]), ascending.
  const { dst: neighbours, starts } = symmetricPairs(n, edges);
  const degree = (i: number) => starts[i + 1] - starts[i];
  // Level 0: bit-identical token rows (the exporter compares bytes too) and equal degrees.
  const bits = new Uint32Array(features.buffer, features.byteOffset, features.length);
  let { ids, first } = grouped(n, (i) => hashRange(degree(i), bits, i * f, (i + 1) * f),
    (a, b) => degree(a) === degree(b) && equalRanges(bits, a * f, b * f, f));
  const rows = new Float32Array(first.length * f);
  first.forEach((v, c) => rows.set(features.subarray(v * f, (v + 1) * f), c * f));
  const out: Record<string, PackedTensor> = {
    tokens: { data: rows, dims: [first.length, f] },
    degree: { data: Float32Array.from(first, degree), dims: [first.length, 1] },
  };
  for (let l = 1; l <= layers; l++) {
    // Level l: the same class l-1, and the same sorted classes l-1 of the neighbours.
    const previous = ids;
    const sorted = Int32Array.from(neighbours, (j) => previous[j]);
    for (let i = 0; i < n; i++) sortRange(sorted, starts[i], starts[i + 1]);
    ({ ids, first } = grouped(n, (i) => hashRange(previous[i], sorted, starts[i], starts[i + 1]),
      (a, b) => previous[a] === previous[b] && degree(a) === degree(b) && equalRanges(sorted, starts[a], starts[b], degree(a))));
    const edgeCount = first.reduce((sum, v) => sum + degree(v), 0);
    const classSrc = new Int32Array(edgeCount);
    const classDst = new Int32Array(edgeCount);
    let e = 0;
    first.forEach((v, c) => {
      for (let k = starts[v]; k < starts[v + 1]; k++) {
        classSrc[e] = c;
        classDst[e++] = previous[neighbours[k]];
      }
    });
    out[`class_parent_${l}`] = { data: int64From(first.map((v) => previous[v])), dims: [first.length] };
    out[`class_src_${l}`] = { data: int64From(classSrc), dims: [edgeCount] };
    out[`class_dst_${l}`] = { data: int64From(classDst), dims: [edgeCount] };
  }
  const count = new Float32Array(first.length);
  for (const c of ids) count[c]++;
  out.class_count = { data: count, dims: [first.length, 1] };
  return out;
}
