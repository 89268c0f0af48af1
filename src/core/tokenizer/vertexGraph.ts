// Graph construction shared by both modes (spec §1.1–1.6): vertices are OUTPUT TENSORS, edges run from each
// connected input tensor to each selected output tensor, in-degree-0 vertices become `Input` (when their tensor
// has a known size) or are deleted in one non-cascading pass, and vertices are ordered by Kahn's algorithm
// generation by generation, ties broken by insertion order (what networkx ≥ 2.6 does).
import type { Graph, Node } from '../graph/types';
import { TokenizeError } from './errors';

/** known_sizes (spec §1.1): tensor name → dims, for graph inputs, initializers and Constant outputs. */
export type KnownSizes = Map<string, number[]>;

/** What a mode's parser says about one node: which input slots and output slots take part, plus its payload. */
export interface NodeParse<A> {
  inputSlots: number[];
  outputSlots: number[];
  payload: A;
}

export type NodeParser<A> = (node: Node, known: KnownSizes) => NodeParse<A>;

/**
 * Vertices column-wise, in topological order: vertex i is `names[i]` (its output tensor), `opTypes[i]` ('Input'
 * for promoted source tensors, else the producing node's op type), `nodes[i]` (the producing node, absent for
 * Input vertices) and `payloads[i]`. Columns rather than an object per vertex: the tokenizer hands `names` and
 * `opTypes` on as they are.
 */
export interface VertexGraph<A> {
  names: string[];
  opTypes: string[];
  nodes: (Node | undefined)[];
  payloads: (A | undefined)[];
  /** Directed edges [from, to] as vertex indices, sorted by (from, to). */
  edges: [number, number][];
  /** Vertices that could not be ordered because they lie on a cycle (appended in insertion order). */
  cyclic: number;
}

/** Dims of a declared shape as the reference reads them: symbolic or anonymous dims become 0. */
export function declaredDims(shape: (number | string | null)[] | undefined): number[] {
  return (shape ?? []).map((d) => (typeof d === 'number' ? d : 0));
}

/** The dims a Constant node's output has, from whichever value attribute it carries (undefined if none). */
export function constantDims(node: Node): number[] | undefined {
  for (const [name, attr] of node.attributes) {
    if ((name === 'value' || name === 'sparse_value') && (attr.kind === 'tensor' || attr.kind === 'sparse_tensor')) {
      return attr.value.dims;
    }
    if (name.startsWith('value_')) {
      if (attr.kind === 'floats' || attr.kind === 'ints' || attr.kind === 'strings') return [attr.value.length];
      if (attr.kind === 'float' || attr.kind === 'int' || attr.kind === 'string') return [];
    }
  }
  return undefined;
}

export function initialKnownSizes(graph: Graph): KnownSizes {
  const known: KnownSizes = new Map();
  for (let i = 0; i < graph.inputs.length; i++) known.set(graph.inputs[i].name, declaredDims(graph.inputs[i].shape));
  graph.initializers.forEach((init, name) => known.set(name, init.dims));
  return known;
}

/** Target lists up to this length are sorted in place by insertion; longer ones by a typed-array sort. */
const INSERTION_SORT_LIMIT = 32;

/** Sorts data[from, to) ascending. */
function sortRange(data: Int32Array, from: number, to: number): void {
  if (to - from > INSERTION_SORT_LIMIT) {
    data.subarray(from, to).sort();
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const x = data[i];
    let j = i - 1;
    while (j >= from && data[j] > x) {
      data[j + 1] = data[j];
      j--;
    }
    data[j + 1] = x;
  }
}

/**
 * Vertices are numbered in insertion order (= networkx node order) and held column-wise: names, op types, nodes
 * and payloads in arrays, degrees and positions in typed arrays, successors as one CSR block. A graph of thousands
 * of vertices then costs a few arrays instead of an object, a successor list and a Set per vertex.
 */
