// A BatchNormalization that directly follows a Conv folds into it, under the conditions onnxruntime's
// Conv+BatchNormalization fusion checks (a basic-level optimisation, on by default). PyTorch's TorchScript exporter
// folds these pairs at export, so no zoo or HELP training graph has one, while the dynamo exporter, tf2onnx and
// many model-zoo files keep the BatchNormalization as its own node. The Conv takes the BatchNormalization's output
// name and gains a bias (a new shape-only initializer when it had none).
import type { ConstTensor, InferredValue, Node } from '../../graph/types';
import type { GraphFacts } from './graphFacts';
import type { Fusion } from './index';

export function convBatchNormFusions(facts: GraphFacts, values: Map<string, InferredValue>): Fusion[] {
  const fusions: Fusion[] = [];
  const biasNames = new Set<string>();
  for (const bn of facts.graph.nodes) {
    if (bn.opType !== 'BatchNormalization' || bn.domain !== '') continue;
    const conv = facts.producedBy(bn.inputs[0], 'Conv');
    if (!conv || !foldable(conv, bn, facts)) continue;
    const output = bn.outputs[0];
    let bias = conv.inputs[2] ?? '';
    const initializers: ConstTensor[] = [];
    if (bias === '') {
      const taken = (name: string) => facts.graph.initializers.has(name) || values.has(name) || biasNames.has(name);
      bias = `${output}::folded_bias`;
      for (let i = 1; taken(bias); i++) bias = `${output}::folded_bias.${i}`;
      biasNames.add(bias);
      const weight = facts.constTensor(conv.inputs[1]);
      const elemType = weight?.elemType ?? values.get(conv.inputs[1])?.elemType ?? 1;
      const channels = weight?.dims[0] ?? values.get(conv.inputs[1])?.shape?.[0];
      initializers.push({ name: bias, elemType, dims: channels === undefined ? [] : [channels], storage: { kind: 'none' } });
    }
    fusions.push({
      kind: 'batchNormalization',
      replaces: [conv, bn],
      fused: { ...conv, inputs: [conv.inputs[0], conv.inputs[1], bias], outputs: [output] },
      initializers,
    });
  }
  return fusions;
}

function foldable(conv: Node, bn: Node, facts: GraphFacts): boolean {
  const training = bn.attributes.get('training_mode');
  if (training?.kind === 'int' && training.value !== 0) return false;
  // Only Y: the running-statistics outputs exist in training mode alone, and nothing may read them.
  if (bn.outputs.filter((o) => o !== '').length !== 1 || bn.outputs[0] === '') return false;
  if (conv.outputs.length !== 1 || !facts.internal(conv.outputs[0])) return false;
  const convConstants = conv.inputs.slice(1).filter((name) => name !== '');
  const bnConstants = bn.inputs.slice(1);
  return (
    convConstants.length >= 1 &&
    bnConstants.length === 4 &&
    [...convConstants, ...bnConstants].every((name) => facts.constants.has(name))
  );
}
