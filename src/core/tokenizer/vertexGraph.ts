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
  succ: Set<string>;
  inDegree: number;
}

export function buildVertexGraph<A>(
  graph: Graph,
  parse: NodeParser<A>,
  options: { onCycle: 'reject' | 'append' },
): VertexGraph<A> {
  const known = initialKnownSizes(graph);
  const table = new Map<string, Building<A>>(); // insertion order = networkx node order
  const edges: [string, string][] = [];

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
        table.set(name, { name, opType: node.opType, node, payload: parsed.payload, succ: new Set(), inDegree: 0 });
      }
    }
    for (const i of parsed.inputSlots) {
      for (const o of parsed.outputSlots) edges.push([node.inputs[i], node.outputs[o]]);
    }
  }
  for (const [from, to] of edges) {
    let source = table.get(from);
    if (!source) {
      source = { name: from, opType: '', succ: new Set(), inDegree: 0 };
      table.set(from, source);
    }
    if (!source.succ.has(to)) {
      source.succ.add(to);
      table.get(to)!.inDegree++;
    }
  }

  // Input promotion and single-pass pruning (spec §1.3).
  const sources = [...table.values()].filter((v) => v.inDegree === 0);
  for (const v of sources) {
    if (v.succ.size > 0 && known.has(v.name)) {
      v.opType = 'Input';
      v.node = undefined;
      v.payload = undefined;
    } else {
      for (const s of v.succ) table.get(s)!.inDegree--;
      table.delete(v.name);
    }
  }

  // Kahn, generation by generation.
  const order: Building<A>[] = [];
  const remaining = new Map<string, number>();
  let generation: Building<A>[] = [];
  for (const v of table.values()) {
    if (v.inDegree === 0) generation.push(v);
    else remaining.set(v.name, v.inDegree);
  }
  while (generation.length > 0) {
    const next: Building<A>[] = [];
    for (const v of generation) {
      order.push(v);
      for (const s of v.succ) {
        const d = remaining.get(s)! - 1;
        if (d === 0) {
          remaining.delete(s);
          next.push(table.get(s)!);
        } else remaining.set(s, d);
      }
    }
    generation = next;
  }
  const cyclic = remaining.size;
  if (cyclic > 0) {
    if (options.onCycle === 'reject') {
      throw new TokenizeError(`the graph has a cycle through ${cyclic} tensors (e.g. '${remaining.keys().next().value}')`);
    }
    for (const v of table.values()) if (remaining.has(v.name)) order.push(v);
  }

  const index = new Map(order.map((v, i) => [v.name, i]));
  const outEdges: [number, number][] = [];
  order.forEach((v, i) => {
    for (const s of v.succ) outEdges.push([i, index.get(s)!]);
  });
  outEdges.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  return {
    vertices: order.map((v) => ({ name: v.name, opType: v.opType, node: v.node, payload: v.payload })),
    edges: outEdges,
    cyclic,
  };
}
