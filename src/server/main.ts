// The NAR Lens server: a child process forked by the extension. It does all the heavy work — reading the model,
// shapes, costs, tokens and (when predictors are installed) onnxruntime-node — so the extension host's event
// loop never runs it, and a native crash ends this process, not the editor. Messages: Node IPC, see protocol.ts.
import { join } from 'node:path';
import { parseRequest, type Request, type Response, type ErrorCode } from './protocol';
import { ModelService, RequestError } from './modelService';
import { measureModel, MeasureFailure } from './measureLayers';

const send = (r: Response) => {
  if (process.send) process.send(r);
};

// The extension passes its install folder, under which models/ holds the shipped predictors.
const extensionRoot = process.env.NAR_LENS_ROOT ?? join(__dirname, '..');
const service = new ModelService(join(extensionRoot, 'models'));
const cancelled = new Set<number>();

async function handle(req: Request): Promise<void> {
  try {
    switch (req.method) {
      case 'cancel':
        cancelled.add(req.params.requestId);
        send({ id: req.id, ok: true, result: null });
        return;
      case 'status':
        send({ id: req.id, ok: true, result: service.status() });
        return;
      case 'analyze': {
        const result = await service.analyze(req.params.path, req.params.options, () => cancelled.has(req.id));
        send({ id: req.id, ok: true, result });
        return;
      }
      case 'measure': {
        const result = await measureModel(req.params.path, req.params.options, () => cancelled.has(req.id));
        send({ id: req.id, ok: true, result });
        return;
      }
    }
  } catch (e) {
    const code: ErrorCode = e instanceof RequestError ? e.code
      : e instanceof MeasureFailure ? (e.message === 'cancelled' ? 'cancelled' : 'measure-failed') : 'internal';
    send({ id: req.id, ok: false, error: { code, message: (e as Error).message } });
  } finally {
    cancelled.delete(req.id);
  }
}

// Requests are handled one at a time (analysis is synchronous CPU work); cancel and status jump the queue so
// that a cancelled request that has not started is dropped without being run.
const queue: Request[] = [];
let running = false;
async function pump(): Promise<void> {
  if (running) return;
  running = true;
  while (queue.length > 0) {
    const req = queue.shift()!;
    if (cancelled.has(req.id)) {
      cancelled.delete(req.id);
      send({ id: req.id, ok: false, error: { code: 'cancelled', message: 'cancelled' } });
      continue;
    }
    await handle(req);
    // Let cancel messages that arrived during the work be read before the next request starts.
    await new Promise((r) => setImmediate(r));
  }
  running = false;
}

process.on('message', (msg: unknown) => {
  const req = parseRequest(msg);
  if (typeof req === 'string') {
    const id = typeof (msg as { id?: unknown })?.id === 'number' ? (msg as { id: number }).id : -1;
    send({ id, ok: false, error: { code: 'bad-request', message: req } });
    return;
  }
  if (req.method === 'analyze' || req.method === 'measure') {
    queue.push(req);
    void pump();
  } else {
    void handle(req);
  }
});

// The extension host going away closes the IPC channel: exit rather than linger as an orphan.
process.on('disconnect', () => process.exit(0));
