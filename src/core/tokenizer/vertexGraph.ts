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

export interface Vertex<A> {
  /** The output tensor name. */
  name: string;
  /** 'Input' for promoted source tensors, else the producing node's op type. */
  opType: string;
  /** Producing node (absent for Input vertices). */
  node?: Node;
  payload?: A;
}

export interface VertexGraph<A> {
  /** Vertices in topological order. */
  vertices: Vertex<A>[];
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
  for (const input of graph.inputs) known.set(input.name, declaredDims(input.shape));
  for (const [name, init] of graph.initializers) known.set(name, init.dims);
  return known;
}

interface Building<A> {
  name: string;
  opType: string;
  node?: Node;
  payload?: A;
  /** Successors in first-edge order, without repeats. */
  succ: Building<A>[];
  /** Membership test for `succ`, built only once a vertex has many successors (a short list is scanned). */
  succSet: Set<Building<A>> | undefined;
  inDegree: number;
  /** Position in the topological order; -1 until ordered (and for deleted sources). */
  index: number;
}

const ascending = (x: number, y: number): number => x - y;

/** Successor lists up to this length are searched linearly for repeats; longer ones get a Set. */
const SCAN_LIMIT = 16;

function newVertex<A>(name: string, opType: string, node: Node | undefined, payload: A | undefined): Building<A> {
  return { name, opType, node, payload, succ: [], succSet: undefined, inDegree: 0, index: -1 };
}

/** Adds the edge from → to unless it is already there; true when added. */
function addSuccessor<A>(from: Building<A>, to: Building<A>): boolean {
  if (from.succSet !== undefined) {
    if (from.succSet.has(to)) return false;
    from.succSet.add(to);
  } else {
    if (from.succ.includes(to)) return false;
    if (from.succ.length >= SCAN_LIMIT) from.succSet = new Set(from.succ).add(to);
  }
  from.succ.push(to);
  return true;
}

export function buildVertexGraph<A>(
  graph: Graph,
  parse: NodeParser<A>,
  options: { onCycle: 'reject' | 'append' },
): VertexGraph<A> {
  const known = initialKnownSizes(graph);
  const table = new Map<string, Building<A>>(); // insertion order = networkx node order
  // Edges as (source tensor name, target vertex), in the order the reference adds them. Sources are resolved only
  // after every node's outputs are in the table, so that a source a later node produces keeps that node's position.
  const edgeFrom: string[] = [];
  const edgeTo: Building<A>[] = [];

  for (const node of graph.nodes) {
    const parsed = parse(node, known);
    // The reference registers a Constant's dims as it walks, so only LATER consumers see them (spec §1.1).
    if (node.opType === 'Constant') {
      const dims = constantDims(node);
      if (dims) known.set(node.outputs[0], dims);
    }
    for (const o of parsed.outputSlots) {
      const name = node.outputs[o];
      const existing = table.get(name);
      if (existing) {
        // networkx keeps the first position and the last attributes.
        existing.opType = node.opType;
        existing.node = node;
        existing.payload = parsed.payload;
      } else {
        table.set(name, newVertex(name, node.opType, node, parsed.payload));
      }
    }
    const inputSlots = parsed.inputSlots;
    const outputSlots = parsed.outputSlots;
    for (let k = 0; k < inputSlots.length; k++) {
      for (let m = 0; m < outputSlots.length; m++) {
        edgeFrom.push(node.inputs[inputSlots[k]]);
        edgeTo.push(table.get(node.outputs[outputSlots[m]])!);
      }
    }
  }
  for (let e = 0; e < edgeFrom.length; e++) {
    const from = edgeFrom[e];
    let source = table.get(from);
    if (!source) {
      source = newVertex<A>(from, '', undefined, undefined);
      table.set(from, source);
    }
    const target = edgeTo[e];
    if (addSuccessor(source, target)) target.inDegree++;
  }

  // Input promotion and single-pass pruning (spec §1.3).
  const sources: Building<A>[] = [];
  for (const v of table.values()) if (v.inDegree === 0) sources.push(v);
  for (const v of sources) {
    if (v.succ.length > 0 && known.has(v.name)) {
      v.opType = 'Input';
      v.node = undefined;
      v.payload = undefined;
    } else {
      for (const s of v.succ) s.inDegree--;
      table.delete(v.name);
    }
  }

  // Kahn, generation by generation; `inDegree` counts down the predecessors not yet ordered. Each generation is
  // appended to `order` in the order its members were freed, which is what processing generation lists gives.
  const order: Building<A>[] = [];
  for (const v of table.values()) if (v.inDegree === 0) order.push(v);
  for (let head = 0; head < order.length; head++) {
    const v = order[head];
    v.index = head;
    const succ = v.succ;
    for (let k = 0; k < succ.length; k++) if (--succ[k].inDegree === 0) order.push(succ[k]);
  }
  const cyclic = table.size - order.length;
  if (cyclic > 0) {
    if (options.onCycle === 'reject') {
      let first = '';
      for (const v of table.values()) {
        if (v.index < 0) {
          first = v.name;
          break;
        }
      }
      throw new TokenizeError(`the graph has a cycle through ${cyclic} tensors (e.g. '${first}')`);
    }
    for (const v of table.values()) {
      if (v.index < 0) {
        v.index = order.length;
        order.push(v);
      }
    }
  }

  // Edges sorted by (from, to): `order` gives the sources in ascending order; each one's targets are sorted.
  const edges: [number, number][] = [];
  const targets: number[] = [];
  const vertices: Vertex<A>[] = new Array(order.length);
  for (let i = 0; i < order.length; i++) {
    const v = order[i];
    const succ = v.succ;
    if (succ.length === 1) edges.push([i, succ[0].index]);
    else if (succ.length > 1) {
      targets.length = 0;
      for (let k = 0; k < succ.length; k++) targets.push(succ[k].index);
      targets.sort(ascending);
      for (let k = 0; k < targets.length; k++) edges.push([i, targets[k]]);
    }
    vertices[i] = { name: v.name, opType: v.opType, node: v.node, payload: v.payload };
  }
  return { vertices, edges, cyclic };
}
