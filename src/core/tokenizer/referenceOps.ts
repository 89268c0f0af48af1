// What the published extractor (NNLQP's ONNX→networkx converter, reused unchanged by NAR-Former V2) knows about
// each op type: how many inputs/outputs it accepts, which input slots become edges, which outputs become
// vertices, and which attribute class validates its attributes. An op type missing from this table has no parser
// in the reference, which drops the whole sample (spec §1.2, last paragraph).

/** How input slots are connected (spec §1.2 table). */
export type Connect =
  | 'slot0' // slot 0 only
  | 'slots01'
  | 'slots012'
  | 'all' // every input slot
  | 'none'
  | 'conv' // slot 0; weight only when not in known_sizes; bias never
  | 'gemm' // slot 0; B only when not in known_sizes; C never
  | 'batchnorm' // slot 0; scale/B/mean/var only when not in known_sizes
  | 'instancenorm' // slot 0; scale/B only when not in known_sizes
  | 'reshape' // slot 0; shape input only when not in known_sizes (and no `shape` attribute)
  | 'broken'; // ConvInteger / QLinearConv: the reference calls range() on a list and always fails

/** Which outputs become vertices. */
export type Select = 'first' | 'all' | 'first2';

/** Allowed counts: a list, an inclusive range, or a lower bound; null = not checked. */
export type Count = { oneOf: number[] } | { atLeast: number } | null;

export interface RefOpSpec {
  inputs: Count;
  outputs: Count;
  connect: Connect;
  select: Select;
  /** Attribute class used to validate attributes (defaults to the op's own name). */
  attrClass: string;
}

function count(text: string): Count {
  if (text === '*') return null;
  if (text.endsWith('+')) return { atLeast: Number(text.slice(0, -1)) };
  const range = /^(\d+)-(\d+)$/.exec(text);
  if (range) {
    const out: number[] = [];
    for (let i = Number(range[1]); i <= Number(range[2]); i++) out.push(i);
    return { oneOf: out };
  }
  return { oneOf: text.split(',').map(Number) };
}

// One row per parser: op types, inputs, outputs, connected inputs, selected outputs[, attribute class].
// Counts: "2" exact, "1-3" range, "1,3,4,5" list, "2+" lower bound, "*" unchecked.
const TABLE = `
Abs Acos Acosh Asin Asinh Atan Atanh ArgMax ArgMin AveragePool Cast Ceil Celu ConstantOfShape Cos Cosh
  DepthToSpace Det Elu Erf Exp EyeLike Flatten Floor GlobalAveragePool GlobalLpPool GlobalMaxPool HardSigmoid
  Hardmax Identity IsInf IsNaN LRN LeakyRelu Log LogSoftmax LpNormalization LpPool MeanVarianceNormalization
  Multinomial Neg NonZero Not RandomNormalLike RandomUniformLike Reciprocal ReduceL1 ReduceL2 ReduceLogSum
  ReduceLogSumExp ReduceMax ReduceMean ReduceMin ReduceProd ReduceSumSquare Relu Round Selu SequenceLength Shape
  Shrink Sigmoid Sign Sin Sinh Size Softmax Softplus Softsign SpaceToDepth Sqrt StringNormalizer Tan Tanh
  TfIdfVectorizer ThresholdedRelu Transpose                          | 1 | 1 | slot0 | first
ConcatFromSequence                                                   | 1 | 1 | slot0 | first | Concat
Add And BitShift Compress CumSum Div Equal Expand Gather GatherElements GatherND Greater GreaterOrEqual Less
  LessOrEqual MatMul MaxRoiPool Mod Mul Or PRelu Pow ReverseSequence SequenceAt Sub | 2 | 1 | slots01 | first
Xor                                                                  | 2 | 1 | slots01 | first | Where
OneHot Range Scatter ScatterElements ScatterND Where                  | 3 | 1 | slots012 | first
BatchNormalization                                                   | 5 | 1-5 | batchnorm | all
Clip Pad                                                             | 1-3 | 1 | all | first
Concat Einsum Max Mean Min SequenceConstruct Sum                      | 1+ | 1 | all | first
Constant                                                             | 0 | 1 | none | first
RandomNormal RandomUniform SequenceEmpty                              | 0 | 1 | none | first
Conv ConvTranspose                                                   | 2-3 | 1 | conv | first
ConvInteger                                                          | 2-4 | 1 | broken | first
QLinearConv                                                          | 8-9 | 1 | broken | first
DequantizeLinear QuantizeLinear MaxUnpool RoiAlign NegativeLogLikelihoodLoss SequenceInsert | 2-3 | 1 | all | first
MatMulInteger                                                        | 2-4 | 1 | all | first
NonMaxSuppression                                                    | 2-5 | 1 | all | first
QLinearMatMul                                                        | 8 | 1 | all | first
Dropout                                                              | 1-3 | 1-2 | all | all
DynamicQuantizeLinear                                                | 1 | 3 | slot0 | all
GRU RNN                                                              | 3-6 | 0-2 | all | all
LSTM                                                                 | 3-8 | 0-3 | all | all | GRU
Loop                                                                 | 2+ | 1+ | all | all | GRU
Scan                                                                 | 1+ | 1+ | all | all
If                                                                   | 1 | 1+ | slot0 | all
Unique                                                               | 1 | 1-4 | slot0 | all
MaxPool                                                              | 1 | 1-2 | slot0 | all
Gemm                                                                 | 2-3 | 1 | gemm | first
InstanceNormalization                                                | 3 | 1 | instancenorm | first
Reshape                                                              | 1-2 | 1 | reshape | first
ReduceSum SequenceErase SplitToSequence Squeeze Unsqueeze Upsample   | 1-2 | 1 | all | first
Resize                                                               | 1-4 | 1 | all | first
Slice                                                                | 1,3,4,5 | 1 | all | first
SoftmaxCrossEntropyLoss                                              | 2-3 | 1-2 | all | all
Split                                                                | 1-2 | 1+ | all | all
Tile                                                                 | 2-3 | 1 | all | first
TopK                                                                 | 1-2 | 2 | all | first2
`;

