"""Exports one small V2 ensemble with trained-like weights in the three ONNX input forms
(training/train/export.py), with PyTorch's outputs for a few graphs, for test/training/forms.test.ts:
onnxruntime-node must reproduce PyTorch in each form, the forms must agree, the runtime's class numbering
(src/core/predict/classes.ts) must be model/classes.py's, and the runtime (src/server/predictor.ts) must pack and
feed any form from a manifest entry.

    python3 -m training.tests.export_forms OUT_DIR

Writes OUT_DIR/{classes,edges,dense}.onnx, OUT_DIR/manifest.json (one entry per form, the token widths of the
real tokenizer: 152 and 40) and OUT_DIR/samples.json:
  {"graphs": [{"name", "edges": [[a,b],...] (directed, as Tokens.edges), "inputs": {edge form},
               "classInputs": {class form}, "outputs": {...} (the edge form's)}, ...],
   "dense": {"inputs": {one padded batch of every graph}, "outputs": {...}}}
"""
import json
import os
import sys

import numpy as np
import torch

from training.model.edges import symmetric_edges
from training.model.narformer_v2 import NARFormerV2
from training.tests.test_edge_form import trained_like
from training.train import export
from training.train.batching import dense_adjacency

TOKEN_DIM, STATIC_DIM, DIM, MEMBERS, LAYERS = 152, 40, 32, 3, 2


def graphs(rng):
    """A lone vertex (E = 0), vertices without edges beside a path with duplicate and self-loop edges, a random
    60-vertex graph, and 12 repeated blocks whose tokens repeat too (classes of many vertices)."""
    blocks = [[4 * b, 4 * b + 1] for b in range(12)] + [[4 * b + 1, 4 * b + 2] for b in range(12)] \
        + [[4 * b + 1, 4 * b + 3] for b in range(12)] + [[4 * b + 3, 4 * b + 4] for b in range(11)]
    return [
        ("one vertex", 1, np.zeros((0, 2), dtype=np.int64), 1),
        ("isolated vertices", 6, np.array([[0, 1], [1, 2], [2, 1], [1, 1]], dtype=np.int64), None),
        ("random 60", 60, rng.integers(0, 60, size=(120, 2)).astype(np.int64), None),
        ("repeated blocks", 48, np.array(blocks, dtype=np.int64), 4),
    ]


def main(out_dir):
    torch.manual_seed(0)
    members = [trained_like(lambda: NARFormerV2(token_dim=TOKEN_DIM, static_dim=STATIC_DIM, dim=DIM, head_hidden=DIM), s)
               for s in range(MEMBERS)]
    os.makedirs(out_dir, exist_ok=True)
    modules = {form: export.export_onnx(members, os.path.join(out_dir, form + ".onnx"), TOKEN_DIM, STATIC_DIM, form)
               for form in export.FORMS}
    rng = np.random.default_rng(7)
    listed, padded_n = [], 0
    with torch.no_grad():
        for name, n, edges, kinds in graphs(rng):
            rows = rng.uniform(0, 2, size=(kinds or n, TOKEN_DIM)).astype(np.float32)
            tokens = torch.from_numpy(rows[np.arange(n) % len(rows)])
            static = torch.from_numpy(rng.normal(size=(1, STATIC_DIM)).astype(np.float32))
            src, dst = (torch.from_numpy(a) for a in symmetric_edges(edges))
            inputs = (tokens, src, dst, static)
            outputs = modules["edges"](*inputs)
            class_inputs = export.class_form_inputs(*inputs, LAYERS)
            listed.append({"name": name, "edges": edges.tolist(), "adjacency": dense_adjacency(edges, n),
                           "inputs": dict(zip(export.INPUT_FORMS["edges"], inputs)),
                           "classInputs": dict(zip(export.input_names("classes", LAYERS), class_inputs)),
                           "outputs": outputs, "classOutputs": modules["classes"](*class_inputs)})
            padded_n = max(padded_n, n)
        b = len(listed)
        tokens = torch.zeros(b, padded_n, TOKEN_DIM)
        adjacency = torch.zeros(b, padded_n, padded_n)
        mask = torch.zeros(b, padded_n)
        for i, g in enumerate(listed):
            n = g["inputs"]["tokens"].shape[0]
            tokens[i, :n] = g["inputs"]["tokens"]
            adjacency[i, :n, :n] = torch.from_numpy(g["adjacency"])
            mask[i, :n] = 1.0
        static = torch.cat([g["inputs"]["static"] for g in listed])
        dense_inputs = (tokens, adjacency, mask, static)
        dense_outputs = modules["dense"](*dense_inputs)
    document = {
        "graphs": [{"name": g["name"], "edges": g["edges"],
                    "inputs": {k: export.packed(v) for k, v in g["inputs"].items()},
                    "classInputs": {k: export.packed(v) for k, v in g["classInputs"].items()},
                    "outputs": {k: export.packed(v) for k, v in zip(export.OUTPUT_NAMES, g["outputs"])},
                    "classOutputs": {k: export.packed(v) for k, v in zip(export.OUTPUT_NAMES, g["classOutputs"])}}
                   for g in listed],
        "dense": {"inputs": {k: export.packed(v) for k, v in zip(export.INPUT_FORMS["dense"], dense_inputs)},
                  "outputs": {k: export.packed(v) for k, v in zip(export.OUTPUT_NAMES, dense_outputs)}},
    }
    with open(os.path.join(out_dir, "samples.json"), "w", encoding="utf-8") as f:
        json.dump(document, f)
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump({"schemaVersion": export.MANIFEST_SCHEMA_VERSION, "predictors": [manifest_entry(out_dir, form)
                                                                                for form in export.FORMS]}, f)


def manifest_entry(out_dir, form):
    """A minimal entry (no side-car): what the runtime needs to pack, run and bound the prediction."""
    return {"id": "forms-%s" % form, "platform": "forms-%s" % form, "file": form + ".onnx",
            "sha256": export.sha256_of(os.path.join(out_dir, form + ".onnx")), "opset": export.OPSET,
            "inputForm": form, "inputs": {"names": export.input_names(form, LAYERS), "tokenDim": TOKEN_DIM,
                                          "staticDim": STATIC_DIM},
            "outputs": export.OUTPUT_NAMES,
            "tokenizer": {"mode": "extended", "vocabularyVersion": "forms-test", "tokens": "features"},
            "interval": {"method": "member-spread", "coverage": 0.9, "spreadScale": 2.0, "relativeErrorQ": 0.1}}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python3 -m training.tests.export_forms OUT_DIR")
    torch.set_num_threads(1)
    main(sys.argv[1])
