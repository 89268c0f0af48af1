// A Dropout is an identity at inference, and onnxruntime removes it when it opens a file (its basic-level
// "eliminate dropout" rewrite). PyTorch's eval-mode export drops them, so no training graph has one, while
// converted and older files (TensorFlow, Caffe2, the ONNX model zoo's AlexNet and VGG) keep them. The node that
// produces the Dropout's input takes over its output name, so the readers of the Dropout read that node.
import type { Node } from '../../graph/types';
import type { GraphFacts } from './graphFacts';
import type { Fusion } from './index';

export function dropoutRemovals(facts: GraphFacts): Fusion[] {
  const fusions: Fusion[] = [];
  for (const dropout of facts.graph.nodes) {
    if (dropout.opType !== 'Dropout' || dropout.domain !== '' || !removable(dropout, facts)) continue;
    const x = dropout.inputs[0];
    const producer = x ? facts.producer.get(x) : undefined;
    // Only where the input is read by the Dropout alone (renaming it would change other readers), and not after
    // another Dropout (one of a chain goes per pass).
    if (!producer || !facts.internal(x) || producer.opType === 'Dropout') continue;
    const y = dropout.outputs[0];
    fusions.push({
      kind: 'dropout',
      replaces: [producer, dropout],
      fused: { ...producer, outputs: producer.outputs.map((o) => (o === x ? y : o)) },
    });
  }
  return fusions;
}

function removable(dropout: Node, facts: GraphFacts): boolean {
  const [x, , trainingMode] = dropout.inputs;
  const [y, mask] = dropout.outputs;
  if (!x || !y) return false;
  // The mask exists only to be read; a read mask keeps the node.
  if (mask && (facts.consumers.get(mask) || facts.graphOutputs.has(mask))) return false;
  // Opset 12 made training mode an input: it must be absent or a constant false.
  if (trainingMode) {
    const value = facts.constValues(trainingMode);
    if (!value || value.length !== 1 || value[0] !== 0) return false;
  }
  return true;
}
