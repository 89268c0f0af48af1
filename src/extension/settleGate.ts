// Decides when a changed file is finished being written. Watchers fire several times per write, and exporters
// write large models for seconds, so: per file, wait until no event has arrived for `quietMs`, then compare the
// file's size and mtime with what they were at the last event; only identical means settled. Pure (no vscode):
// the clock and stat are injected so the logic is unit-tested.
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

export interface SettleGateOptions {
  quietMs: number;
  stat: (path: string) => Promise<FileStamp | null>;
  onSettled: (path: string) => void;
  onGone?: (path: string) => void;
}

interface Pending {
  timer: ReturnType<typeof setTimeout>;
  stamp: Promise<FileStamp | null>;
}

export class SettleGate {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly opts: SettleGateOptions) {}

  /** A watcher event for `path`: (re)starts its quiet period. */
  touch(path: string): void {
    const old = this.pending.get(path);
    if (old) clearTimeout(old.timer);
    const stamp = this.opts.stat(path).catch(() => null);
    const timer = setTimeout(() => void this.check(path), this.opts.quietMs);
    this.pending.set(path, { timer, stamp });
  }

  private async check(path: string): Promise<void> {
    const p = this.pending.get(path);
    if (!p) return;
    const before = await p.stamp;
    const now = await this.opts.stat(path).catch(() => null);
    if (this.pending.get(path) !== p) return; // a newer event arrived while we were looking
    if (now === null) {
      this.pending.delete(path);
      this.opts.onGone?.(path);
      return;
    }
    if (before && before.size === now.size && before.mtimeMs === now.mtimeMs) {
      this.pending.delete(path);
      this.opts.onSettled(path);
      return;
    }
    // Still being written (or the first stat failed): look again after another quiet period.
    this.pending.set(path, { timer: setTimeout(() => void this.check(path), this.opts.quietMs), stamp: Promise.resolve(now) });
  }

  get waiting(): number {
    return this.pending.size;
  }

  dispose(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }
}
