// Content hash of a model file, streamed in chunks so a 1 GB model never sits in memory. The hash is the cache
// key: an unchanged file (same bytes) is never analysed twice, whatever its mtime says.
import { createHash } from 'node:crypto';
import { openSync, readSync, closeSync } from 'node:fs';

const CHUNK = 4 * 1024 * 1024;

export function hashFile(path: string, isCancelled: () => boolean = () => false): string {
  const hash = createHash('sha1');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      if (isCancelled()) throw new CancelledError();
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      hash.update(n === CHUNK ? buf : buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}
