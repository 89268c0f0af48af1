// Coverage: how many vertices the vocabulary encodes (Input vertices count as encoded), and which op types it
// does not know, with counts. Every Tokens result carries it, so that no prediction hides what it ignored.
import type { Coverage } from './types';

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

/** "20 BatchNormalization folded into the Conv before them, as onnxruntime runs the file" (tokenizer/foldBatchNorm.ts). */
export function describeFolded(count: number): string {
  return `${count} BatchNormalization folded into the Conv before ${count === 1 ? 'it' : 'them'}, as onnxruntime runs the file`;
}

/** "412/415 vertices encoded; unknown: com.microsoft.FusedMatMul ×3" */
export function describeCoverage(result: CoverageResult): string {
  const { encoded, total } = result.coverage;
  const unknown = Object.entries(result.unknownOps)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([op, n]) => `${op} ×${n}`);
  return `${encoded}/${total} vertices encoded${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`;
}
