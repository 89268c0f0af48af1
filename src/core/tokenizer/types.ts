// Tokens: the NAR-Former V2 encoding of one network, the input of every predictor (and of training, which reads
// the tensors the TypeScript tokenizer writes; nothing in Python tokenizes).

export type TokenizerMode = 'reference' | 'extended';

export interface Coverage {
  /** Vertices whose op type is in the vocabulary (Input vertices count as encoded). */
  encoded: number;
  total: number;
}

export interface Tokens {
  mode: TokenizerMode;
  /** 'nnlqp-v2-reference' for reference mode; 'ext-N' for extended mode (bumped on any vocabulary change). */
  vocabularyVersion: string;
  /** Vertex names (output tensor names) in topological order; rows of `features` follow it. */
  names: string[];
  opTypes: string[];
  outputShapes: number[][];
  /** Directed edges as [from, to] vertex indices (the adjacency is their symmetric closure, no self-loops). */
  edges: [number, number][];
  /** N rows of `featureDim` values (152 in both modes). */
  features: Float32Array[];
  featureDim: number;
  /** The NNLP (GraphSAGE baseline) 44-dim rows for the same vertices: normalised scalars (spec §2.6). */
  nnlpFeatures: Float32Array[];
  /** The 40-dim static vector: PE of [batch, GFLOPs, Gparams, Gmacs]. */
  static: Float32Array;
  /** Raw static values before embedding: [batch, GFLOPs, Gparams, Gmacs]. */
  staticRaw: [number, number, number, number];
  coverage: Coverage;
  /** Op types outside the vocabulary, with counts. */
  unknownOps: Record<string, number>;
  /** Width of each `nnlpFeatures` row (44 in reference mode; wider in extended mode, whose vocabulary is larger). */
  nnlpFeatureDim: number;
  /** Vertices whose output shape is unknown (extended mode encodes them as zeros; reference mode rejects them). */
  unknownShapes: number;
  /** Subgraphs extended mode fused the way onnxruntime does when it opens the file (tokenizer/fusions/). */
  fusions: RuntimeFusions;
}

/** How many of each runtime fusion the tokens contain (all 0 in reference mode, which keeps the file's nodes). */
export interface RuntimeFusions {
  /** BatchNormalization nodes folded into the Conv before them. */
  batchNormalization: number;
  /** Layer norms written as nine ops (ReduceMean … Add), each fused into one LayerNormalization. */
  layerNormalization: number;
  /** Dropout nodes removed (an identity at inference). */
  dropout: number;
  /** Identity nodes removed, or folded into a constant of their own where they copy one. */
  identity: number;
}
