// Layer normalisation written out as nine element-wise and reduction ops (what torch.onnx.export writes below
// opset 17, which has no LayerNormalization) fuses into one LayerNormalization, as onnxruntime's layer-norm
// fusion does on the CPU at its default optimisation level:
//
//   X → ReduceMean → Sub(X, mean) → Pow(·, 2) → ReduceMean → Add(eps) → Sqrt
//     → Div(X − mean, ·) → Mul(γ) → Add(β)
//
// The zoo's transformers (ViT, ConvNeXt) were exported at opset 17 with the one op, so an opset-14 export of the
// same network tokenizes like its training graph only once fused.
import type { Attribute, Node } from '../../graph/types';
import type { GraphFacts } from './graphFacts';
import type { Fusion } from './index';

export function layerNormFusions(facts: GraphFacts, rankOf: (tensor: string) => number | undefined): Fusion[] {
  const fusions: Fusion[] = [];
  for (const mean of facts.graph.nodes) {
    if (mean.opType !== 'ReduceMean' || mean.domain !== '') continue;
    const fusion = match(mean, facts, rankOf);
    if (fusion) fusions.push(fusion);
  }
  return fusions;
}

function match(mean: Node, facts: GraphFacts, rankOf: (tensor: string) => number | undefined): Fusion | undefined {
  const x = mean.inputs[0];
  const axes = reducedAxes(mean, facts);
  const rank = rankOf(x);
  if (!axes || rank === undefined || !trailing(axes, rank)) return undefined;
  const sub = facts.soleReader(mean.outputs[0], 'Sub');
  if (!sub || sub.inputs[0] !== x || sub.inputs[1] !== mean.outputs[0]) return undefined;
  // X − mean feeds the variance (Pow) and the normalisation (Div).
  const centred = sub.outputs[0];
  if (!facts.internal(centred, 2)) return undefined;
  const readers = facts.readers.get(centred) ?? [];
  const pow = readers.find((n) => n.opType === 'Pow' && n.domain === '' && n.inputs[0] === centred);
  const div = readers.find((n) => n.opType === 'Div' && n.domain === '' && n.inputs[0] === centred);
  if (!pow || !div || !isScalar(facts, pow.inputs[1], 2)) return undefined;
  const variance = facts.soleReader(pow.outputs[0], 'ReduceMean');
  if (!variance || variance.inputs[0] !== pow.outputs[0] || !sameAxes(reducedAxes(variance, facts), axes)) return undefined;
  if (!keepsDims(mean) || !keepsDims(variance)) return undefined;
  const addEps = facts.soleReader(variance.outputs[0], 'Add');
  const epsilon = addEps && constantOperand(addEps, variance.outputs[0], facts);
  const eps = epsilon && facts.constValues(epsilon);
  if (!addEps || !eps || eps.length !== 1) return undefined;
  const sqrt = facts.soleReader(addEps.outputs[0], 'Sqrt');
  if (!sqrt || !facts.internal(sqrt.outputs[0]) || div.inputs[1] !== sqrt.outputs[0]) return undefined;
  const mul = facts.soleReader(div.outputs[0], 'Mul');
  const scale = mul && constantOperand(mul, div.outputs[0], facts);
  const addBias = mul && facts.soleReader(mul.outputs[0], 'Add');
  const bias = addBias && constantOperand(addBias, mul.outputs[0], facts);
  if (!mul || !scale || !addBias || !bias) return undefined;
  const attributes = new Map<string, Attribute>([
    ['axis', { kind: 'int', value: -axes.length }],
    ['epsilon', { kind: 'float', value: eps[0] }],
  ]);
  return {
    kind: 'layerNormalization',
    replaces: [mean, sub, pow, variance, addEps, sqrt, div, mul, addBias],
    fused: { index: mean.index, name: mean.name, opType: 'LayerNormalization', domain: '', inputs: [x, scale, bias], outputs: [addBias.outputs[0]], attributes },
  };
}

/** The axes a ReduceMean reduces: its attribute (opset < 18) or its constant second input (opset 18). */
function reducedAxes(node: Node, facts: GraphFacts): number[] | undefined {
  const attr = node.attributes.get('axes');
  if (attr?.kind === 'ints') return attr.value;
  return node.inputs[1] ? facts.constValues(node.inputs[1]) : undefined;
}

function trailing(axes: number[], rank: number): boolean {
  const positive = axes.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
  return positive.length > 0 && positive.every((a, i) => a === rank - positive.length + i);
}

function sameAxes(a: number[] | undefined, b: number[]): boolean {
  return a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
}

function keepsDims(node: Node): boolean {
  const keep = node.attributes.get('keepdims');
  return keep === undefined || (keep.kind === 'int' && keep.value !== 0);
}

function isScalar(facts: GraphFacts, name: string | undefined, value: number): boolean {
  const v = name ? facts.constValues(name) : undefined;
  return v !== undefined && v.length === 1 && v[0] === value;
}

/** The other input of a binary node that reads `tensor`, when that input is a constant. */
function constantOperand(node: Node, tensor: string, facts: GraphFacts): string | undefined {
  if (node.inputs.length !== 2) return undefined;
  const other = node.inputs[0] === tensor ? node.inputs[1] : node.inputs[1] === tensor ? node.inputs[0] : undefined;
  return other && facts.constants.has(other) ? other : undefined;
}
