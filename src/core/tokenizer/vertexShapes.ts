// Output shapes of vertices. Reference mode collects them the way the published extractor does (spec §1.4):
// initializer dims, then declared graph input/output dims with the batch written into dim 0 (symbolic dims read as
// 0), then inferred shapes of node outputs; rank-0 or unknown results are "no shape" and reject the sample.
// Extended mode takes what inference knows and marks the rest unknown.
import type { ConstTensor, InferredValue, ShapedModel } from '../graph/types';
import { referenceRejects } from './errors';
import { constantDims, declaredDims } from './vertexGraph';

/** Tensor name → shape (null = "no shape") as the reference sees it. */
export function referenceShapeTable(shaped: ShapedModel, batch: number): Map<string, number[] | null> {
  const graph = shaped.model.graph;
  const table = new Map<string, number[] | null>();
  for (const [name, init] of graph.initializers) table.set(name, init.dims.slice());
  const withBatch = (shape: (number | string | null)[] | undefined): number[] | null => {
    if (!shape || shape.length === 0) return null;
    const dims = declaredDims(shape);
    dims[0] = batch;
    return dims;
  };
  for (const input of graph.inputs) {
    // The batch is written only into non-initializer inputs; an initializer listed as input keeps its dims.
    if (graph.initializers.has(input.name)) {
      table.set(input.name, !input.shape || input.shape.length === 0 ? null : declaredDims(input.shape));
    } else table.set(input.name, withBatch(input.shape));
  }
  const outputs = new Set<string>();
  for (const output of graph.outputs) {
    outputs.add(output.name);
    table.set(output.name, withBatch(output.shape));
  }
  // Inferred shapes of intermediate tensors (ONNX's inference reports graph outputs in graph.output, not value_info).
  for (const node of graph.nodes) {
    for (const out of node.outputs) {
      if (out === '' || outputs.has(out)) continue;
      const shape = shaped.values.get(out)?.shape;
      if (shape !== undefined) table.set(out, shape.length === 0 ? null : shape.slice());
    }
    if (node.opType === 'Constant') {
      const out = node.outputs[0];
      const value = node.attributes.get('value');
      if (!table.get(out) && value?.kind === 'tensor') table.set(out, value.value.dims.slice());
    }
  }
  for (const node of graph.nodes) {
    for (const out of node.outputs) {
      if (!table.get(out)) {
        throw referenceRejects(`no inferred shape for tensor '${out}' (output of ${node.opType} node '${node.name || out}')`);
      }
    }
  }
  return table;
}

/**
 * The model with every tensor's shape replaced by the reference's view of it. The reference counts FLOPs over
 * its own shape table, which differs from inference where a declared graph output disagrees with it or where the
 * batch is written into a non-initializer weight input (e.g. a Conv weight passed as a graph input).
 */
export function withReferenceShapes(shaped: ShapedModel, table: Map<string, number[] | null>): ShapedModel {
  const values = new Map(shaped.values);
  for (const [name, shape] of table) {
    if (!shape) continue;
    const known = values.get(name);
    values.set(name, { ...(known ?? { elemType: 0 }), shape });
  }
  return { ...shaped, values };
}

/**
 * Extended mode: what extendedShapeOf looks tensor shapes up in. A record and a module function rather than a
 * closure per analysis: hot code that calls a closure is optimised for that closure, which dies with the
 * analysis, so every analysis would deoptimise the tokenizer again.
 */
export interface ExtendedShapes {
  initializers: ReadonlyMap<string, ConstTensor>;
  values: ReadonlyMap<string, InferredValue>;
  constants: ReadonlyMap<string, number[]>;
}

/** The inferred shape of a tensor, or undefined when inference does not know it. */
export function extendedShapeOf(shapes: ExtendedShapes, name: string): number[] | undefined {
  return shapes.initializers.get(name)?.dims ?? shapes.values.get(name)?.shape ?? shapes.constants.get(name);
}

export function extendedShapes(shaped: ShapedModel): ExtendedShapes {
  const graph = shaped.model.graph;
  const constants = new Map<string, number[]>();
  const nodes = graph.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (node.opType !== 'Constant') continue;
    const dims = constantDims(node);
    if (dims) constants.set(node.outputs[0], dims);
  }
  return { initializers: graph.initializers, values: shaped.values, constants };
}