export function buildVertexGraph<A>(
  graph: Graph,
  parse: NodeParser<A>,
  options: { onCycle: 'reject' | 'append' },
): VertexGraph<A> {
  // Each step is its own function: the optimising compiler then compiles a few small functions rather than one
  // large one (its memory, on a background thread, shows up in the process's peak RSS).
  const known = initialKnownSizes(graph);
  const nodes = graph.nodes;
  const columns: Columns<A> = { index: new Map(), names: [], opTypes: [], producers: [], payloads: [] };
  const inputSlotsOf: number[][] = new Array(nodes.length);
  const outputSlotsOf: number[][] = new Array(nodes.length);
  const edgeCount = numberOutputs(nodes, parse, known, columns, inputSlotsOf, outputSlotsOf);
  const edgeSource = new Int32Array(edgeCount);
  const edgeTarget = new Int32Array(edgeCount);
  numberEdges(nodes, columns, inputSlotsOf, outputSlotsOf, edgeSource, edgeTarget);
  const { names, opTypes, producers, payloads } = columns;

  const count = names.length;
  const start = new Int32Array(count + 1);
  const end = new Int32Array(count);
  const inDegree = new Int32Array(count);
  const succ = successorLists(count, edgeSource, edgeTarget, start, end, inDegree);

  // Input promotion and single-pass pruning (spec §1.3).
  const deleted = new Uint8Array(count);
  const alive = pruneSources(columns, known, start, end, succ, inDegree, deleted);

  const order = new Int32Array(alive);
  const position = new Int32Array(count).fill(-1);
  let ordered = kahnOrder(count, start, end, succ, inDegree, deleted, order, position);
  const cyclic = alive - ordered;
  if (cyclic > 0) {
    if (options.onCycle === 'reject') {
      let first = '';
      for (let v = 0; v < count; v++) {
        if (!deleted[v] && position[v] < 0) {
          first = names[v];
          break;
        }
      }
      throw new TokenizeError(`the graph has a cycle through ${cyclic} tensors (e.g. '${first}')`);
    }
    for (let v = 0; v < count; v++) {
      if (!deleted[v] && position[v] < 0) {
        position[v] = ordered;
        order[ordered++] = v;
      }
    }
  }

  const edges = sortedEdges(order, start, end, succ, position);
  // The columns are put in topological order in place (deleted sources last, then cut off): new arrays for them
  // would double what the tokenizer allocates for names and op types.
  const permutation = new Int32Array(count);
  permutation.set(order);
  let tail = alive;
  for (let v = 0; v < count; v++) if (deleted[v]) permutation[tail++] = v;
  const placed = new Uint8Array(count);
  permuteInPlace(names, permutation, placed);
  permuteInPlace(opTypes, permutation, placed);
  permuteInPlace(producers, permutation, placed);
  permuteInPlace(payloads, permutation, placed);
  names.length = opTypes.length = producers.length = payloads.length = alive;
  return { names, opTypes, nodes: producers, payloads, edges, cyclic };
}

/** Vertices by number, in insertion order (= networkx node order), while the graph is built. */
interface Columns<A> {
  /** Tensor name → vertex number. */
  index: Map<string, number>;
  names: string[];
  opTypes: string[];
  producers: (Node | undefined)[];
  payloads: (A | undefined)[];
}

/** First pass: numbers every selected output in node order and keeps each node's slot lists; returns the edge count. */
function numberOutputs<A>(
  nodes: Node[],
  parse: NodeParser<A>,
  known: KnownSizes,
  columns: Columns<A>,
  inputSlotsOf: number[][],
  outputSlotsOf: number[][],
): number {
  const { index, names, opTypes, producers, payloads } = columns;
  let edgeCount = 0;
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n];
    const parsed = parse(node, known);
    // The reference registers a Constant's dims as it walks, so only LATER consumers see them (spec §1.1).
    if (node.opType === 'Constant') {
      const dims = constantDims(node);
      if (dims) known.set(node.outputs[0], dims);
    }
    const outputSlots = parsed.outputSlots;
    inputSlotsOf[n] = parsed.inputSlots;
    outputSlotsOf[n] = outputSlots;
    edgeCount += parsed.inputSlots.length * outputSlots.length;
    for (let m = 0; m < outputSlots.length; m++) {
      const name = node.outputs[outputSlots[m]];
      const existing = index.get(name);
      if (existing !== undefined) {
        // networkx keeps the first position and the last attributes.
        opTypes[existing] = node.opType;
        producers[existing] = node;
        payloads[existing] = parsed.payload;
      } else {
        index.set(name, names.length);
        names.push(name);
        opTypes.push(node.opType);
        producers.push(node);
        payloads.push(parsed.payload);
      }
    }
  }
  return edgeCount;
}

/**
 * Second pass: the edges (input tensor → output tensor) in the order the reference adds them. Their sources are
 * resolved only now that every node's outputs are numbered, so that a source a later node produces keeps that
 * node's position; a source no node produces is numbered here, in edge order.
 */
function numberEdges<A>(
  nodes: Node[],
  columns: Columns<A>,
  inputSlotsOf: number[][],
  outputSlotsOf: number[][],
  edgeSource: Int32Array,
  edgeTarget: Int32Array,
): void {
  const { index, names, opTypes, producers, payloads } = columns;
  let e = 0;
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n];
    const inputSlots = inputSlotsOf[n];
    const outputSlots = outputSlotsOf[n];
    for (let k = 0; k < inputSlots.length; k++) {
      const from = node.inputs[inputSlots[k]];
      let source = index.get(from);
      if (source === undefined) {
        source = names.length;
        index.set(from, source);
        names.push(from);
        opTypes.push('');
        producers.push(undefined);
        payloads.push(undefined);
      }
      for (let m = 0; m < outputSlots.length; m++) {
        edgeSource[e] = source;
        edgeTarget[e++] = index.get(node.outputs[outputSlots[m]])!;
      }
    }
  }
}

