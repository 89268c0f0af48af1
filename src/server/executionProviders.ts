// Execution providers do not fall back by themselves in onnxruntime-node: a session created with
// ['cuda', 'cpu'] throws when CUDA cannot initialise. So each provider is tried alone, in the user's order, and
// the first one that opens the session is the one reported.

/** The default order per OS (the narLens.executionProviders setting overrides it). */
export function defaultExecutionProviders(platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'darwin') return ['coreml', 'cpu'];
  return ['cuda', 'cpu'];
}

export interface OpenedSession<S> {
  session: S;
  executionProvider: string;
  /** Providers that were tried before and failed, with why. */
  skipped: { provider: string; reason: string }[];
}

export async function openWithFallback<S>(
  providers: string[],
  open: (provider: string) => Promise<S>,
): Promise<OpenedSession<S>> {
  const order = providers.length > 0 ? providers : ['cpu'];
  const skipped: { provider: string; reason: string }[] = [];
  for (const provider of order) {
    try {
      return { session: await open(provider), executionProvider: provider, skipped };
    } catch (e) {
      skipped.push({ provider, reason: (e as Error).message.split('\n')[0] });
    }
  }
  throw new Error(`no execution provider could open the predictor: ${skipped.map((s) => `${s.provider} (${s.reason})`).join('; ')}`);
}
