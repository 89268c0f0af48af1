// ResNet-50 as PyTorch exports it in eval mode (BatchNorm folded into Conv bias): 7×7 stem, bottleneck stages
// [3, 4, 6, 3] at widths 64/128/256/512 ×4, global pool, 1000-way Gemm. `width` scales every channel count, so
// width 5 gives ≈ 640 M parameters (≈ 2.5 GB of weights) for the external-data benchmark.
import { GraphBuilder, attr, tensorInfo, type WeightStorage } from './graphBuilder';

function conv(b: GraphBuilder, x: string, name: string, cin: number, cout: number, k: number, stride: number): string {
  const w = b.weight(`${name}.weight`, [cout, cin, k, k]);
  const bias = b.weight(`${name}.bias`, [cout]);
  const pad = Math.floor(k / 2);
  return b.one('Conv', [x, w, bias], [attr.ints('kernel_shape', [k, k]), attr.ints('strides', [stride, stride]),
    attr.ints('pads', [pad, pad, pad, pad]), attr.ints('dilations', [1, 1]), attr.int('group', 1)], `/${name}/Conv`);
}

export function buildResNet50(storage: WeightStorage, width = 1, externalLocation = ''): { bytes: Uint8Array; payloadBytes: number; nodes: number } {
  const b = new GraphBuilder(storage, externalLocation);
  const c = (n: number) => Math.round(n * width);
  let x = b.one('Relu', [conv(b, 'input', 'conv1', 3, c(64), 7, 2)], [], '/relu/Relu');
  x = b.one('MaxPool', [x], [attr.ints('kernel_shape', [3, 3]), attr.ints('strides', [2, 2]), attr.ints('pads', [1, 1, 1, 1])], '/maxpool/MaxPool');
  let cin = c(64);
  [3, 4, 6, 3].forEach((blocks, stage) => {
    const mid = c(64 * 2 ** stage);
    const cout = mid * 4;
    for (let i = 0; i < blocks; i++) {
      const p = `layer${stage + 1}.${i}`;
      const stride = i === 0 && stage > 0 ? 2 : 1;
      let y = b.one('Relu', [conv(b, x, `${p}.conv1`, cin, mid, 1, 1)], [], `/${p}/relu/Relu`);
      y = b.one('Relu', [conv(b, y, `${p}.conv2`, mid, mid, 3, stride)], [], `/${p}/relu_1/Relu`);
      y = conv(b, y, `${p}.conv3`, mid, cout, 1, 1);
      const shortcut = i === 0 ? conv(b, x, `${p}.downsample.0`, cin, cout, 1, stride) : x;
      x = b.one('Relu', [b.one('Add', [y, shortcut], [], `/${p}/Add`)], [], `/${p}/relu_2/Relu`);
      cin = cout;
    }
  });
  x = b.one('GlobalAveragePool', [x], [], '/avgpool/GlobalAveragePool');
  x = b.one('Flatten', [x], [attr.int('axis', 1)], '/Flatten');
  const fcW = b.weight('fc.weight', [1000, cin]);
  const fcB = b.weight('fc.bias', [1000]);
  b.node('Gemm', [x, fcW, fcB], [attr.float('alpha', 1), attr.float('beta', 1), attr.int('transB', 1)], '/fc/Gemm');
  const out = b.nodes[b.nodes.length - 1].output![0];
  const bytes = b.encode('resnet50', [tensorInfo('input', ['batch', 3, 224, 224])], [tensorInfo(out, ['batch', 1000])], 17);
  return { bytes, payloadBytes: b.payloadBytes, nodes: b.nodes.length };
}
