// JSON-lines files, plain or gzip-compressed (help-* data sets ship labels.jsonl.gz).
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export class DatasetFormatError extends Error {}

export interface JsonlResult<T> {
  rows: T[];
  /** Set when the last line was cut off (a writer interrupted mid-append); that line is not in `rows`. */
  truncatedTail?: string;
}

/**
 * Reads every line as JSON. A malformed line in the middle is an error naming file and line; a malformed LAST
 * line without a trailing newline is what an interrupted append leaves, so it is reported, not fatal.
 */
export function readJsonl<T>(path: string): JsonlResult<T> {
  if (!existsSync(path)) return { rows: [] };
  const raw = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  const lines = text.split('\n');
  const rows: T[] = [];
  let truncatedTail: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    try {
      rows.push(JSON.parse(line) as T);
    } catch {
      const isLast = i === lines.length - 1; // no newline after it
      if (isLast) truncatedTail = lines[i];
      else throw new DatasetFormatError(`${path}:${i + 1}: not valid JSON: ${line.slice(0, 80)}`);
    }
  }
  return truncatedTail === undefined ? { rows } : { rows, truncatedTail };
}