/**
 * Successors in first-edge order without repeats, as CSR: succ[start[v], end[v]); counts each vertex's distinct
 * predecessors into `inDegree`.
 */
function successorLists(
  count: number,
  edgeSource: Int32Array,
  edgeTarget: Int32Array,
  start: Int32Array,
  end: Int32Array,
  inDegree: Int32Array,
): Int32Array {
  const edgeCount = edgeSource.length;
  for (let k = 0; k < edgeCount; k++) start[edgeSource[k] + 1]++;
  for (let v = 0; v < count; v++) start[v + 1] += start[v];
  const succ = new Int32Array(edgeCount);
  end.set(start.subarray(0, count));
  for (let k = 0; k < edgeCount; k++) succ[end[edgeSource[k]]++] = edgeTarget[k];
  const seenFrom = new Int32Array(count).fill(-1); // seenFrom[t] = the last source that listed t
  for (let v = 0; v < count; v++) {
    let w = start[v];
    for (let k = start[v]; k < end[v]; k++) {
      const t = succ[k];
      if (seenFrom[t] === v) continue;
      seenFrom[t] = v;
      succ[w++] = t;
      inDegree[t]++;
    }
    end[v] = w;
  }
  return succ;
}

/** Promotes sources with a known size to Input and deletes the others in one non-cascading pass; returns how many vertices remain. */
function pruneSources<A>(
  columns: Columns<A>,
  known: KnownSizes,
  start: Int32Array,
  end: Int32Array,
  succ: Int32Array,
  inDegree: Int32Array,
  deleted: Uint8Array,
): number {
  const { names, opTypes, producers, payloads } = columns;
  const count = names.length;
  const sources: number[] = [];
  for (let v = 0; v < count; v++) if (inDegree[v] === 0) sources.push(v);
  for (let i = 0; i < sources.length; i++) {
    const v = sources[i];
    if (end[v] > start[v] && known.has(names[v])) {
      opTypes[v] = 'Input';
      producers[v] = undefined;
      payloads[v] = undefined;
    } else {
      for (let k = start[v]; k < end[v]; k++) inDegree[succ[k]]--;
      deleted[v] = 1;
    }
  }
  let alive = 0;
  for (let v = 0; v < count; v++) if (!deleted[v]) alive++;
  return alive;
}

/**
 * Kahn, generation by generation; `inDegree` counts down the predecessors not yet ordered. Each generation is
 * appended to `order` in the order its members were freed, which is what processing generation lists gives.
 * Returns how many vertices were ordered (the rest lie on cycles).
 */
function kahnOrder(
  count: number,
  start: Int32Array,
  end: Int32Array,
  succ: Int32Array,
  inDegree: Int32Array,
  deleted: Uint8Array,
  order: Int32Array,
  position: Int32Array,
): number {
  let ordered = 0;
  for (let v = 0; v < count; v++) if (!deleted[v] && inDegree[v] === 0) order[ordered++] = v;
  for (let head = 0; head < ordered; head++) {
    const v = order[head];
    position[v] = head;
    for (let k = start[v]; k < end[v]; k++) if (--inDegree[succ[k]] === 0) order[ordered++] = succ[k];
  }
  return ordered;
}

/** Edges as [from, to] positions sorted by (from, to): `order` gives the sources in ascending order; each one's targets are sorted. */
function sortedEdges(order: Int32Array, start: Int32Array, end: Int32Array, succ: Int32Array, position: Int32Array): [number, number][] {
  const edges: [number, number][] = [];
  for (let i = 0; i < order.length; i++) {
    const v = order[i];
    const from = start[v];
    const to = end[v];
    for (let k = from; k < to; k++) succ[k] = position[succ[k]];
    if (to - from > 1) sortRange(succ, from, to);
    for (let k = from; k < to; k++) edges.push([i, succ[k]]);
  }
  return edges;
}

/** a[j] = (old a)[permutation[j]] for every j, following the permutation's cycles; `placed` is scratch. */
function permuteInPlace<T>(a: T[], permutation: Int32Array, placed: Uint8Array): void {
  placed.fill(0);
  for (let i = 0; i < permutation.length; i++) {
    if (placed[i]) continue;
    const first = a[i];
    let j = i;
    for (;;) {
      placed[j] = 1;
      const k = permutation[j];
      if (k === i) {
        a[j] = first;
        break;
      }
      a[j] = a[k];
      j = k;
    }
  }
}
