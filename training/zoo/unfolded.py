"""Writes zoo samples twice, for test/tokenizer/foldBatchNorm.test.ts: `<id>.folded.onnx` as the zoo exports them
(eval mode: each BatchNormalization after a Conv folded into it, the graphs the predictors were trained on) and
`<id>.unfolded.onnx` with every BatchNormalization kept as its own node (what the dynamo exporter and tf2onnx
write, and what onnxruntime fuses when it opens the file). The tokenizer's extended mode must encode both alike.

    /usr/bin/python3 -m training.zoo.unfolded --families resnet,nb201 --seeds 1 --out DIR
"""
import argparse
import os
import sys

import onnx
import torch
from torch import nn

from training.common import onnx_export
from training.zoo.export import OPSET, draw, export_onnx, input_shape


def distinct_batchnorm_values(module, seed):
    """Random statistics and affine parameters for every BatchNorm: left at their defaults they are equal across
    layers, and the exporter then shares one initializer behind Identity nodes, which the folded export (whose
    BatchNorms are gone) does not have."""
    generator = torch.Generator().manual_seed(seed)
    for layer in module.modules():
        if isinstance(layer, nn.modules.batchnorm._BatchNorm):
            n = layer.num_features
            with torch.no_grad():
                layer.running_mean.copy_(torch.randn(n, generator=generator) * 0.1)
                layer.running_var.copy_(1 + torch.rand(n, generator=generator))
                if layer.affine:
                    layer.weight.copy_(1 + torch.randn(n, generator=generator) * 0.1)
                    layer.bias.copy_(torch.randn(n, generator=generator) * 0.1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--families", required=True, help="comma-separated zoo families")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    for family in args.families.split(","):
        for seed in range(args.seeds):
            config, module, _ = draw(family, seed)
            distinct_batchnorm_values(module, seed)
            sample_id = "%s-%d" % (family, seed)
            onnx.save(export_onnx(module, config), os.path.join(args.out, sample_id + ".folded.onnx"))
            unfolded = onnx.load_from_string(onnx_export.export_bytes(module, input_shape(config), OPSET, "output",
                                                                      keep_batchnorm=True))
            onnx.checker.check_model(unfolded)
            onnx.save(unfolded, os.path.join(args.out, sample_id + ".unfolded.onnx"))
            print(sample_id, flush=True)


if __name__ == "__main__":
    sys.exit(main())
