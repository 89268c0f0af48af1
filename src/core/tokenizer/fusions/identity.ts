// An Identity copies its input, and onnxruntime removes it when it opens a file: an Identity of a constant is
// constant-folded into a constant of its own (its output name, the same values), any other Identity is removed and
// its readers read its input. Trained networks exported by PyTorch have none, but torch.onnx.export writes one for
// every tensor equal to an earlier one, and at initial weights many are (every folded BatchNorm bias is zero,
// LayerNorm scales are ones): without this rewrite an untrained export, or a trained one whose norms never moved,
// gets tokens its trained twin never has (a dangling Identity vertex per shared bias, one Input vertex feeding
// many LayerNorms, parameters counted once for many layers).
import type { GraphFacts } from './graphFacts';
import type { Fusion } from './index';

export function identityRemovals(facts: GraphFacts): Fusion[] {
  const out: Fusion[] = [];
  for (const node of facts.graph.nodes) {
    if (node.opType !== 'Identity' || node.domain !== '') continue;
    const [x] = node.inputs;
    const [y] = node.outputs;
    // The output's name must stay where the graph exports it, and a subgraph reading it would not be rewired.
    if (!x || !y || facts.graphOutputs.has(y) || (facts.consumers.get(y) ?? 0) !== (facts.readers.get(y)?.length ?? 0)) continue;
    const constant = facts.constants.has(x) ? facts.constTensor(x) : undefined;
    out.push(
      constant
        ? { kind: 'identity', replaces: [node], initializers: [{ ...constant, name: y }] }
        : { kind: 'identity', replaces: [node], alias: [y, x] },
    );
  }
  return out;
}
