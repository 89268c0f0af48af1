// The rule table, keyed by (domain, opType). Each op family lives in its own file under ops/.
import type { RuleEntry, ShapeRule } from './rule';
import { elementwiseRules } from './ops/elementwise';
import { convRules } from './ops/conv';
import { poolRules } from './ops/pool';
import { normRules } from './ops/norm';
import { matmulRules } from './ops/matmul';
import { reshapeRules } from './ops/reshape';
import { indexingRules } from './ops/indexing';
import { generatorRules } from './ops/generators';
import { reduceRules } from './ops/reduce';
import { resizeRules } from './ops/resize';
import { quantRules } from './ops/quant';
import { recurrentRules } from './ops/recurrent';
import { mlRules } from './ops/ml';

const table = new Map<string, ShapeRule>();
for (const family of [
  elementwiseRules,
  convRules,
  poolRules,
  normRules,
  matmulRules,
  reshapeRules,
  indexingRules,
  generatorRules,
  reduceRules,
  resizeRules,
  quantRules,
  recurrentRules,
  mlRules,
]) {
  for (const entry of family as RuleEntry[]) table.set(`${entry.domain ?? ''}:${entry.opType}`, entry.rule);
}

export function lookupRule(domain: string, opType: string): ShapeRule | undefined {
  return table.get(`${domain === 'ai.onnx' ? '' : domain}:${opType}`);
}

export function supportedOps(): string[] {
  return [...table.keys()].map((k) => (k.startsWith(':') ? k.slice(1) : k.replace(':', '.'))).sort();
}
