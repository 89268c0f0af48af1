// Appending labels durably: one JSON line per label, fsync per block, and repair of a line cut off by a crash.
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readSync, fstatSync, writeSync } from 'node:fs';

/**
 * If the file does not end with a newline, the last line was cut off mid-write: it never became a label, so it
 * is removed. Returns the number of bytes dropped.
 */
export function repairTail(path: string): number {
  if (!existsSync(path)) return 0;
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return 0;
    const chunk = Buffer.alloc(Math.min(size, 1 << 16));
    let end = size;
    // find the last '\n' scanning backwards in chunks
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const n = readSync(fd, chunk, 0, end - start, start);
      const at = chunk.subarray(0, n).lastIndexOf(0x0a);
      if (at >= 0) {
        const keep = start + at + 1;
        if (keep !== size) ftruncateSync(fd, keep);
        return size - keep;
      }
      end = start;
    }
    ftruncateSync(fd, 0);
    return size;
  } finally {
    closeSync(fd);
  }
}

/** Appends whole lines and fsyncs them, so a label on disk is always a complete line. */
export function appendLines(path: string, rows: object[]): void {
  if (rows.length === 0) return;
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, rows.map((r) => JSON.stringify(r) + '\n').join(''));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
