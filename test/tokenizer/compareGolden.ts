// Compares reference-mode tokens with a golden dump of the published extractor. Rows are aligned by vertex name
// (any topological order is valid); returns the list of differences (empty = identical within tolerance).
import type { Tokens } from '../../src/core/tokenizer';
import type { GoldenFile } from './corpus';

const TOKEN_TOLERANCE = 1e-5;
const COST_RELATIVE_TOLERANCE = 1e-6;

function relativeDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
}

export function compareWithGolden(tokens: Tokens, gold: GoldenFile): string[] {
  const problems: string[] = [];
  const ours = new Map(tokens.names.map((n, i) => [n, i]));
  const theirs = new Map(gold.names.map((n, i) => [n, i]));
  const missing = gold.names.filter((n) => !ours.has(n));
  const extra = tokens.names.filter((n) => !theirs.has(n));
  if (missing.length) problems.push(`missing vertices: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (+${missing.length - 5})` : ''}`);
  if (extra.length) problems.push(`extra vertices: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ` (+${extra.length - 5})` : ''}`);

  const edgeKey = (names: string[], [a, b]: [number, number]): string => `${names[a]} -> ${names[b]}`;
  const ourEdges = new Set(tokens.edges.map((e) => edgeKey(tokens.names, e)));
  const goldEdges = new Set(gold.edges.map((e) => edgeKey(gold.names, e)));
  const missingEdges = [...goldEdges].filter((e) => !ourEdges.has(e));
  const extraEdges = [...ourEdges].filter((e) => !goldEdges.has(e));
  if (missingEdges.length) problems.push(`missing edges (${missingEdges.length}): ${missingEdges.slice(0, 3).join('; ')}`);
  if (extraEdges.length) problems.push(`extra edges (${extraEdges.length}): ${extraEdges.slice(0, 3).join('; ')}`);

  const [, gflops, gparams, gmacs] = tokens.staticRaw;
  for (const [label, a, b] of [
    ['GFLOPs', gflops, gold.gflops],
    ['Gparams', gparams, gold.gparams],
    ['Gmacs', gmacs, gold.gmacs],
  ] as const) {
    if (relativeDiff(a, b) > COST_RELATIVE_TOLERANCE && Math.abs(a - b) > 1e-12) problems.push(`${label} ${a} vs golden ${b}`);
  }
  tokens.static.forEach((v, i) => {
    if (Math.abs(v - gold.static[i]) > TOKEN_TOLERANCE) problems.push(`static[${i}] ${v} vs golden ${gold.static[i]}`);
  });

  let rowProblems = 0;
  for (const [name, gi] of theirs) {
    const oi = ours.get(name);
    if (oi === undefined) continue;
    const shape = tokens.outputShapes[oi];
    const goldShape = gold.output_shapes[gi];
    if (JSON.stringify(shape) !== JSON.stringify(goldShape)) {
      problems.push(`shape of ${name}: [${shape}] vs golden [${goldShape}]`);
      rowProblems++;
    }
    if (tokens.opTypes[oi] !== gold.op_types[gi]) problems.push(`op type of ${name}: ${tokens.opTypes[oi]} vs golden ${gold.op_types[gi]}`);
    const row = tokens.features[oi];
    const goldRow = gold.features[gi];
    for (let d = 0; d < goldRow.length; d++) {
      if (Math.abs(row[d] - goldRow[d]) > TOKEN_TOLERANCE) {
        if (rowProblems++ < 5) problems.push(`row ${name} (${gold.op_types[gi]}) dim ${d}: ${row[d]} vs golden ${goldRow[d]}`);
        break;
      }
    }
  }
  if (rowProblems > 5) problems.push(`... ${rowProblems} rows differ in all`);
  return problems;
}
