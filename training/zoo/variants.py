"""Writes zoo samples as the zoo exports them and as other exporters write the same network, for
test/tokenizer/fusions.test.ts, which checks that the tokenizer's extended mode encodes every variant alike:

- `<id>.zoo.onnx`: the zoo's export (opset 17, eval mode: each BatchNormalization after a Conv folded into it),
  the graph the data set holds. Its norms keep their initial values, so every folded bias is zero and
  torch.onnx.export shares equal tensors behind Identity nodes (the tokenizer removes them, as onnxruntime does);
- `<id>.trained.onnx`: the same export after giving every tensor distinct values, as a trained network has: no
  shared tensors, no Identity nodes;
- `<id>.unfolded.onnx`: as trained, with every BatchNormalization kept as its own node (what the dynamo exporter
  and tf2onnx write; onnxruntime fuses the pair when it opens the file);
- `<id>.opset14.onnx`: as trained, at opset 14, where LayerNormalization does not exist and is written as nine ops
  (onnxruntime fuses them back into one).

    /usr/bin/python3 -m training.zoo.variants --families resnet,vit --seeds 1 --out DIR

With --test-split TENSOR_FOLDER it exports, instead of seeds 0..N-1, the first --per-family graphs of each family's
in-domain test split (the split the shipped predictor never trained on, training/train/splits.py) and prints one
JSON line per graph with its measured latency on --platform (bench/variants.ts scores the predictions).
"""
import argparse
import json
import os
import sys

import onnx
import torch
from torch import nn

from training.common import onnx_export
from training.zoo.export import OPSET, draw, export_onnx, input_shape


def trained_like(module, seed):
    """Distinct values in every tensor, as training leaves them: at their initial values many are equal (every
    BatchNorm's statistics, LayerNorm's scale and shift, hence every folded conv bias), and torch.onnx.export then
    shares equal tensors behind Identity nodes. BatchNorm variances stay positive."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for tensor in list(module.parameters()) + list(module.buffers()):
            if tensor.is_floating_point():
                tensor.add_(torch.randn(tensor.shape, generator=generator) * 0.01)
        for layer in module.modules():
            if isinstance(layer, nn.modules.batchnorm._BatchNorm):
                layer.running_var.copy_(1 + torch.rand(layer.num_features, generator=generator))


def save_checked(data, path):
    model = onnx.load_from_string(data)
    onnx.checker.check_model(model)
    onnx.save(model, path)


def test_split_samples(folder, platform, families, per_family):
    """[(family, seed, latency ms)]: the first `per_family` in-domain test graphs of each family, as
    train_predictor.py splits them (test and validation fractions 0.1, split seed 0)."""
    from training.train import splits
    from training.train.tensors import TensorFolder
    data = TensorFolder(folder)
    labelled, latency = data.labelled(platform)
    _, _, test = splits.in_domain(labelled, data.families, test_fraction=0.1, val_fraction=0.1, split_seed=0)
    out = []
    for family in families:
        picked = [g for g in test if data.families[g] == family][:per_family]
        out += [(family, int(data.ids[g].rsplit("-", 1)[1]), float(latency[g])) for g in picked]
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--families", required=True, help="comma-separated zoo families")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--out", required=True)
    parser.add_argument("--test-split", metavar="TENSOR_FOLDER", help="export test-split graphs of this folder")
    parser.add_argument("--platform", default="ort-cpu-x86-1t")
    parser.add_argument("--per-family", type=int, default=10)
    args = parser.parse_args(argv)
    families = args.families.split(",")
    if args.test_split:
        samples = test_split_samples(args.test_split, args.platform, families, args.per_family)
    else:
        samples = [(family, seed, None) for family in families for seed in range(args.seeds)]
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    for family, seed, latency in samples:
        config, module, _ = draw(family, seed)
        shape = input_shape(config)
        path = lambda variant: os.path.join(args.out, "%s-%d.%s.onnx" % (family, seed, variant))
        onnx.save(export_onnx(module, config), path("zoo"))
        trained_like(module, seed)
        onnx.save(export_onnx(module, config), path("trained"))
        save_checked(onnx_export.export_bytes(module, shape, OPSET, "output", keep_batchnorm=True), path("unfolded"))
        save_checked(onnx_export.export_bytes(module, shape, 14, "output"), path("opset14"))
        print(json.dumps({"id": "%s-%d" % (family, seed), "family": family, "latencyMs": latency}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
