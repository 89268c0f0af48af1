// Decides when a changed file is finished being written. Watchers fire several times per write (and deliver
// their events late and coalesced), and exporters write large models for seconds. A file is settled when two
// looks at least `minGapMs` apart see the same size, mtime and inode AND it has not been modified for `quietMs`,
// judged from its own mtime rather than from when the event arrived: the watcher's delivery delay then counts
// towards the quiet period instead of adding to it. The two looks are needed because Linux sets mtime when a
// write() call starts: one 100 MB write leaves mtime old while the size still grows (the benchmark caught a
// half-written model being analysed without them). Where the mtime cannot be trusted (a whole-second mtime from
// a coarse file system, or one in the future on a skewed network share) the looks must agree for `quietMs`.
// Pure (no vscode): the clock and stat are injected so it is unit-tested.
export interface FileStamp {
  size: number;
  mtimeMs: number;
  /** Inode, where the platform has one: a save by rename-over changes it even when size and mtime match. */
  ino?: number;
}

export interface SettleGateOptions {
  quietMs: number;
  stat: (path: string) => Promise<FileStamp | null>;
  onSettled: (path: string) => void;
  onGone?: (path: string) => void;
  /** Wall clock in ms, comparable with mtimeMs (default Date.now). */
  now?: () => number;
  /** Shortest wait between the two looks at a file (default 30 ms). */
  minGapMs?: number;
}

interface Stamp extends FileStamp {
  takenAt: number;
}

interface Pending {
  timer: ReturnType<typeof setTimeout>;
  /** The previous look, for the fallback rule. */
  last: Stamp | null;
}

const same = (a: FileStamp, b: FileStamp) => a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;

export class SettleGate {
  private readonly pending = new Map<string, Pending>();
  private readonly now: () => number;
  private readonly minGap: number;

  constructor(private readonly opts: SettleGateOptions) {
    this.now = opts.now ?? Date.now;
    this.minGap = opts.minGapMs ?? 30;
  }

  /** A watcher event for `path`: (re)starts its check. */
  touch(path: string): void {
    const old = this.pending.get(path);
    if (old) clearTimeout(old.timer);
    this.schedule(path, 0, null);
  }

  private schedule(path: string, delay: number, last: Stamp | null): void {
    const entry: Pending = { timer: setTimeout(() => void this.check(path, entry), delay), last };
    this.pending.set(path, entry);
  }

  private async check(path: string, entry: Pending): Promise<void> {
    const s = await this.opts.stat(path).catch(() => null);
    if (this.pending.get(path) !== entry) return; // a newer event arrived while we were looking
    if (s === null) {
      this.pending.delete(path);
      this.opts.onGone?.(path);
      return;
    }
    const t = this.now();
    const age = t - s.mtimeMs;
    // mtime is usable when it has sub-second precision and is not in the future.
    const trustMtime = s.mtimeMs % 1000 !== 0 && age >= 0;
    const unchanged = entry.last !== null && same(entry.last, s) && t - entry.last.takenAt >= this.minGap;
    const quiet = trustMtime ? age >= this.opts.quietMs : entry.last !== null && t - entry.last.takenAt >= this.opts.quietMs;
    if (unchanged && quiet) {
      this.pending.delete(path);
      this.opts.onSettled(path);
      return;
    }
    // Not quiet yet: look again when it would be (by mtime), or after a full quiet period (fallback).
    const keep = entry.last && same(entry.last, s) ? entry.last : { ...s, takenAt: t };
    const wait = trustMtime ? this.opts.quietMs - age : this.opts.quietMs - (t - keep.takenAt);
    this.schedule(path, Math.min(this.opts.quietMs, Math.max(this.minGap, wait)), keep);
  }

  get waiting(): number {
    return this.pending.size;
  }

  dispose(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }
}
