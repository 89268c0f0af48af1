"""Exports the example models of examples/ (what `npm start` analyses) — and a realistic export script for the
editor's CodeLens: every `torch.onnx.export(...)` line below names its model file in a string literal.

The networks are the CPU-zoo families (training/zoo/families) at their published sizes. The files are written
graph-only (weights dropped, shapes kept: see training/common/graph_pack.py), which is all that NAR Lens needs to
predict latency, so the examples stay a few kilobytes each.

    PYTHONPATH=. /usr/bin/python3 examples/make_examples.py
"""
import os

import onnx
import torch

from training.common.graph_pack import strip_weights
from training.zoo.families import FAMILIES

HERE = os.path.dirname(os.path.abspath(__file__))

CONFIGS = {
    # ResNet-18: basic blocks [2, 2, 2, 2], 64-wide 7x7 stem, 224 px.
    "resnet": {"resolution": 224, "block": "basic", "stem_width": 64, "stem_kernel": 7, "depths": [2, 2, 2, 2],
               "base_width": 64, "groups": 1, "kernels": [3, 3, 3, 3]},
    # MobileNetV2 1.0 at 224 px: the published depths, expansion 6, 3x3 kernels.
    "mobilenetv2": {"resolution": 224, "width_mult": 1.0, "depths": [1, 2, 3, 4, 3, 3, 1],
                    "expansions": [1, 6, 6, 6, 6, 6, 6], "kernels": [3] * 7},
    # ViT-S/16 at 224 px: 384 wide, 6 heads, 12 blocks.
    "vit": {"resolution": 224, "patch": 16, "dim": 384, "heads": 6, "depth": 12, "mlp_ratio": 4},
}


def export(family, path):
    config = CONFIGS[family]
    model = FAMILIES[family].build(config).eval()
    x = torch.zeros(1, 3, config["resolution"], config["resolution"])
    full = os.path.join(HERE, path)
    with torch.no_grad():
        torch.onnx.export(model, x, full, opset_version=17, do_constant_folding=True,
                          input_names=["input"], output_names=["logits"])
    onnx.save(strip_weights(onnx.load(full)), full)


if __name__ == "__main__":
    torch.manual_seed(0)
    export("resnet", "resnet18.onnx")
    export("mobilenetv2", "mobilenetv2.onnx")
    export("vit", "vit-small-16.onnx")
