// The Graph IR: the one representation of a network after reading. Every reader (ONNX, other exported formats)
// produces a `Model`; shape inference, the cost model and the tokenizer read it and never re-read the file.
// Nothing here holds weight bytes: tensors carry metadata, plus their values only when they are small enough to
// matter for shape computation (Reshape targets, Slice bounds, Resize scales, ...).

/** ONNX TensorProto.DataType codes (a subset has names; any code is representable). */
export const ElemType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
  FLOAT8E4M3FN: 17,
  FLOAT8E4M3FNUZ: 18,
  FLOAT8E5M2: 19,
  FLOAT8E5M2FNUZ: 20,
  UINT4: 21,
  INT4: 22,
  FLOAT4E2M1: 23,
} as const;
export type ElemTypeCode = number;

/** A dimension: a number when known, a symbol name (`"batch"`, `"N"`) when symbolic, null when anonymous. */
export type Dim = number | string | null;

/** Declared type of a value: element type and shape. `shape` undefined means the rank itself is unknown. */
export interface ValueInfo {
  name: string;
  elemType: ElemTypeCode;
  shape?: Dim[];
  /**
   * Container kind when the value is not a plain tensor (absent = tensor). For 'sequence' and 'optional',
   * elemType/shape describe the element; for 'map', elemType is the value's element type.
   */
  typeKind?: 'sparse_tensor' | 'sequence' | 'optional' | 'map' | 'opaque' | 'unknown';
}

/** Where a constant tensor's payload lives. The reader records it and never loads large payloads. */
export type TensorStorage =
  | { kind: 'inline'; byteOffset: number; byteLength: number }
  | { kind: 'external'; location: string; offset: number; length: number }
  | { kind: 'none' };

/** A constant tensor (initializer or attribute value): metadata, and `values` when small and numeric. */
export interface ConstTensor {
  name: string;
  elemType: ElemTypeCode;
  dims: number[];
  storage: TensorStorage;
  /** Decoded values, row-major, present only for small numeric tensors (see reader limits). int64 → number. */
  values?: number[];
}

export type Attribute =
  | { kind: 'float'; value: number }
  | { kind: 'int'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'tensor'; value: ConstTensor }
  | { kind: 'graph'; value: Graph }
  | { kind: 'floats'; value: number[] }
  | { kind: 'ints'; value: number[] }
  | { kind: 'strings'; value: string[] }
  | { kind: 'tensors'; value: ConstTensor[] }
  | { kind: 'graphs'; value: Graph[] }
  | { kind: 'sparse_tensor'; value: ConstTensor }
  | { kind: 'sparse_tensors'; value: ConstTensor[] }
  | { kind: 'type_proto' }
  | { kind: 'type_protos' }
  /** An attribute that refers to an attribute of the enclosing function (`ref_attr_name`). */
  | { kind: 'ref'; refName: string };

export interface Node {
  /** Position in the graph's node list, as in the file. */
  index: number;
  name: string;
  opType: string;
  /** Operator domain; '' and 'ai.onnx' both mean the default ONNX domain and are normalised to ''. */
  domain: string;
  /** Input tensor names in slot order; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Map<string, Attribute>;
}

export interface Graph {
  name: string;
  nodes: Node[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  /** value_info as declared by the file: untrusted hints, never used instead of inference. */
  valueInfo: ValueInfo[];
  initializers: Map<string, ConstTensor>;
}

export interface FunctionDef {
  name: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributeNames: string[];
  nodes: Node[];
  opsets: Map<string, number>;
}

export type ModelFormat = 'onnx' | 'onnx-no-weight' | 'graph-json';

export interface Model {
  format: ModelFormat;
  /** Absolute path of the file it was read from, when read from a file. */
  path?: string;
  irVersion: number;
  producerName: string;
  producerVersion: string;
  /** Opset version per domain ('' = default ONNX domain). */
  opsets: Map<string, number>;
  graph: Graph;
  functions: FunctionDef[];
  metadata: Map<string, string>;
  /** File size and how many bytes the reader actually read (the skim reader reads a small fraction). */
  fileSize: number;
  bytesRead: number;
  /** Non-fatal reader notes: values left undecoded, external data not checked, ... (absent when none). */
  readWarnings?: string[];
}

/** Dimension overrides for symbolic dims, e.g. { batch: 1, sequence: 128 }. */
export type DimOverrides = Map<string, number>;

/** Per-tensor inferred type; `shape` undefined = unknown (never guessed). */
export interface InferredValue {
  elemType: ElemTypeCode;
  shape?: number[];
  /** Known values of small integer tensors computed by shape ops (Shape→Gather→Concat chains). */
  values?: number[];
}

export interface ShapeDiagnostic {
  nodeIndex: number;
  opType: string;
  message: string;
}

export interface ShapedModel {
  model: Model;
  /** Every tensor name in the main graph → what inference knows about it. */
  values: Map<string, InferredValue>;
  /** Op types with no shape rule, with counts; their outputs (and what depends on them) are unknown. */
  unknownOps: Map<string, number>;
  diagnostics: ShapeDiagnostic[];
  /** The batch override inference ran with (`inferShapes` options.batch), when one was given. */
  batch?: number;
  /**
   * Shape-deciding reads of values computed by nodes (not initializers or Constant outputs): shapes only data
   * propagation can know. 0 means onnx.shape_inference without data propagation reaches the same shapes.
   */
  computedShapeInputs?: number;
  /** False when inferred without data propagation (the reference extractor's view, unknown dims written as 0). */
  dataPropagation?: boolean;
}

export type CostMode = 'reference' | 'fixed';

export interface NodeCost {
  nodeIndex: number;
  flops: number;
  macs: number;
  params: number;
  /** Memory traffic: bytes read and written (fixed mode); the reference's element count in reference mode. */
  memory: number;
  /** False when a shape it needed is unknown: the numbers are then lower bounds. */
  complete: boolean;
}

export interface CostReport {
  mode: CostMode;
  nodes: NodeCost[];
  total: { flops: number; macs: number; params: number; memory: number };
  /** Nodes whose cost could not be computed completely. */
  incomplete: number;
}