function parseTable(text: string): Map<string, RefOpSpec> {
  const specs = new Map<string, RefOpSpec>();
  // Continuation lines (indented) belong to the row above.
  const rows = text.replace(/\n\s+/g, ' ').trim().split('\n');
  for (const row of rows) {
    const [ops, inputs, outputs, connect, select, attrClass] = row.split('|').map((s) => s.trim());
    for (const op of ops.split(/\s+/)) {
      specs.set(op, {
        inputs: count(inputs),
        outputs: count(outputs),
        connect: connect as Connect,
        select: select as Select,
        attrClass: attrClass || op,
      });
    }
  }
  return specs;
}

export const REFERENCE_OPS: ReadonlyMap<string, RefOpSpec> = parseTable(TABLE);

export function countAllows(c: Count, n: number): boolean {
  if (c === null) return true;
  if ('atLeast' in c) return n >= c.atLeast;
  return c.oneOf.includes(n);
}

export function describeCount(c: Count): string {
  if (c === null) return 'any';
  if ('atLeast' in c) return `>= ${c.atLeast}`;
  return `[${c.oneOf.join(', ')}]`;
}

// ---------------------------------------------------------------------------------------------------------------
// Attribute classes. The reference validates attributes with a per-class list of (name, opset range, default?,
// format). Only entries that can reject a sample or that feed the token matter here: required attributes, the
// 2-/4-tuple formats of kernel/stride/pad/dilation, and the defaults of encoded attributes. Entries are listed in
// the order the reference applies them; an applied entry consumes its attribute, which matters for Concat's two
// `axis` entries.

export type AttrFormat = 'kernel' | 'stride' | 'pad' | 'dilation';

export interface AttrSpec {
  name: string;
  from: number;
  /** Exclusive upper opset bound; undefined = open. */
  to?: number;
  /** undefined = required. */
  def?: number | number[] | string;
  format?: AttrFormat;
}

const REQUIRED = undefined;
function a(name: string, from: number, to: number | undefined, def: AttrSpec['def'], format?: AttrFormat): AttrSpec {
  return { name, from, to, def, format };
}

