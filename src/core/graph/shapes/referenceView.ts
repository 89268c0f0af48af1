// Shapes as the published extractor sees them (spec §1.4): inferred shapes for node outputs, except that graph
// outputs keep their DECLARED shape (the reference reads them from graph.output, with the batch written into
// dim 0 and symbolic dims as 0), because onnx.shape_inference never puts graph outputs into value_info.
// Reference-mode costs and tokens use this view; everything else uses the inferred shapes.
import type { Dim, ShapedModel } from '../types';

export function referenceShapes(shaped: ShapedModel): (name: string) => number[] | undefined {
  const declared = new Map<string, number[] | undefined>();
  for (const out of shaped.model.graph.outputs) {
    const dims = out.shape;
    if (dims === undefined || dims.length === 0) {
      declared.set(out.name, undefined);
      continue;
    }
    declared.set(out.name, dims.map((d: Dim, i) => (i === 0 && shaped.batch !== undefined ? shaped.batch : typeof d === 'number' ? d : 0)));
  }
  return (name) => (declared.has(name) ? declared.get(name) : shaped.values.get(name)?.shape);
}
