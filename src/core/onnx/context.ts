// State shared by the decoders of one model: the cursor, the limits, the external-data checker and the
// warnings collected along the way.

import type { ExternalDataChecker } from './externalData';
import type { WireCursor } from './wire';

export interface ReadContext {
  cur: WireCursor;
  /** Checks external-data references; null when they cannot be checked (bytes without a baseDir). */
  external: ExternalDataChecker | null;
  /** Nodes decoded so far, across subgraphs and functions (bounded by ReadOptions.maxNodes). */
  nodeCount: number;
  /** Things that did not stop the read but that a user should know (values left undecoded, unchecked data). */
  warnings: string[];
  /** Set once an external reference was recorded without being checked (so the warning appears once). */
  uncheckedExternal: boolean;
}

/** Records a warning, keeping the list short: a hostile file could otherwise produce millions. */
export function warn(ctx: ReadContext, message: string): void {
  if (ctx.warnings.length < 100) ctx.warnings.push(message);
  else if (ctx.warnings.length === 100) ctx.warnings.push('(further warnings omitted)');
}
