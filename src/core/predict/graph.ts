// The graph of Tokens.edges in the two shapes a predictor reads (models/README.md): a dense symmetric 0/1 matrix,
// or the list of its non-zero (row, column) pairs. Both are the symmetric closure of the directed edges with
// self-loops and duplicates dropped, so a predictor sees the same graph in either form.

function checkVertex(n: number, a: number, b: number): void {
  if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b >= 0 && a < n && b < n)) {
    throw new RangeError(`edge [${a}, ${b}] names a vertex outside 0..${n - 1}`);
  }
}

/** Dense symmetric 0/1 adjacency of an N-vertex graph from directed edges; self-loops are dropped. */
export function denseAdjacency(n: number, edges: readonly (readonly [number, number])[]): Float32Array {
  const adjacency = new Float32Array(n * n);
  for (const [a, b] of edges) {
    checkVertex(n, a, b);
    if (a === b) continue;
    adjacency[a * n + b] = 1;
    adjacency[b * n + a] = 1;
  }
  return adjacency;
}

export interface EdgeList {
  src: BigInt64Array;
  dst: BigInt64Array;
}

/** The non-zero pairs of `denseAdjacency(n, edges)` in row-major order, as int64 index arrays: both directions of
 *  every undirected edge once, no self-loops. The degree of vertex i is the number of pairs with src = i. */
export function symmetricEdges(n: number, edges: readonly (readonly [number, number])[]): EdgeList {
  const { src, dst } = symmetricPairs(n, edges);
  return { src: int64From(src), dst: int64From(dst) };
}

/** symmetricEdges as int32 arrays, with `starts` [n+1]: vertex i's neighbours are dst[starts[i] .. starts[i+1]),
 *  ascending. Built by counting per source vertex and sorting each vertex's few neighbours: O(E) in practice,
 *  where sorting all the pairs, or a Set of strings, would cost more on large graphs. */
export function symmetricPairs(n: number, edges: readonly (readonly [number, number])[]): { src: Int32Array; dst: Int32Array; starts: Int32Array } {
  const starts = new Int32Array(n + 1);
  for (const [a, b] of edges) {
    checkVertex(n, a, b);
    if (a === b) continue;
    starts[a + 1]++;
    starts[b + 1]++;
  }
  for (let i = 0; i < n; i++) starts[i + 1] += starts[i];
  const filled = starts.slice(0, n);
  const both = new Int32Array(starts[n]);
  for (const [a, b] of edges) {
    if (a === b) continue;
    both[filled[a]++] = b;
    both[filled[b]++] = a;
  }
  // Sort and deduplicate each vertex's neighbours, compacting in place.
  let out = 0;
  const kept = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const from = starts[i];
    sortRange(both, from, starts[i + 1]);
    for (let k = from; k < starts[i + 1]; k++) if (k === from || both[k] !== both[k - 1]) both[out++] = both[k];
    kept[i + 1] = out;
  }
  const dst = both.slice(0, out);
  const src = new Int32Array(out);
  for (let i = 0; i < n; i++) src.fill(i, kept[i], kept[i + 1]);
  return { src, dst, starts: kept };
}

/** Sorts values[from..to) in place: an insertion sort, since a vertex has few neighbours and a typed-array
 *  `subarray(..).sort()` per vertex costs more in setting up than in sorting. A hub vertex (thousands of
 *  neighbours) goes to the built-in sort. */
export function sortRange(values: Int32Array, from: number, to: number): void {
  if (to - from > 64) {
    values.subarray(from, to).sort();
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const v = values[i];
    let j = i - 1;
    while (j >= from && values[j] > v) values[j + 1] = values[j--];
    values[j + 1] = v;
  }
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Non-negative integers (< 2^31) as int64, without a BigInt per value: on a little-endian machine each value is
 *  the low half of its 64-bit slot and the high half stays zero. Indices of a large graph number in the tens of
 *  thousands per prediction, and a BigInt each is a measurable part of its cost. */
export function int64From(values: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(values.length);
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]);
    return out;
  }
  const halves = new Int32Array(out.buffer);
  for (let i = 0; i < values.length; i++) halves[2 * i] = values[i];
  return out;
}
