// The published extractor fails on some graphs (ConvTranspose, 'bilinear' Upsample, Upsample without a mode,
// GlobalAveragePool below rank 4, Softmax on a scalar). Reference mode reproduces those failures as this typed
// error so that the tokenizer can report "rejected by the reference extractor: <message>".
export class ReferenceExtractorError extends Error {
  constructor(
    readonly nodeIndex: number,
    readonly opType: string,
    readonly reason: string,
  ) {
    super(`node ${nodeIndex} (${opType}): ${reason}`);
    this.name = 'ReferenceExtractorError';
  }
}
