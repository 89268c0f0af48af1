// The one error type the tokenizer throws: the input cannot be encoded in the requested mode (in reference mode,
// because the published extractor would drop the sample). The message is meant to be shown as is.
export class TokenizeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenizeError';
  }
}

/** Reference-mode rejection, worded so that the reason is clear to someone who never read the reference code. */
export function referenceRejects(reason: string): TokenizeError {
  return new TokenizeError(`rejected by the reference extractor: ${reason}`);
}
