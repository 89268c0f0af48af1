// Coverage: how many vertices the vocabulary encodes (Input vertices count as encoded), and which op types it
// does not know, with counts. Every Tokens result carries it, so that no prediction hides what it ignored.
import type { Coverage, RuntimeFusions } from './types';

export interface CoverageResult {
  coverage: Coverage;
  unknownOps: Record<string, number>;
}

/** `slots[i]` is the one-hot slot of vertex i (undefined = not in the vocabulary). */
export function measureCoverage(opTypes: string[], slots: (number | undefined)[]): CoverageResult {
  const unknownOps: Record<string, number> = {};
  let encoded = 0;
  opTypes.forEach((op, i) => {
    if (op === 'Input' || slots[i] !== undefined) encoded++;
    else unknownOps[op] = (unknownOps[op] ?? 0) + 1;
  });
  return { coverage: { encoded, total: opTypes.length }, unknownOps };
}

/**
 * "20 BatchNormalization folded into the Conv before them, 7 layer norms fused into one LayerNormalization each, as
 * onnxruntime runs the file" (tokenizer/fusions/); undefined when nothing was fused.
 */
export function describeFusions(fusions: RuntimeFusions): string | undefined {
  const parts: string[] = [];
  const bn = fusions.batchNormalization;
  const ln = fusions.layerNormalization;
  if (bn > 0) parts.push(`${bn} BatchNormalization folded into the Conv before ${bn === 1 ? 'it' : 'them'}`);
  if (ln > 0) parts.push(`${ln} layer norm${ln === 1 ? '' : 's'} fused into one LayerNormalization each`);
  if (fusions.dropout > 0) parts.push(`${fusions.dropout} Dropout removed`);
  if (fusions.identity > 0) parts.push(`${fusions.identity} Identity removed`);
  return parts.length ? `${parts.join(', ')}, as onnxruntime runs the file` : undefined;
}

/** "412/415 vertices encoded; unknown: com.microsoft.FusedMatMul ×3" */
export function describeCoverage(result: CoverageResult): string {
  const { encoded, total } = result.coverage;
  const unknown = Object.entries(result.unknownOps)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([op, n]) => `${op} ×${n}`);
  return `${encoded}/${total} vertices encoded${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`;
}
