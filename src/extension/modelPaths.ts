// Finds references to model files in text: any string literal whose content ends in a model extension, e.g.
// torch.onnx.export(model, x, "resnet.onnx") or open('models/a.graph.json'). Pure, so it is unit-tested.
import { isAbsolute, join, dirname, normalize } from 'node:path';

export interface PathLiteral {
  line: number;
  /** Column range of the path text inside the quotes. */
  start: number;
  end: number;
  text: string;
}

const LITERAL = /(["'`])((?:(?!\1)[^\r\n\\])*?\.(?:onnx|graph\.json))\1/gi;
/** Lines longer than this (minified data, embedded blobs) are not scanned: a CodeLens there helps nobody. */
const MAX_LINE = 2000;

export function findModelLiterals(text: string): PathLiteral[] {
  const found: PathLiteral[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((lineText, line) => {
    if (lineText.length > MAX_LINE || !/\.(onnx|graph\.json)/i.test(lineText)) return;
    for (const m of lineText.matchAll(LITERAL)) {
      const start = (m.index ?? 0) + 1;
      found.push({ line, start, end: start + m[2].length, text: m[2] });
    }
  });
  return found;
}

/** Candidate absolute paths for a literal: as is when absolute, else beside the document, then each root. */
export function candidatePaths(literal: string, documentPath: string, roots: string[]): string[] {
  const p = literal.replace(/^file:\/\//, '');
  if (isAbsolute(p)) return [normalize(p)];
  const out = [join(dirname(documentPath), p), ...roots.map((r) => join(r, p))];
  return [...new Set(out.map((x) => normalize(x)))];
}
