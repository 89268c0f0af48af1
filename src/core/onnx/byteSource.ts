// Where the reader's bytes come from. A file is read through a bounded window (fs.readSync at an offset), so
// that skipping a 100 MB raw_data payload costs nothing: the reader only moves its position and the next fetch
// starts after the payload. In-memory bytes are one window that covers everything.

import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { ModelReadError } from './errors';

export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /** The current window: `bytes[0]` is the byte at absolute offset `start`; valid up to (excluding) `end`. */
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
  /** Bytes actually read from storage so far (for files: what readSync returned, summed). */
  readonly bytesRead: number;
  /**
   * Make the window cover [at, at + length). The caller guarantees at + length <= size. Files read ahead to a
   * full window unless `exact` (used when going back to re-read a small range already passed).
   */
  fetch(at: number, length: number, exact?: boolean): void;
  close(): void;
}

export class MemoryByteSource implements ByteSource {
  readonly size: number;
  readonly start = 0;
  readonly end: number;
  readonly bytesRead: number;

  constructor(readonly bytes: Uint8Array) {
    this.size = bytes.length;
    this.end = bytes.length;
    // Everything the caller handed over is "read": there is no storage behind it to skip.
    this.bytesRead = bytes.length;
  }

  fetch(): void {
    // The whole array is the window.
  }

  close(): void {}
}

export class FileByteSource implements ByteSource {
  readonly size: number;
  bytes: Uint8Array;
  start = 0;
  end = 0;
  bytesRead = 0;
  private fd: number | null;

  /** Opens `path`; `maxBytes` refuses oversized files before anything is read. */
  constructor(private readonly path: string, private readonly windowBytes: number, maxBytes: number) {
    // Check before opening: opening a FIFO for reading blocks until a writer appears, which would hang us.
    if (!statSync(path).isFile()) throw new ModelReadError(path, 0, '', 'not a regular file');
    this.fd = openSync(path, 'r');
    try {
      const stat = fstatSync(this.fd);
      if (!stat.isFile()) throw new ModelReadError(path, 0, '', 'not a regular file');
      this.size = stat.size;
      if (this.size > maxBytes) {
        throw new ModelReadError(path, 0, '', `file is ${this.size} bytes, over the limit of ${maxBytes} (ReadOptions.maxFileBytes)`);
      }
    } catch (error) {
      this.close();
      throw error;
    }
    this.bytes = new Uint8Array(Math.min(windowBytes, Math.max(this.size, 1)));
  }

  fetch(at: number, length: number, exact = false): void {
    if (this.fd === null) throw new Error('FileByteSource used after close()');
    // Windows grow only for single reads larger than the window (strings up to maxStringBytes, small tensors).
    const want = exact ? length : Math.min(Math.max(this.windowBytes, length), this.size - at);
    // Moving forward from inside the current window: keep the bytes already read instead of reading them again.
    let filled = 0;
    if (at >= this.start && at < this.end) {
      filled = this.end - at;
      if (want > this.bytes.length) {
        const grown = new Uint8Array(want);
        grown.set(this.bytes.subarray(at - this.start, this.end - this.start));
        this.bytes = grown;
      } else {
        this.bytes.copyWithin(0, at - this.start, this.end - this.start);
      }
    } else if (want > this.bytes.length) {
      this.bytes = new Uint8Array(want);
    }
    const reused = filled;
    while (filled < want) {
      const got = readSync(this.fd, this.bytes, filled, want - filled, at + filled);
      if (got === 0) {
        throw new ModelReadError(this.path, at + filled, '', 'file ended early (was it truncated while being read?)');
      }
      filled += got;
    }
    this.bytesRead += filled - reused;
    this.start = at;
    this.end = at + filled;
  }

  close(): void {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
    // Keep this source, window dropped, as the one closed source: it keeps FileByteSource's hidden class alive
    // across full GCs (see WireCursor.retire for why that matters).
    this.bytes = NO_BYTES;
    lastClosed = this;
  }
}

const NO_BYTES = new Uint8Array(0);
/** The last closed file source, window dropped (see close()). */
let lastClosed: FileByteSource | undefined;
/** For tests: the last closed file source, if any. */
export function lastClosedFileSource(): FileByteSource | undefined {
  return lastClosed;
}
