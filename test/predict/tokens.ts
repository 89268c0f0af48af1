// Hand-made Tokens for unit tests: small enough that every packed value can be written out by hand.
import type { Tokens } from '../../src/core/tokenizer/types';

export function handTokens(over: Partial<Tokens> = {}): Tokens {
  const n = 4;
  const row = (i: number, width: number) => Float32Array.from({ length: width }, (_, j) => i * 100 + j);
  return {
    mode: 'extended',
    vocabularyVersion: 'ext-test',
    names: ['x', 'a', 'b', 'y'],
    opTypes: ['Input', 'Conv', 'Relu', 'Add'],
    outputShapes: [[1], [1], [1], [1]],
    // 0→1, 1→2, 0→3, 2→3, a duplicate in reverse (1→0) and a self-loop (2→2): the adjacency is the symmetric
    // closure without self-loops, 0/1 valued.
    edges: [[0, 1], [1, 2], [0, 3], [2, 3], [1, 0], [2, 2]],
    features: Array.from({ length: n }, (_, i) => row(i, 3)),
    featureDim: 3,
    nnlpFeatures: Array.from({ length: n }, (_, i) => row(i + 10, 2)),
    nnlpFeatureDim: 2,
    static: Float32Array.from([0.5, -0.5, 0.25]),
    staticRaw: [1, 2.5, 0.01, 1.2],
    coverage: { encoded: 4, total: 4 },
    unknownOps: {},
    unknownShapes: 0,
    fusions: { batchNormalization: 0, layerNormalization: 0, dropout: 0, identity: 0 },
    ...over,
  };
}
