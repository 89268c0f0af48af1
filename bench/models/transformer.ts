// A deep Vision-Transformer-style encoder written the way PyTorch's exporter writes attention: per head reshape
// computed by Shape → Gather → Unsqueeze → Concat chains, erf-based Gelu, LayerNormalization (opset 17).
// About 54 nodes per layer, so `layers` = 46 gives the ≈ 2,500-node graph of the benchmark.
import { GraphBuilder, attr, tensorInfo, type WeightStorage } from './graphBuilder';

function linear(b: GraphBuilder, x: string, name: string, din: number, dout: number): string {
  const w = b.weight(`${name}.weight`, [din, dout]);
  const bias = b.weight(`${name}.bias`, [dout]);
  return b.one('Add', [b.one('MatMul', [x, w], [], `/${name}/MatMul`), bias], [], `/${name}/Add`);
}

/** [B, T, D] → [B, heads, T, D/heads] with the reshape target computed from the tensor's own shape. */
function splitHeads(b: GraphBuilder, x: string, name: string, heads: number, headDim: number, c: Record<string, string>): string {
  const shape = b.one('Shape', [x], [], `/${name}/Shape`);
  const batch = b.one('Gather', [shape, c.zero], [attr.int('axis', 0)], `/${name}/Gather`);
  const shape2 = b.one('Shape', [x], [], `/${name}/Shape_1`);
  const tokens = b.one('Gather', [shape2, c.one], [attr.int('axis', 0)], `/${name}/Gather_1`);
  const ub = b.one('Unsqueeze', [batch, c.axes0], [], `/${name}/Unsqueeze`);
  const ut = b.one('Unsqueeze', [tokens, c.axes0], [], `/${name}/Unsqueeze_1`);
  const target = b.one('Concat', [ub, ut, c[`h${heads}`], c[`d${headDim}`]], [attr.int('axis', 0)], `/${name}/Concat`);
  const r = b.one('Reshape', [x, target], [], `/${name}/Reshape`);
  return b.one('Transpose', [r], [attr.ints('perm', [0, 2, 1, 3])], `/${name}/Transpose`);
}

export function buildTransformer(storage: WeightStorage, layers = 46, dim = 64, heads = 4, tokens = 197): { bytes: Uint8Array; payloadBytes: number; nodes: number } {
  const b = new GraphBuilder(storage);
  const headDim = dim / heads;
  const c: Record<string, string> = {
    zero: b.ints('c_zero', [0]),
    one: b.ints('c_one', [1]),
    axes0: b.ints('c_axes0', [0]),
    [`h${heads}`]: b.ints('c_heads', [heads]),
    [`d${headDim}`]: b.ints('c_headdim', [headDim]),
    merged: b.ints('c_merged', [1, tokens, dim]),
  };
  // Scalars for Gather indices must be rank 0 to give scalar outputs, as PyTorch writes them.
  for (const key of ['zero', 'one']) {
    const tensor = b.initializers.find((t) => t.name === c[key])!;
    tensor.dims = [];
  }
  const sqrt = b.weight('scale', [1]);
  let x = 'tokens';
  for (let l = 0; l < layers; l++) {
    const p = `blocks.${l}`;
    const ln1 = b.one('LayerNormalization', [x, b.weight(`${p}.norm1.weight`, [dim]), b.weight(`${p}.norm1.bias`, [dim])], [attr.int('axis', -1), attr.float('epsilon', 1e-6)], `/${p}/norm1/LayerNormalization`);
    const q = splitHeads(b, linear(b, ln1, `${p}.attn.q`, dim, dim), `${p}/attn/q`, heads, headDim, c);
    const k = splitHeads(b, linear(b, ln1, `${p}.attn.k`, dim, dim), `${p}/attn/k`, heads, headDim, c);
    const v = splitHeads(b, linear(b, ln1, `${p}.attn.v`, dim, dim), `${p}/attn/v`, heads, headDim, c);
    const kt = b.one('Transpose', [k], [attr.ints('perm', [0, 1, 3, 2])], `/${p}/attn/Transpose_k`);
    const scores = b.one('Div', [b.one('MatMul', [q, kt], [], `/${p}/attn/MatMul`), sqrt], [], `/${p}/attn/Div`);
    const probs = b.one('Softmax', [scores], [attr.int('axis', -1)], `/${p}/attn/Softmax`);
    const ctx = b.one('Transpose', [b.one('MatMul', [probs, v], [], `/${p}/attn/MatMul_1`)], [attr.ints('perm', [0, 2, 1, 3])], `/${p}/attn/Transpose`);
    const merged = b.one('Reshape', [ctx, c.merged], [], `/${p}/attn/Reshape`);
    x = b.one('Add', [x, linear(b, merged, `${p}.attn.proj`, dim, dim)], [], `/${p}/Add`);
    const ln2 = b.one('LayerNormalization', [x, b.weight(`${p}.norm2.weight`, [dim]), b.weight(`${p}.norm2.bias`, [dim])], [attr.int('axis', -1), attr.float('epsilon', 1e-6)], `/${p}/norm2/LayerNormalization`);
    const h = linear(b, ln2, `${p}.mlp.fc1`, dim, dim * 4);
    // Gelu(h) = h · 0.5 · (1 + erf(h / √2)), as exported before opset 20.
    const erf = b.one('Erf', [b.one('Div', [h, b.weight(`${p}.mlp.sqrt2`, [1])], [], `/${p}/mlp/act/Div`)], [], `/${p}/mlp/act/Erf`);
    const gelu = b.one('Mul', [b.one('Mul', [h, b.one('Add', [erf, b.weight(`${p}.mlp.one`, [1])], [], `/${p}/mlp/act/Add`)], [], `/${p}/mlp/act/Mul`), b.weight(`${p}.mlp.half`, [1])], [], `/${p}/mlp/act/Mul_1`);
    x = b.one('Add', [x, linear(b, gelu, `${p}.mlp.fc2`, dim * 4, dim)], [], `/${p}/Add_1`);
  }
  const bytes = b.encode('vit', [tensorInfo('tokens', [1, tokens, dim])], [tensorInfo(x, [1, tokens, dim])], 17);
  return { bytes, payloadBytes: b.payloadBytes, nodes: b.nodes.length };
}
