"""Fast checks of the zoo generators, run by test/zoo/generators.test.ts (one JSON line per sample on stdout).

For each family and seed: the draw exports with torch.onnx.export and passes onnx.checker (inside build_sample),
the config survives a JSON round trip and rebuilds the identical graph, the graph-only model is much smaller
than the full one, and the output is [1, classes]. With --write DIR it also writes the full and graph-only
models of each sample, so the TypeScript side can check that a materialised graph-only model behaves like the
export it came from.
"""
import argparse
import json
import os
import sys

import onnx
import torch

from training.zoo.export import build_sample
from training.zoo.families import FAMILIES


def output_dims(model):
    return [d.dim_value for d in model.graph.output[0].type.tensor_type.shape.dim]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--families", default="all")
    parser.add_argument("--write", help="folder for <id>.full.onnx and <id>.graph.onnx")
    args = parser.parse_args()
    torch.set_num_threads(1)
    families = list(FAMILIES) if args.families == "all" else args.families.split(",")
    for family in families:
        for seed in range(args.seeds):
            sample_id = "%s-%d" % (family, seed)
            row = {"id": sample_id, "family": family}
            try:
                first = build_sample(family, seed)
                again = build_sample(family, seed, config=json.loads(json.dumps(first["config"])))
                graph_only = onnx.ModelProto()
                graph_only.ParseFromString(first["graph"])
                row.update(ok=True, config=first["config"], macs=first["macs"], resolution=first["config"]["resolution"],
                           reproducible=again["graph"] == first["graph"], graphBytes=len(first["graph"]),
                           fullBytes=first["full"].ByteSize(), outputDims=output_dims(first["full"]),
                           graphOutputDims=output_dims(graph_only), nodes=len(first["full"].graph.node),
                           opTypes=sorted({n.op_type for n in first["full"].graph.node}),
                           opset=first["full"].opset_import[0].version)
                if args.write:
                    os.makedirs(args.write, exist_ok=True)
                    onnx.save(first["full"], os.path.join(args.write, sample_id + ".full.onnx"))
                    with open(os.path.join(args.write, sample_id + ".graph.onnx"), "wb") as f:
                        f.write(first["graph"])
            except Exception as err:  # reported per sample: the test names the family that broke
                row.update(ok=False, error="%s: %s" % (type(err).__name__, err))
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    sys.exit(main())
