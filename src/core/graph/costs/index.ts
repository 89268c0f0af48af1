// The cost model: per-node and total FLOPs, MACs, params and memory traffic from a ShapedModel.
//   'reference' reproduces the published NNLQP / NAR-Former V2 extractor, bugs included (reference.ts);
//               in this mode `macs` holds the reference's "macs", which is its memory-access element count.
//   'fixed'     a correct, documented model (fixed.ts, fixedOps.ts), memory in bytes.
import type { CostMode, CostReport, ShapedModel } from '../types';
import { fixedCosts } from './fixed';
import { referenceCosts } from './reference';

export { ReferenceExtractorError } from './errors';

export function computeCosts(shaped: ShapedModel, mode: CostMode): CostReport {
  switch (mode) {
    case 'reference':
      return referenceCosts(shaped);
    case 'fixed':
      return fixedCosts(shaped);
    default:
      throw new RangeError(`unknown cost mode '${String(mode)}'`);
  }
}
