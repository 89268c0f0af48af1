// Errors of the predictor layer. Each one says what is wrong in words a user can act on; none is a silent
// fallback, because a wrong latency shown as a number is worse than no number.

/** models/manifest.json or a side-car is missing a field, malformed, or names a file that is not there. */
export class ManifestError extends Error {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'ManifestError';
  }
}

/** The tokens cannot be given to this predictor (other tokenizer mode or vocabulary, other row width). */
export class TokenMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenMismatchError';
  }
}

/** The predictor ran but its outputs are not what the interface promises (missing, wrong size, not finite). */
export class PredictorOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PredictorOutputError';
  }
}
