"""Reads a training-tensor folder written by the TypeScript tokenizer and reports what PyTorch sees, for
test/training/contract.test.ts: counts, dims, and finite V2 / NNLP predictions for every graph, batched, one
by one, in one disjoint edge-form batch (what training runs), and one by one in the edge form that the exported
predictors run (model/edges.py).

    python3 -m training.tests.contract_check FOLDER PLATFORM
"""
import json
import sys

import numpy as np
import torch

from training.train import loop
from training.train.export import edge_inputs
from training.train.tensors import TensorFolder, TensorFolderError


def main():
    torch.set_num_threads(1)
    folder, platform = sys.argv[1], sys.argv[2]
    try:
        data = TensorFolder(folder)
    except TensorFolderError as err:
        print(json.dumps({"error": str(err)}))
        return
    labelled, y = data.labelled(platform)
    out = {"graphs": data.graph_count, "rows": int(data.features.shape[0]), "edges": int(len(data.edges)),
           "featureDim": int(data.features.shape[1]), "nnlpDim": int(data.nnlp_features.shape[1]),
           "staticDim": int(data.static.shape[1]), "nodeCounts": data.node_counts.tolist(),
           "labelled": labelled.tolist(), "latency": [float(v) if np.isfinite(v) else None for v in y],
           "mode": data.meta["mode"], "vocabularyVersion": data.meta["vocabularyVersion"]}
    torch.manual_seed(0)
    config = {**loop.DEFAULTS, "dim": 32, "head_hidden": 32}
    everything = np.arange(data.graph_count)
    for name in ("v2", "nnlp"):
        model = loop.build_model(name, data, config).eval()
        kind = loop.model_kind(name)
        batched, embed = loop.predict(model, data, everything, kind, nodes_budget=10 ** 9, form="dense")
        single = np.array([loop.predict(model, data, [g], kind, form="dense")[0][0] for g in everything])
        edge_batched, _ = loop.predict(model, data, everything, kind, nodes_budget=10 ** 9, form="edges")
        with torch.no_grad():
            edges = np.array([float(model.forward_edges(*edge_inputs(data, g, loop.model_kind(name)))[0][0])
                              for g in everything])
        out[name] = {"finite": bool(np.all(np.isfinite(batched)) and np.all(np.isfinite(embed))),
                     "positive": bool(np.all(batched > 0)),
                     "maxBatchVsSingle": float(np.max(np.abs(batched - single) / single)),
                     "maxEdgeBatchVsSingle": float(np.max(np.abs(edge_batched - single) / single)),
                     "maxEdgesVsSingle": float(np.max(np.abs(edges - single) / single))}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
