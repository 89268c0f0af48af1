"""Export of an ensemble to one ONNX file, its side-car JSON and its models/manifest.json entry.

ONNX interface (DESIGN.md "Predictor ONNX interface"), opset 17, dynamic B and N:
  inputs   tokens [B,N,F] float32, adjacency [B,N,N] float32 (symmetric 0/1, no self-loops, zero padding),
           node_mask [B,N] float32 (1 = real node), static [B,S] float32
  outputs  latency_ms [B] (mean of the members), embedding [B,D] (member 0's sum readout, for the OOD check),
           latency_members [B,M] (each member's prediction, for the interval)
All members live in one graph so that the runtime opens one session per platform.
"""
import datetime
import hashlib
import inspect
import json
import os
import warnings

import numpy as np
import onnx
import torch
from torch import nn

from .batching import collate

OPSET = 17
INPUT_NAMES = ["tokens", "adjacency", "node_mask", "static"]
OUTPUT_NAMES = ["latency_ms", "embedding", "latency_members"]
MANIFEST_SCHEMA_VERSION = 1


class EnsembleModule(nn.Module):
    def __init__(self, members):
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, tokens, adjacency, node_mask, static):
        preds, embedding = [], None
        for i, member in enumerate(self.members):
            latency, emb = member(tokens, adjacency, node_mask, static)
            preds.append(latency)
            if i == 0:
                embedding = emb
        stacked = torch.stack(preds, dim=-1)
        return stacked.mean(-1), embedding, stacked


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def export_onnx(members, path, token_dim, static_dim):
    module = EnsembleModule(members).eval()
    example = (torch.zeros(2, 5, token_dim), torch.zeros(2, 5, 5), torch.ones(2, 5), torch.zeros(2, static_dim))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    # PyTorch >= 2.9 defaults to the dynamo exporter, whose dynamic-shape handling differs; the TorchScript
    # exporter is the one this interface was tested with (torch 1.13 and 2.x).
    extra = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    with torch.no_grad(), warnings.catch_warnings():
        # torch 1.13 warns about prim::Constant shape inference on every export; the parity test covers it
        warnings.filterwarnings("ignore", message="The shape inference of prim::Constant")
        torch.onnx.export(
            module, example, path, opset_version=OPSET, input_names=INPUT_NAMES, output_names=OUTPUT_NAMES,
            dynamic_axes={"tokens": {0: "B", 1: "N"}, "adjacency": {0: "B", 1: "N", 2: "N"},
                          "node_mask": {0: "B", 1: "N"}, "static": {0: "B"}, "latency_ms": {0: "B"},
                          "embedding": {0: "B"}, "latency_members": {0: "B"}},
            do_constant_folding=True, **extra)
    exported = onnx.load(path)
    onnx.checker.check_model(exported)
    opset = next(o.version for o in exported.opset_import if o.domain in ("", "ai.onnx"))
    if opset != OPSET:
        raise RuntimeError("%s was exported with opset %d, expected %d" % (path, opset, OPSET))
    return module


@torch.no_grad()
def write_parity_samples(module, data, indices, kind, path):
    """Saves padded inputs and the PyTorch outputs of `indices` (one batch) for the onnxruntime parity check."""
    tokens, adjacency, mask, static = collate(data, np.asarray(indices), kind)
    latency, embedding, members = module(tokens, adjacency, mask, static)
    pack = lambda t: {"dims": list(t.shape), "data": t.reshape(-1).tolist()}
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"inputs": {"tokens": pack(tokens), "adjacency": pack(adjacency), "node_mask": pack(mask),
                              "static": pack(static)},
                   "outputs": {"latency_ms": pack(latency), "embedding": pack(embedding),
                               "latency_members": pack(members)}}, f)


def write_sidecar(path, entry, summary):
    sidecar = {"predictor": entry["id"], "platform": entry["platform"], "interval": summary["interval"],
               "ood": summary["ood"].to_json()}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(sidecar, f)


def update_manifest(manifest_path, entry):
    """Adds or replaces the predictor `entry["id"]` in models/manifest.json (other predictors are kept)."""
    manifest = {"schemaVersion": MANIFEST_SCHEMA_VERSION, "predictors": []}
    if os.path.exists(manifest_path):
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
        if manifest.get("schemaVersion") != MANIFEST_SCHEMA_VERSION:
            raise ValueError("%s has schemaVersion %r, this exporter writes %d"
                             % (manifest_path, manifest.get("schemaVersion"), MANIFEST_SCHEMA_VERSION))
    manifest["predictors"] = [p for p in manifest["predictors"] if p["id"] != entry["id"]] + [entry]
    manifest["predictors"].sort(key=lambda p: p["id"])
    with open(manifest_path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


def export_ensemble(members, records, summary, data, platform, model_name, out_dir, trained_on, parity_indices=None,
                    parity_path=None, test=None):
    """Writes <out_dir>/<id>.onnx, <id>.json (side-car) and the manifest entry (and, with parity_path, the
    parity samples of `parity_indices`); returns the entry."""
    kind = "nnlp" if model_name == "nnlp" else "v2"
    token_dim = data.features.shape[1] if kind == "v2" else data.nnlp_features.shape[1]
    static_dim = data.static.shape[1] if kind == "v2" else data.static_raw.shape[1]
    predictor_id = "%s-%s-%s" % (platform, model_name, data.meta["mode"])
    onnx_path = os.path.join(out_dir, predictor_id + ".onnx")
    module = export_onnx(members, onnx_path, token_dim, static_dim)
    config = records[0]["config"]
    entry = {
        "id": predictor_id,
        "platform": platform,
        "file": predictor_id + ".onnx",
        "sha256": sha256_of(onnx_path),
        "sidecar": predictor_id + ".json",
        "opset": OPSET,
        "inputs": {"tokenDim": token_dim, "staticDim": static_dim,
                   "static": "static.npy (40-dim PE)" if kind == "v2" else "static_raw.npy [batch,GFLOPs,Gparams,Gmacs]"},
        "outputs": OUTPUT_NAMES,
        "tokenizer": {"mode": data.meta["mode"], "vocabularyVersion": data.meta["vocabularyVersion"],
                      "tokens": "features" if kind == "v2" else "nnlp_features"},
        "trainedOn": {"dataset": data.meta["dataset"], **trained_on},
        "architecture": {"model": model_name, "variant": records[0]["variant"], "dim": config["dim"],
                         "layers": config["layers"], "headHidden": config["head_hidden"],
                         "parametersPerMember": records[0]["parameters"]},
        "training": {"epochs": config["epochs"], "lr": config["lr"], "batchSize": config["batch_size"],
                     "loss": "relative squared error", "selection": "best validation MAPE"},
        "ensemble": {"members": [{"seed": r["seed"], "validationMape": r["val_mape"], "bestEpoch": r["best_epoch"],
                                  "steps": r["steps"]} for r in records]},
        "validation": summary["validation"],
        **({"test": test} if test is not None else {}),
        "interval": summary["interval"],
        "ood": {"threshold": summary["ood"].threshold, "quantile": summary["ood"].quantile,
                "centroids": int(len(summary["ood"].centroids))},
        "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    write_sidecar(os.path.join(out_dir, entry["sidecar"]), entry, summary)
    if parity_path is not None and parity_indices is not None and len(parity_indices):
        write_parity_samples(module, data, parity_indices, kind, parity_path)
    update_manifest(os.path.join(out_dir, "manifest.json"), entry)
    return entry
