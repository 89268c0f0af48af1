// Shapes as the published extractor sees them (spec §1.4). It runs onnx.shape_inference WITHOUT data
// propagation, on the model with the batch written into dim 0 of every non-initializer input:
//   - only initializers and Constant outputs have values, so a shape computed from values of other nodes (a
//     OneHot depth from Shape→Gather, a Reshape target from Shape→Concat …) is unknown, with the rank ONNX can
//     still infer (see the rules' `partial` branches); symbolic input dims other than the batch stay unknown;
//   - an unknown dim is written as 0 (dim_value unset), a lost rank means "no shape";
//   - graph outputs keep their DECLARED shape (batch in dim 0, symbolic dims as 0), because onnx.shape_inference
//     never puts graph outputs into value_info.
// Reference-mode costs and tokens use this view; everything else uses the fully propagated shapes.
import type { Dim, InferredValue, ShapedModel } from '../types';
import { inferShapes } from './infer';

/** Reference views already computed, per fully propagated model and batch. */
const views = new WeakMap<ShapedModel, { batch: number | undefined; view: ShapedModel }>();

/**
 * The model's shapes as onnx.shape_inference without data propagation infers them at `batch`, unknown dims as 0.
 * Without a batch (neither given nor in `shaped`), dim 0 keeps its declared size (1 when symbolic).
 * Returns `shaped` itself when that view cannot differ: no shape of it was decided by values computed by nodes,
 * and its graph inputs were seeded exactly as ONNX seeds them (no overrides of symbolic dims, the same batch).
 */
export function referenceShapedModel(shaped: ShapedModel, batch: number | undefined = shaped.batch): ShapedModel {
  if (shaped.dataPropagation === false || (shaped.computedShapeInputs === 0 && seededAsOnnx(shaped, batch))) return shaped;
  const cached = views.get(shaped);
  if (cached !== undefined && cached.batch === batch) return cached.view;
  const view = inferShapes(shaped.model, { batch, dataPropagation: false });
  for (const [name, v] of view.values) {
    if (v.shape !== undefined && v.shape.some((d) => d !== d)) view.values.set(name, withUnknownAsZero(v));
  }
  views.set(shaped, { batch, view });
  return view;
}

function withUnknownAsZero(v: InferredValue): InferredValue {
  return { elemType: v.elemType, shape: v.shape!.map((d) => (d !== d ? 0 : d)) };
}

/** Whether every non-initializer graph input got exactly the shape ONNX would see (batch in dim 0, declared sizes). */
function seededAsOnnx(shaped: ShapedModel, batch: number | undefined): boolean {
  const graph = shaped.model.graph;
  for (const input of graph.inputs) {
    if (graph.initializers.has(input.name) || input.shape === undefined) continue;
    const got = shaped.values.get(input.name)?.shape;
    if (got === undefined) continue; // unknown in both views
    if (got.length !== input.shape.length) return false;
    for (let i = 0; i < got.length; i++) {
      const d = input.shape[i];
      const declared = typeof d === 'number' && d >= 0 ? d : undefined;
      const want = i === 0 ? batch ?? declared ?? 1 : declared;
      if (got[i] !== want) return false;
    }
  }
  return true;
}

/** Tensor name → shape in the reference view (graph outputs: their declared shape). */
export function referenceShapes(shaped: ShapedModel): (name: string) => number[] | undefined {
  const view = referenceShapedModel(shaped);
  const declared = new Map<string, number[] | undefined>();
  for (const out of shaped.model.graph.outputs) {
    const dims = out.shape;
    if (dims === undefined || dims.length === 0) {
      declared.set(out.name, undefined);
      continue;
    }
    declared.set(out.name, dims.map((d: Dim, i) => (i === 0 && shaped.batch !== undefined ? shaped.batch : typeof d === 'number' ? d : 0)));
  }
  return (name) => (declared.has(name) ? declared.get(name) : view.values.get(name)?.shape);
}
