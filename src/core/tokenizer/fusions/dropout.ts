// A Dropout is an identity at inference, and onnxruntime removes it when it opens a file (a basic-level rewrite, on
// by default); each reader of its output then reads its input. PyTorch's eval-mode export drops them, so no
// training graph has one, while converted and older files (TensorFlow, Caffe2, the ONNX model zoo's AlexNet and
// VGG) keep them.
import type { Node } from '../../graph/types';
import type { GraphFacts } from './graphFacts';
import type { Fusion } from './index';

export function dropoutRemovals(facts: GraphFacts): Fusion[] {
  const out: Fusion[] = [];
  for (const node of facts.graph.nodes) {
    if (node.opType !== 'Dropout' || node.domain !== '' || !atInference(node, facts)) continue;
    const [x] = node.inputs;
    const [y] = node.outputs;
    // The output's name must stay where the graph exports it, and a subgraph reading it would not be rewired.
    if (!x || !y || facts.graphOutputs.has(y) || (facts.consumers.get(y) ?? 0) !== (facts.readers.get(y)?.length ?? 0)) continue;
    out.push({ kind: 'dropout', replaces: [node], alias: [y, x] });
  }
  return out;
}

function atInference(dropout: Node, facts: GraphFacts): boolean {
  const [, , trainingMode] = dropout.inputs;
  const [, mask] = dropout.outputs;
  // The mask exists only to be read; a read mask keeps the node.
  if (mask && (facts.consumers.get(mask) || facts.graphOutputs.has(mask))) return false;
  // Opset 12 made training mode an input: it must be absent or a constant false.
  if (trainingMode) {
    const value = facts.constValues(trainingMode);
    if (!value || value.length !== 1 || value[0] !== 0) return false;
  }
  return true;
}
