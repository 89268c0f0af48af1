// Op-type vocabularies. Reference mode keeps the published 32-slot table, bugs included (spec §2.1); extended
// mode ('ext-1') is a 64-slot table that covers the ops of modern exports (see the layout note in rows.ts).

export const REFERENCE_VOCABULARY_VERSION = 'nnlqp-v2-reference';
export const EXTENDED_VOCABULARY_VERSION = 'ext-1';

/** Reference op codes (index = code − 1), spelled as in the published table: "Matmul" never matches ONNX's MatMul. */
const REFERENCE_CODES = [
  'Conv', 'Relu', 'Add', 'Sigmoid', 'Reshape', 'MaxPool', 'Split', 'GlobalAveragePool', 'Gemm', 'Transpose',
  'Upsample', 'BatchNormalization', 'Mul', 'Concat', 'Flatten', 'AveragePool', 'Cast', 'Matmul', 'ReduceMean', 'Pow',
  'Slice', 'Div', 'Sub', 'Sqrt', 'Clip', 'Softmax', 'Tanh', 'ConvTranspose',
];

export const REFERENCE_SLOTS = 32;

const referenceIndex = new Map(REFERENCE_CODES.map((op, i) => [op, i]));

/** One-hot index of an op in reference mode, or undefined (all-zero one-hot, all-zero attributes). */
export function referenceSlot(opType: string): number | undefined {
  return referenceIndex.get(opType);
}

/** Attributes the reference encodes, in slot order (spec §2.2). */
export const REFERENCE_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  Conv: ['kernel_shape', 'strides', 'pads', 'dilations', 'group', 'bias'],
  ConvTranspose: ['kernel_shape', 'strides', 'pads', 'dilations', 'group', 'bias', 'output_padding'],
  MaxPool: ['kernel_shape', 'strides', 'pads'],
  AveragePool: ['kernel_shape', 'strides', 'pads'],
  Gemm: ['bias'],
  Transpose: ['perm'],
};

// ---------------------------------------------------------------------------------------------------------------
// ext-1: 64 one-hot slots. Slots 0–27 keep the reference's meaning (with MatMul spelled correctly, slot 17);
// slots 28–63 add the ops that modern exports use. Ops with the same cost behaviour share a slot (e.g. all
// comparisons), so that the table stays within the row while still separating what matters for latency.
// Only the default ONNX domain is matched: a custom-domain op (com.microsoft.*) is unknown.
const EXTENDED_SLOTS_TABLE: readonly (readonly string[])[] = [
  /*  0 */ ['Conv'],
  /*  1 */ ['Relu'],
  /*  2 */ ['Add'],
  /*  3 */ ['Sigmoid'],
  /*  4 */ ['Reshape'],
  /*  5 */ ['MaxPool'],
  /*  6 */ ['Split'],
  /*  7 */ ['GlobalAveragePool'],
  /*  8 */ ['Gemm'],
  /*  9 */ ['Transpose'],
  /* 10 */ ['Upsample', 'Resize'],
  /* 11 */ ['BatchNormalization'],
  /* 12 */ ['Mul'],
  /* 13 */ ['Concat'],
  /* 14 */ ['Flatten'],
  /* 15 */ ['AveragePool'],
  /* 16 */ ['Cast', 'CastLike'],
  /* 17 */ ['MatMul'],
  /* 18 */ ['ReduceMean'],
  /* 19 */ ['Pow'],
  /* 20 */ ['Slice'],
  /* 21 */ ['Div'],
  /* 22 */ ['Sub'],
  /* 23 */ ['Sqrt'],
  /* 24 */ ['Clip'],
  /* 25 */ ['Softmax'],
  /* 26 */ ['Tanh'],
  /* 27 */ ['ConvTranspose'],
  /* 28 */ ['LayerNormalization'],
  /* 29 */ ['Gelu'],
  /* 30 */ ['HardSwish'],
  /* 31 */ ['HardSigmoid'],
  /* 32 */ ['Erf'],
  /* 33 */ ['GlobalMaxPool', 'GlobalLpPool'],
  /* 34 */ ['Pad'],
  /* 35 */ ['Gather', 'GatherElements', 'GatherND'],
  /* 36 */ ['Shape', 'Size'],
  /* 37 */ ['Unsqueeze'],
  /* 38 */ ['Squeeze'],
  /* 39 */ ['Identity'],
  /* 40 */ ['Dropout'],
  /* 41 */ ['ReduceMax', 'ReduceMin', 'ReduceSum', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare'],
  /* 42 */ ['Einsum'],
  /* 43 */ ['Where'],
  /* 44 */ ['Expand'],
  /* 45 */ ['InstanceNormalization', 'GroupNormalization', 'MeanVarianceNormalization', 'LpNormalization'],
  /* 46 */ ['LeakyRelu'],
  /* 47 */ ['PRelu'],
  /* 48 */ ['Elu', 'Selu', 'Celu'],
  /* 49 */ ['Exp'],
  /* 50 */ ['Log'],
  /* 51 */ ['Neg', 'Abs', 'Sign', 'Reciprocal', 'Floor', 'Ceil', 'Round'],
  /* 52 */ ['Min', 'Max', 'Mean', 'Sum'],
  /* 53 */ ['Tile'],
  /* 54 */ ['Range'],
  /* 55 */ ['ConstantOfShape'],
  /* 56 */ ['LogSoftmax', 'Hardmax'],
  /* 57 */ ['Equal', 'Greater', 'GreaterOrEqual', 'Less', 'LessOrEqual', 'And', 'Or', 'Xor', 'Not', 'IsNaN', 'IsInf', 'Mod', 'BitShift'],
  /* 58 */ ['Softplus', 'Softsign', 'Mish', 'ThresholdedRelu', 'Shrink'],
  /* 59 */ ['LRN'],
  /* 60 */ ['DepthToSpace', 'SpaceToDepth'],
  /* 61 */ ['ArgMax', 'ArgMin', 'TopK'],
  /* 62 */ ['LSTM', 'GRU', 'RNN'],
  /* 63 */ ['QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear'],
];

export const EXTENDED_SLOTS = EXTENDED_SLOTS_TABLE.length;

const extendedIndex = new Map<string, number>();
EXTENDED_SLOTS_TABLE.forEach((ops, slot) => ops.forEach((op) => extendedIndex.set(op, slot)));

/** One-hot index of a default-domain op in extended mode, or undefined (unknown op: zero one-hot). */
export function extendedSlot(opType: string, domain: string): number | undefined {
  if (domain !== '' && domain !== 'ai.onnx') return undefined;
  return extendedIndex.get(opType);
}

/** The op types ext-1 encodes (for documentation and tests). */
export function extendedVocabulary(): string[] {
  return [...extendedIndex.keys()];
}
