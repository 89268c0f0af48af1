// Extended mode tokenizes the graph onnxruntime executes rather than the file's node list, where the two differ in
// ways the training graphs never show: nodes the runtime removes or subgraphs it fuses into one op when it opens a
// file, which our own exports never wrote or already wrote as that op (dropout.ts, identity.ts, batchNorm.ts,
// layerNorm.ts).
// Without this, the same network exported another way would get tokens the predictors never saw. The rewrite is of
// the graph only, never of weights; shapes are those inference already found, and the fused graph's costs feed the
// static vector.
import type { ConstTensor, Node, ShapedModel } from '../../graph/types';
import type { RuntimeFusions } from '../types';
import { convBatchNormFusions } from './batchNorm';
import { dropoutRemovals } from './dropout';
import { GraphFacts } from './graphFacts';
import { identityRemovals } from './identity';
import { layerNormFusions } from './layerNorm';

export interface Fusion {
  kind: keyof RuntimeFusions;
  /** The nodes the fused op replaces; it takes the place of the first of them in the node list. */
  replaces: Node[];
  /** The one op they become; none for a node that is removed. */
  fused?: Node;
  /** [from, to]: every reader of tensor `from` reads `to` instead (a removed node's output and input). */
  alias?: [string, string];
  /** Shape-only initializers the fused op reads that the file lacks (a folded Conv's bias). */
  initializers?: ConstTensor[];
}

export const NO_FUSIONS: RuntimeFusions = Object.freeze({
  batchNormalization: 0,
  layerNormalization: 0,
  dropout: 0,
  identity: 0,
});

interface Pass {
  /** Op types one of which a graph must have for the pass to find anything (most graphs have none). */
  triggers: string[];
  find(facts: GraphFacts, shaped: ShapedModel): Fusion[];
}

/**
 * Rewrites in the runtime's order: nodes it removes first (its basic level), then the fusions, which then see
 * e.g. Conv → BatchNormalization where a Dropout sat between. The matchers of one pass never share a node.
 */
const PASSES: Pass[] = [
  { triggers: ['Dropout', 'Identity'], find: (facts) => [...dropoutRemovals(facts), ...identityRemovals(facts)] },
  {
    triggers: ['BatchNormalization', 'ReduceMean'],
    find: (facts, shaped) => [
      ...convBatchNormFusions(facts, shaped.values),
      ...layerNormFusions(facts, (tensor) => shaped.values.get(tensor)?.shape?.length),
    ],
  },
];

/**
 * The model as onnxruntime runs it (`shaped` itself when nothing fuses), and how many fusions of each kind;
 * `skip` names kinds left undone.
 */
export function applyRuntimeFusions(
  original: ShapedModel,
  skip: readonly (keyof RuntimeFusions)[] = [],
): { shaped: ShapedModel; fusions: RuntimeFusions } {
  const skipped = new Set(skip);
  let shaped = original;
  const fusions = { ...NO_FUSIONS };
  for (const pass of PASSES) {
    if (!shaped.model.graph.nodes.some((n) => pass.triggers.includes(n.opType))) continue;
    const facts = new GraphFacts(shaped.model.graph, shaped.model.irVersion);
    // Dropping a skipped kind's finds leaves the others valid: the matchers of one pass never share a node.
    const found = pass.find(facts, shaped).filter((f) => !skipped.has(f.kind));
    if (found.length > 0) shaped = rewrite(shaped, facts, found);
    for (const f of found) fusions[f.kind]++;
  }
  return { shaped, fusions: shaped === original ? NO_FUSIONS : fusions };
}

function rewrite(shaped: ShapedModel, facts: GraphFacts, found: Fusion[]): ShapedModel {
  const graph = shaped.model.graph;
  const fusedAt = new Map<Node, Node>();
  const gone = new Set<Node>();
  const aliases = new Map<string, string>();
  const initializers = new Map(graph.initializers);
  const values = new Map(shaped.values);
  for (const f of found) {
    if (f.fused) fusedAt.set(graph.nodes.find((n) => f.replaces.includes(n))!, f.fused);
    if (f.alias) aliases.set(f.alias[0], f.alias[1]);
    for (const n of f.replaces) gone.add(n);
    for (const n of f.replaces) for (const out of n.outputs) if (!f.fused?.outputs.includes(out)) values.delete(out);
    for (const t of f.initializers ?? []) {
      initializers.set(t.name, t);
      values.set(t.name, { elemType: t.elemType, shape: t.dims });
    }
  }
  // Chains of removed nodes resolve to the first input (Dropout → Dropout → x).
  const resolve = (t: string): string => {
    for (let seen = 0; aliases.has(t) && seen <= aliases.size; seen++) t = aliases.get(t)!;
    return t;
  };
  const rewired = (n: Node): Node => (n.inputs.some((t) => aliases.has(t)) ? { ...n, inputs: n.inputs.map(resolve) } : n);
  // A Constant read only by fused-away nodes (a layer norm's exponent and epsilon) goes too, as in the runtime; one
  // the file itself leaves unread stays, as it does in a file without fusions.
  const reads = new Map(facts.consumers);
  const count = (names: string[], by: number) => names.forEach((t) => t !== '' && reads.set(t, (reads.get(t) ?? 0) + by));
  for (const n of gone) count(n.inputs, -1);
  for (const f of fusedAt.values()) count(f.inputs, +1);
  for (const [from, to] of aliases) reads.set(resolve(to), (reads.get(resolve(to)) ?? 0) + (reads.get(from) ?? 0));
  for (const n of graph.nodes) {
    const unread = (t: string) => (facts.consumers.get(t) ?? 0) > 0 && !reads.get(t) && !facts.graphOutputs.has(t);
    if (n.opType === 'Constant' && n.domain === '' && n.outputs.every(unread)) {
      gone.add(n);
      for (const t of n.outputs) values.delete(t);
    }
  }
  const nodes = graph.nodes.flatMap((n) => (fusedAt.has(n) ? [rewired(fusedAt.get(n)!)] : gone.has(n) ? [] : [rewired(n)]));
  return { ...shaped, model: { ...shaped.model, graph: { ...graph, nodes, initializers } }, values };
}
