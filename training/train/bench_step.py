"""Measures training-step time (forward + backward + Adam, batch 16, bucketed) of V2 sizes on synthetic graphs
of a chosen node-count range, in the edge form the loop trains in and in the dense padded form, to choose a model
size for this machine. Short by design (a few steps per size).

    training/train/run.sh -m training.train.bench_step [--sizes 128x2,256x2,256x4,512x2] [--nodes 100-200]
        [--forms edges,dense]
"""
import argparse
import json
import time

import numpy as np
import torch

from . import runtime
from .batching import bucketed_batches
from .loop import accumulate_gradients
from .synthetic import make_folder
from .tensors import TensorFolder
from ..model.narformer_v2 import NARFormerV2


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="128x2,256x2,256x4,512x2")
    p.add_argument("--nodes", default="100-200")
    p.add_argument("--steps", type=int, default=6)
    p.add_argument("--forms", default="edges,dense")
    p.add_argument("--tmp", default="training/.runs/bench-step")
    args = p.parse_args(argv)
    env = runtime.configure()
    lo, hi = (int(x) for x in args.nodes.split("-"))
    data = TensorFolder(make_folder(args.tmp, graphs=16 * (args.steps + 1), seed=0, min_nodes=lo, max_nodes=hi))
    _, y = data.labelled("synthetic-a")
    batches = bucketed_batches(data.node_counts, np.arange(data.graph_count), 16)
    results = []
    for size in args.sizes.split(","):
        dim, layers = (int(x) for x in size.split("x"))
        for form in args.forms.split(","):
            torch.manual_seed(0)
            model = NARFormerV2(dim=dim, layers=layers, head_hidden=512 if dim == 512 else dim)
            opt = torch.optim.Adam(model.parameters(), lr=1e-4)
            times = []
            for batch in batches:
                start = time.perf_counter()
                opt.zero_grad()
                accumulate_gradients(model, data, batch, "v2", y, 10 ** 12, form)
                opt.step()
                times.append(time.perf_counter() - start)
            step = float(np.median(times[1:]))  # the first step pays one-off allocation
            results.append({"dim": dim, "layers": layers, "form": form,
                            "parameters": sum(q.numel() for q in model.parameters()),
                            "msPerStep": round(1000 * step, 1),
                            "minutesPer18000Graphs": round(step * 18000 / 16 / 60, 1)})
    print(json.dumps({"threads": env["threads"], "hints": env["hints"], "meanNodes": float(data.node_counts.mean()),
                      "torch": torch.__version__, "results": results}, indent=1))


if __name__ == "__main__":
    main()
