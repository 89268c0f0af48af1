// External-data references (TensorProto.data_location = EXTERNAL). A model file names other files by relative
// path; a hostile one could name /etc/passwd, ../../secret or a symlink out of its folder. We resolve each
// location against the model's folder, refuse anything that leaves it, and check offset + length against the
// referenced file's size with stat alone: the weight bytes are never read.

import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { TensorStorage } from '../graph/types';
import type { WireCursor } from './wire';

interface ResolvedFile {
  size: number;
}

export class ExternalDataChecker {
  private realBase: string | undefined;
  private readonly files = new Map<string, ResolvedFile | string>();

  constructor(private readonly baseDir: string) {}

  /**
   * Ends this checker's read: forgets the files it resolved and keeps it as the one retired checker, so that its
   * hidden class outlives the read (see WireCursor.retire: a class that dies in a full GC deoptimises the reader).
   */
  retire(): void {
    this.files.clear();
    this.realBase = undefined;
    retiredChecker = this;
  }

  /** Validates one reference; throws a ModelReadError (via the cursor) naming the tensor and the problem. */
  check(
    cur: WireCursor,
    tensorName: string,
    location: string,
    offset: number,
    length: number | undefined,
    at: number,
  ): TensorStorage {
    const resolved = this.resolveFile(location);
    if (typeof resolved === 'string') throw cur.fail(`external tensor '${tensorName}': ${resolved}`, at);
    if (offset > resolved.size) {
      throw cur.fail(`external tensor '${tensorName}': offset ${offset} is beyond the end of '${location}' (${resolved.size} bytes)`, at);
    }
    const byteLength = length ?? resolved.size - offset;
    if (offset + byteLength > resolved.size) {
      throw cur.fail(
        `external tensor '${tensorName}': offset ${offset} + length ${byteLength} exceeds the size of '${location}' (${resolved.size} bytes)`,
        at,
      );
    }
    return { kind: 'external', location, offset, length: byteLength };
  }

  /** The file's size, or why the location is refused (cached: many tensors share one data file). */
  private resolveFile(location: string): ResolvedFile | string {
    let result = this.files.get(location);
    if (result === undefined) {
      result = this.resolveUncached(location);
      this.files.set(location, result);
    }
    return result;
  }

  private resolveUncached(location: string): ResolvedFile | string {
    const shown = JSON.stringify(location.slice(0, 200));
    if (location.length === 0) return 'empty external data location';
    if (location.includes('\0')) return `location ${shown} contains a NUL byte`;
    // Windows-style absolute paths are refused on every platform: the model may have been written elsewhere.
    if (isAbsolute(location) || /^[a-zA-Z]:/.test(location) || location.startsWith('\\')) {
      return `location ${shown} is an absolute path; external data must be relative to the model's folder`;
    }
    const parts = location.split(/[\\/]+/);
    if (parts.includes('..')) return `location ${shown} contains '..'; external data must stay inside the model's folder`;
    if (this.realBase === undefined) {
      try {
        this.realBase = realpathSync(this.baseDir);
      } catch {
        return `the model's folder ${JSON.stringify(this.baseDir)} does not exist`;
      }
    }
    const target = resolve(this.baseDir, ...parts);
    let real: string;
    try {
      real = realpathSync(target);
    } catch {
      return `external data file ${shown} not found next to the model`;
    }
    if (!isInside(this.realBase, real)) {
      return `location ${shown} resolves (through a symbolic link) outside the model's folder`;
    }
    const stat = statSync(real);
    if (!stat.isFile()) return `external data location ${shown} is not a regular file`;
    return { size: stat.size };
  }
}

/** The last retired checker (see ExternalDataChecker.retire). */
let retiredChecker: ExternalDataChecker | undefined;
/** For tests: the retired checker, if any. */
export function lastRetiredChecker(): ExternalDataChecker | undefined {
  return retiredChecker;
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel);
}
