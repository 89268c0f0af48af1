// A small builder for the benchmark's generated models: nodes, initializers (embedded random weights, external
// references, or shapes only), encoded with onnx-proto. Names follow PyTorch's exporter style.
import { onnx } from 'onnx-proto';

export type WeightStorage = 'embedded' | 'external' | 'none';

export class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  /** Bytes of weight payload, whether embedded or external. */
  payloadBytes = 0;
  private counter = 0;
  private seed = 12345;

  constructor(
    private readonly storage: WeightStorage,
    private readonly externalLocation = '',
  ) {}

  /** Adds a node and returns its output names (one unless `outputs` says otherwise). */
  node(opType: string, inputs: string[], attributes: onnx.IAttributeProto[] = [], name?: string, outputs = 1): string[] {
    const base = name ?? `/${opType}_${this.counter++}`;
    const out = Array.from({ length: outputs }, (_, i) => `${base}_output_${i}`);
    this.nodes.push({ name: base, opType, input: inputs, output: out, attribute: attributes });
    return out;
  }

  one(opType: string, inputs: string[], attributes: onnx.IAttributeProto[] = [], name?: string): string {
    return this.node(opType, inputs, attributes, name)[0];
  }

  /** A float weight of the given dims, stored according to the builder's storage mode. */
  weight(name: string, dims: number[]): string {
    const count = dims.reduce((a, b) => a * b, 1);
    const tensor: onnx.ITensorProto = { name, dataType: onnx.TensorProto.DataType.FLOAT, dims };
    if (this.storage === 'embedded') {
      tensor.rawData = this.randomFloats(count);
    } else if (this.storage === 'external') {
      tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
      tensor.externalData = [
        { key: 'location', value: this.externalLocation },
        { key: 'offset', value: String(this.payloadBytes) },
        { key: 'length', value: String(count * 4) },
      ];
    }
    this.payloadBytes += count * 4;
    this.initializers.push(tensor);
    return name;
  }

  /** A small int64 constant initializer (shapes, axes), always embedded: shape inference needs its values. */
  ints(name: string, values: number[]): string {
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    this.initializers.push({ name, dataType: onnx.TensorProto.DataType.INT64, dims: [values.length], rawData: raw });
    return name;
  }

  encode(name: string, inputs: onnx.IValueInfoProto[], outputs: onnx.IValueInfoProto[], opset: number): Uint8Array {
    const model: onnx.IModelProto = {
      irVersion: 8,
      producerName: 'nar-lens-bench',
      opsetImport: [{ domain: '', version: opset }],
      graph: { name, node: this.nodes, initializer: this.initializers, input: inputs, output: outputs },
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }

  /** Deterministic small floats (no denormals), so that the embedded model is a runnable network. */
  private randomFloats(count: number): Uint8Array {
    const values = new Float32Array(count);
    let s = this.seed;
    for (let i = 0; i < count; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      values[i] = ((s >>> 8) / 16777216 - 0.5) * 0.1;
    }
    this.seed = s;
    return new Uint8Array(values.buffer);
  }
}

export const attr = {
  int: (name: string, i: number): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i }),
  ints: (name: string, ints: number[]): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints }),
  float: (name: string, f: number): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f }),
};

/** A float value_info with a fixed or symbolic shape (the tests' helper, shared). */
export { floatInput as tensorInfo } from '../../test/helpers/onnxWriter';
