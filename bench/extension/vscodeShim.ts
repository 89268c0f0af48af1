// The part of the `vscode` API that the extension's refresh path touches (watcher → settle gate → report store →
// server client → decorations and CodeLens), implemented on Node so the benchmark can run those modules —
// unchanged — outside the editor. File events come from fs.watch (inotify on Linux), the source VS Code's own
// watcher reads, minus VS Code's delivery and coalescing delay. Settings read as their package.json defaults.
import { watch, type FSWatcher } from 'node:fs';
import { isAbsolute, join } from 'node:path';

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (fn: Listener<T>) => {
    this.listeners.push(fn);
    return new Disposable(() => (this.listeners = this.listeners.filter((l) => l !== fn)));
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Disposable {
  constructor(private readonly fn: () => unknown) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

export class Uri {
  private constructor(readonly scheme: string, readonly fsPath: string) {}
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  get path(): string {
    return this.fsPath;
  }
  toString(): string {
    return `file://${this.fsPath}`;
  }
}

export class Position {
  constructor(readonly line: number, readonly character: number) {}
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(l1: number, c1: number, l2: number, c2: number) {
    this.start = new Position(l1, c1);
    this.end = new Position(l2, c2);
  }
  get isEmpty(): boolean {
    return this.start.line === this.end.line && this.start.character === this.end.character;
  }
}

export class CodeLens {
  command?: { title: string; command: string; arguments?: unknown[] };
  constructor(readonly range: Range) {}
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class FileDecoration {
  constructor(readonly badge?: string, readonly tooltip?: string, readonly color?: ThemeColor) {}
}

export class MarkdownString {}
export class Hover {}

/** The folder the benchmark opens as its workspace. */
export let workspaceRoot = '';
export function setWorkspaceRoot(p: string): void {
  workspaceRoot = p;
  workspace.workspaceFolders = [{ uri: Uri.file(p), name: 'bench', index: 0 }];
}

export const workspace = {
  workspaceFolders: [] as { uri: Uri; name: string; index: number }[],
  getConfiguration(): { get<T>(key: string): T | undefined } {
    return { get: () => undefined };
  },
  /** A recursive fs.watch on the workspace; `glob` is applied by the caller's isModelPath check as in the extension. */
  createFileSystemWatcher(): { onDidCreate: EventEmitter<Uri>['event']; onDidChange: EventEmitter<Uri>['event']; onDidDelete: EventEmitter<Uri>['event']; dispose(): void } {
    const change = new EventEmitter<Uri>();
    const w: FSWatcher = watch(workspaceRoot, { recursive: true }, (_type, name) => {
      if (!name) return;
      const p = isAbsolute(name) ? name : join(workspaceRoot, name);
      change.fire(Uri.file(p));
    });
    const none = new EventEmitter<Uri>();
    return { onDidCreate: none.event, onDidChange: change.event, onDidDelete: none.event, dispose: () => w.close() };
  },
  asRelativePath(u: Uri): string {
    return u.fsPath;
  },
  getWorkspaceFolder(): undefined {
    return undefined;
  },
};
