// The extension's side of the server: forks dist/server.js, sends requests with ids, enforces a timeout per
// file, passes cancellation through, and restarts the child with backoff when it crashes. Everything here is
// asynchronous message passing; the extension host never runs the analysis itself.
import { fork, type ChildProcess } from 'node:child_process';
import { parseResponse, type AnalyzeOptions, type ModelReport, type ServerStatus, type ErrorCode, type MeasureResult } from '../server/protocol';

export class ServerError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.name = 'ServerError';
  }
}

export interface CancelSignal {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export interface ServerClientOptions {
  serverPath: string;
  /** Folder that holds models/ (the installed extension). */
  extensionRoot: string;
  /** Per-request limit; the analysis is synchronous in the child, so a timed-out child is killed. */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export class ServerClient {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private crashes: number[] = [];
  private restartAt = 0;
  private disposed = false;
  readonly timeoutMs: number;

  constructor(private readonly opts: ServerClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? 60_000;
  }

  analyze(path: string, options: AnalyzeOptions, token?: CancelSignal): Promise<ModelReport> {
    return this.request('analyze', { path, options }, token) as Promise<ModelReport>;
  }

  /** Runs the model on this machine (needs a trusted workspace: the caller checks). Longer limit than an analysis. */
  measure(path: string, options: AnalyzeOptions, token?: CancelSignal): Promise<MeasureResult> {
    return this.request('measure', { path, options }, token, Math.max(this.timeoutMs, 300_000)) as Promise<MeasureResult>;
  }

  status(): Promise<ServerStatus> {
    return this.request('status', {}) as Promise<ServerStatus>;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  dispose(): void {
    this.disposed = true;
    this.failAll(new ServerError('cancelled', 'NAR Lens server stopped'));
    this.child?.kill();
    this.child = undefined;
  }

  private ensureChild(): ChildProcess {
    if (this.disposed) throw new ServerError('internal', 'NAR Lens server stopped');
    if (this.child && this.child.connected) return this.child;
    const child = fork(this.opts.serverPath, [], {
      env: { ...process.env, NAR_LENS_ROOT: this.opts.extensionRoot, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    child.stdout?.on('data', (d) => this.opts.log?.(`[server] ${String(d).trimEnd()}`));
    child.stderr?.on('data', (d) => this.opts.log?.(`[server] ${String(d).trimEnd()}`));
    child.on('message', (m) => this.onMessage(m));
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (this.disposed) return;
      this.opts.log?.(`server exited (code ${code}, signal ${signal}); requests in flight fail, next request restarts it`);
      this.noteCrash();
      this.failAll(new ServerError('internal', `the NAR Lens server stopped (${signal ?? `exit ${code}`}) while working on this file`));
    });
    child.on('error', (e) => this.opts.log?.(`server error: ${e.message}`));
    this.child = child;
    this.opts.log?.(`server started (pid ${child.pid})`);
    return child;
  }

  /** Backoff: 0 s after the first crash, then 1, 2, 4 … up to 30 s for crashes within a minute. */
  private noteCrash(): void {
    const now = Date.now();
    this.crashes = this.crashes.filter((t) => now - t < 60_000);
    this.crashes.push(now);
    const delay = this.crashes.length <= 1 ? 0 : Math.min(30_000, 1000 * 2 ** (this.crashes.length - 2));
    this.restartAt = now + delay;
  }

  private async request(method: string, params: unknown, token?: CancelSignal, timeoutMs = this.timeoutMs): Promise<unknown> {
    if (token?.isCancellationRequested) throw new ServerError('cancelled', 'cancelled');
    const wait = this.restartAt - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const child = this.ensureChild();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // The child is stuck in synchronous work on this file: kill it so the queue behind it moves on.
        this.settle(id, new ServerError('timeout', `${method === 'measure' ? 'measuring' : 'analysis'} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`));
        if (this.child === child) {
          this.child = undefined;
          child.kill('SIGKILL');
          this.failAll(new ServerError('internal', 'the NAR Lens server was restarted after a timeout on another file'));
        }
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      const sub = token?.onCancellationRequested(() => {
        sub?.dispose();
        if (!this.pending.has(id)) return;
        this.settle(id, new ServerError('cancelled', 'cancelled'));
        if (child.connected) child.send({ id: this.nextId++, method: 'cancel', params: { requestId: id } });
      });
      child.send({ id, method, params }, (err) => {
        if (err) this.settle(id, new ServerError('internal', `cannot reach the NAR Lens server: ${err.message}`));
      });
    });
  }

  private onMessage(m: unknown): void {
    const r = parseResponse(m);
    if (!r) {
      this.opts.log?.('server sent a malformed message; ignored');
      return;
    }
    const p = this.pending.get(r.id);
    if (!p) return; // answered after a cancel or timeout
    this.pending.delete(r.id);
    clearTimeout(p.timer);
    if (r.ok) p.resolve(r.result);
    else p.reject(new ServerError(r.error.code, r.error.message));
  }

  private settle(id: number, error: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.reject(error);
  }

  private failAll(error: Error): void {
    for (const id of [...this.pending.keys()]) this.settle(id, error);
  }
}
