"""Writes datasets/cpu-zoo/canary.onnx: the fixed model the labeller times in every round to detect slow CPU
phases. ResNet-18's layout (basic blocks 2-2-2-2, widths 64-512) at 64 px: about 2.7 ms per run on one thread
here, short enough to time twice per round, long enough to be a steady reading (a 0.2 ms canary flapped).
Graph-only, like the shards."""
import sys

from training.zoo.export import compact_names, drop_float_payloads, export_onnx
from training.common.graph_pack import strip_weights
from training.zoo.families import resnet

CANARY_CONFIG = {"resolution": 64, "block": "basic", "stem_width": 32, "stem_kernel": 3, "depths": [2, 2, 2, 2],
                 "base_width": 64, "groups": 1, "kernels": [3, 3, 3, 3]}


def main(path):
    model = export_onnx(resnet.build(CANARY_CONFIG).eval(), CANARY_CONFIG)
    with open(path, "wb") as f:
        f.write(compact_names(drop_float_payloads(strip_weights(model))).SerializeToString())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "datasets/cpu-zoo/canary.onnx")
