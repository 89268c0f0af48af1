// What every e2e file shares: the latency text the UI must show (a figure, or the honest absence when no
// predictor is shipped) and `step`, a test that saves a FAILED-<name> screenshot of the session when it fails.
import { test } from 'node:test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, type VsCodeSession } from './harness';

export const HAS_PREDICTOR = existsSync(join(ROOT, 'models', 'manifest.json'));
/** What must stand where a latency would: a real figure with its interval and platform, or the honest absence. */
export const LATENCY = HAS_PREDICTOR ? /\d+(\.\d+)? ms ± \d+(\.\d+)? \([\w.-]+\)/ : /no predictor installed/;

/** `step(name, fn)`: a test of the session `session()` returns, screenshotted on failure. */
export function stepsOf(session: () => VsCodeSession | undefined): (name: string, fn: () => Promise<void>) => void {
  return (name, fn) => {
    test(name, async () => {
      try {
        await fn();
      } catch (e) {
        await session()?.shot(`FAILED-${name.replace(/\W+/g, '_')}`).catch(() => undefined);
        throw e;
      }
    });
  };
}
