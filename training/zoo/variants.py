"""Writes zoo samples as the zoo exports them and as other exporters write the same network, for
test/tokenizer/fusions.test.ts, which checks that the tokenizer's extended mode encodes every variant alike:

- `<id>.zoo.onnx`: the zoo's export (opset 17, eval mode: each BatchNormalization after a Conv folded into it),
  the graphs the predictors were trained on;
- `<id>.unfolded.onnx`: every BatchNormalization kept as its own node (what the dynamo exporter and tf2onnx
  write; onnxruntime fuses the pair when it opens the file);
- `<id>.opset14.onnx`: opset 14, where LayerNormalization does not exist and is written as nine ops (onnxruntime
  fuses them back into one).

    /usr/bin/python3 -m training.zoo.variants --families resnet,vit --seeds 1 --out DIR
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


def save_checked(data, path):
    model = onnx.load_from_string(data)
    onnx.checker.check_model(model)
    onnx.save(model, path)


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
            shape = input_shape(config)
            path = lambda variant: os.path.join(args.out, "%s-%d.%s.onnx" % (family, seed, variant))
            onnx.save(export_onnx(module, config), path("zoo"))
            save_checked(onnx_export.export_bytes(module, shape, OPSET, "output", keep_batchnorm=True), path("unfolded"))
            save_checked(onnx_export.export_bytes(module, shape, 14, "output"), path("opset14"))
            print("%s-%d" % (family, seed), flush=True)


if __name__ == "__main__":
    sys.exit(main())
