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
  // Each pair as one number row·n + column (exact in a double for any graph that fits in memory), sorted and
  // deduplicated: O(E log E) where a Set of strings or the dense matrix would cost far more on large graphs.
  const keys = new Float64Array(2 * edges.length);
  let k = 0;
  for (const [a, b] of edges) {
    checkVertex(n, a, b);
    if (a === b) continue;
    keys[k++] = a * n + b;
    keys[k++] = b * n + a;
  }
  const sorted = keys.subarray(0, k).sort();
  let unique = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[unique++] = sorted[i];
  const src = new BigInt64Array(unique);
  const dst = new BigInt64Array(unique);
  for (let i = 0; i < unique; i++) {
    const row = Math.floor(sorted[i] / n);
    src[i] = BigInt(row);
    dst[i] = BigInt(sorted[i] - row * n);
  }
  return { src, dst };
}