const conv = [
  a('group', 1, undefined, 1),
  a('pads', 1, undefined, 0, 'pad'),
  a('strides', 1, undefined, 1, 'stride'),
  a('dilations', 1, undefined, 1, 'dilation'),
  a('kernel_shape', 1, undefined, REQUIRED, 'kernel'),
];

export const ATTR_CLASSES: ReadonlyMap<string, AttrSpec[]> = new Map<string, AttrSpec[]>([
  ['AveragePool', [a('pads', 1, undefined, 0, 'pad'), a('strides', 1, undefined, 1, 'stride'), a('kernel_shape', 1, undefined, REQUIRED, 'kernel')]],
  ['BatchNormalization', [a('consumed_inputs', 1, 6, REQUIRED)]],
  ['BitShift', [a('direction', 11, undefined, REQUIRED)]],
  ['Cast', [a('to', 1, undefined, REQUIRED)]],
  ['Concat', [a('axis', 1, 4, 1), a('axis', 4, undefined, REQUIRED)]],
  ['Conv', conv],
  [
    'ConvTranspose',
    [
      a('group', 1, undefined, 1),
      a('pads', 1, undefined, 0, 'pad'),
      a('strides', 1, undefined, 1, 'stride'),
      a('dilations', 1, undefined, 1, 'dilation'),
      a('output_padding', 1, undefined, 0, 'pad'),
      a('kernel_shape', 1, undefined, REQUIRED, 'kernel'),
    ],
  ],
  ['DepthToSpace', [a('blocksize', 1, undefined, REQUIRED)]],
  ['SpaceToDepth', [a('blocksize', 1, undefined, REQUIRED)]],
  ['Einsum', [a('equation', 12, undefined, REQUIRED)]],
  ['If', [a('else_branch', 1, undefined, REQUIRED), a('then_branch', 1, undefined, REQUIRED)]],
  ['LRN', [a('size', 1, undefined, REQUIRED)]],
  ['LpPool', [a('kernel_shape', 1, undefined, REQUIRED, 'kernel'), a('pads', 1, undefined, 0, 'pad'), a('strides', 1, undefined, 1, 'stride')]],
  [
    'MaxPool',
    [
      a('kernel_shape', 1, undefined, REQUIRED, 'kernel'),
      a('pads', 1, undefined, 0, 'pad'),
      a('strides', 1, undefined, 1, 'stride'),
      a('dilations', 10, undefined, 1, 'dilation'),
    ],
  ],
  ['MaxRoiPool', [a('pooled_shape', 1, undefined, REQUIRED)]],
  ['MaxUnpool', [a('kernel_shape', 9, undefined, REQUIRED)]],
  ['Mul', [a('axis', 1, 7, REQUIRED)]],
  ['Sub', [a('axis', 1, 7, REQUIRED)]],
  ['Pad', [a('paddings', 1, 2, REQUIRED, 'pad'), a('pads', 2, 11, REQUIRED, 'pad')]],
  ['RandomNormal', [a('shape', 1, undefined, REQUIRED)]],
  ['RandomUniform', [a('shape', 1, undefined, REQUIRED)]],
  ['Scan', [a('body', 8, undefined, REQUIRED), a('num_scan_inputs', 8, undefined, REQUIRED)]],
  ['Slice', [a('ends', 1, 10, REQUIRED), a('starts', 1, 10, REQUIRED)]],
  [
    'TfIdfVectorizer',
    ['max_gram_length', 'max_skip_count', 'min_gram_length', 'mode', 'ngram_counts', 'ngram_indexes'].map((n) =>
      a(n, 9, undefined, REQUIRED),
    ),
  ],
  ['TopK', [a('k', 1, 10, REQUIRED)]],
  ['Transpose', [a('perm', 1, undefined, [])]],
  ['Unsqueeze', [a('axes', 1, 13, REQUIRED)]],
  [
    'Upsample',
    [a('height_scale', 1, 7, REQUIRED), a('width_scale', 1, 7, REQUIRED), a('scales', 7, 9, REQUIRED)],
  ],
]);

/** The reference applies an attribute entry when ANY imported opset version falls in its range. */
export function appliesAt(spec: AttrSpec, opsets: number[]): boolean {
  return opsets.some((v) => v >= spec.from && (spec.to === undefined || v < spec.to));
}
