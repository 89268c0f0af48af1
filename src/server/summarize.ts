// Turns the core's typed results (Model, ShapedModel, CostReport, coverage) into the ModelReport the UI shows:
// totals, a per-op-type breakdown and a per-layer table. Pure; no numbers are made up here, only grouped.
import type { Model, ShapedModel, CostReport, ValueInfo, Dim } from '../core/graph/types';
import type { RuntimeFusions } from '../core/tokenizer/types';
import { LAYER_LIMIT, type ModelReport, type OpTypeRow, type LayerRow, type PredictionResult } from './protocol';

export interface SummaryInput {
  path: string;
  contentHash: string | null;
  model: Model;
  shaped: ShapedModel;
  cost: CostReport;
  coverage: { encoded: number; total: number };
  unknownOps: Record<string, number>;
  fusions: RuntimeFusions;
  prediction: PredictionResult;
  timingsMs: ModelReport['timingsMs'];
}

export function formatShape(shape: readonly (Dim | number)[] | undefined): string {
  if (!shape) return '?';
  if (shape.length === 0) return 'scalar';
  return shape.map((d) => (d === null ? '?' : String(d))).join('×');
}

const describe = (v: ValueInfo) => ({ name: v.name, shape: formatShape(v.shape) });

export function summarize(input: SummaryInput): ModelReport {
  const { model, shaped, cost } = input;
  const nodes = model.graph.nodes;
  const costByNode = new Map(cost.nodes.map((c) => [c.nodeIndex, c]));
  const byType = new Map<string, OpTypeRow>();
  const layers: LayerRow[] = [];
  for (const node of nodes) {
    const c = costByNode.get(node.index);
    const opType = node.domain ? `${node.domain}.${node.opType}` : node.opType;
    const row = byType.get(opType) ?? { opType, count: 0, flops: 0, macs: 0, params: 0, memory: 0 };
    row.count += 1;
    row.flops += c?.flops ?? 0;
    row.macs += c?.macs ?? 0;
    row.params += c?.params ?? 0;
    row.memory += c?.memory ?? 0;
    byType.set(opType, row);
    if (layers.length < LAYER_LIMIT) {
      const out = node.outputs[0];
      layers.push({
        index: node.index,
        name: node.name || out || `#${node.index}`,
        opType,
        flops: c?.flops ?? 0,
        macs: c?.macs ?? 0,
        params: c?.params ?? 0,
        memory: c?.memory ?? 0,
        outputShape: out ? formatShape(shaped.values.get(out)?.shape) : '?',
        complete: c?.complete ?? false,
      });
    }
  }
  const initializerNames = model.graph.initializers;
  return {
    path: input.path,
    contentHash: input.contentHash,
    fileSize: model.fileSize,
    format: model.format,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    opsets: Object.fromEntries([...model.opsets].map(([d, v]) => [d || 'ai.onnx', v])),
    // Older exporters list initializers as graph inputs too; they are weights, not inputs the user feeds.
    inputs: model.graph.inputs.filter((v) => !initializerNames.has(v.name)).map(describe),
    outputs: model.graph.outputs.map(describe),
    nodeCount: nodes.length,
    totals: { ...cost.total },
    incompleteNodes: cost.incomplete,
    coverage: { ...input.coverage },
    unknownOps: { ...input.unknownOps },
    fusions: { ...input.fusions },
    opTypes: [...byType.values()].sort((a, b) => b.flops - a.flops || b.count - a.count),
    layers,
    layersTruncated: nodes.length > layers.length,
    prediction: input.prediction,
    timingsMs: input.timingsMs,
    cached: false,
  };
}
