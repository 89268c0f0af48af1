"""Export of an ensemble to one ONNX file, its side-car JSON and its models/manifest.json entry.

ONNX interface (models/README.md), opset 17. Three input forms; the manifest entry's "inputForm" says which:
  classes  (default for V2 with graph-aided attention; one graph per run) the vertex classes of model/classes.py:
           tokens [K0,F], degree [K0,1], then per layer l class_parent_l [K_l], class_src_l [E_l],
           class_dst_l [E_l] (int64), class_count [K_L,1], static [1,S]. O(K d^2 + E_rep d): every vertex of a
           class gets the same numbers, so each is computed once.
  edges    (NNLP; one graph per run, dynamic N and E) tokens [N,F] float32, edge_src [E] int64,
           edge_dst [E] int64 (both directions of every undirected edge, no self-loops, no duplicates),
           static [1,S] float32. O(E d): the models' `forward_edges` (model/edges.py).
  dense    (older predictors; dynamic B and N) tokens [B,N,F], adjacency [B,N,N] (symmetric 0/1, no self-loops,
           zero padding), node_mask [B,N] (1 = real node), static [B,S], all float32. O(N^2 d).
  outputs  latency_ms [B] (mean of the members), embedding [B,D] (member 0's sum readout, for the OOD check),
           latency_members [B,M] (each member's prediction, for the interval); B = 1 in the edge form. Each
           member's prediction is already multiplied by its output scale (ensemble.py), a constant in the graph.
All members live in one graph so that the runtime opens one session per platform.
"""
import datetime
import fcntl
import hashlib
import json
import os
import warnings

import numpy as np
import onnx
import torch
from torch import nn

from ..common import onnx_export
from ..model import classes
from ..model.edges import symmetric_edges
from .batching import collate, collate_edges
from .loop import batch_form

OPSET = 17
INPUT_FORMS = {"edges": ["tokens", "edge_src", "edge_dst", "static"],
               "dense": ["tokens", "adjacency", "node_mask", "static"]}
FORMS = ("classes", "edges", "dense")
OUTPUT_NAMES = ["latency_ms", "embedding", "latency_members"]
MANIFEST_SCHEMA_VERSION = 1
DYNAMIC_AXES = {
    "edges": {"tokens": {0: "N"}, "edge_src": {0: "E"}, "edge_dst": {0: "E"}},
    "dense": {"tokens": {0: "B", 1: "N"}, "adjacency": {0: "B", 1: "N", 2: "N"}, "node_mask": {0: "B", 1: "N"},
              "static": {0: "B"}, "latency_ms": {0: "B"}, "embedding": {0: "B"}, "latency_members": {0: "B"}},
}


def input_names(form, layers):
    """The ONNX input names of `form` for members of `layers` layers (only the class form depends on it)."""
    if form == "classes":
        return classes.input_names(layers)
    if form not in INPUT_FORMS:
        raise ValueError("unknown input form %r (known: %s)" % (form, ", ".join(FORMS)))
    return INPUT_FORMS[form]


def dynamic_axes(form, layers):
    if form != "classes":
        return DYNAMIC_AXES[form]
    axes = {"tokens": {0: "K0"}, "degree": {0: "K0"}, "class_count": {0: "K%d" % layers}}
    for l in range(1, layers + 1):
        axes.update({"class_parent_%d" % l: {0: "K%d" % l}, "class_src_%d" % l: {0: "E%d" % l},
                     "class_dst_%d" % l: {0: "E%d" % l}})
    return axes


def default_form(members):
    """The fastest form every member has: classes (V2 with graph-aided attention), edges (NNLP), else dense (the
    global-attention ablation, whose scores cover every pair of vertices)."""
    if all(hasattr(m, "forward_classes") for m in members) and has_edge_form(members):
        return "classes"
    return "edges" if has_edge_form(members) else "dense"


def class_form_inputs(tokens, src, dst, static, layers):
    """An edge-form graph (tokens [N,F], src/dst [E], static [1,S] tensors) as class-form input tensors, in
    `classes.input_names(layers)` order."""
    found = classes.vertex_classes(tokens.numpy(), np.stack([src.numpy(), dst.numpy()], axis=1), layers)
    return tuple(torch.from_numpy(found[name]) for name in classes.input_names(layers)[:-1]) + (static,)


class EnsembleModule(nn.Module):
    """Every member in one module; `form` picks the members' `forward_classes`, `forward_edges` or dense
    `forward`; each member's latency is multiplied by its output scale (validation-fitted,
    ensemble.fit_output_scale)."""

    def __init__(self, members, form="edges", scales=None):
        super().__init__()
        if form not in FORMS:
            raise ValueError("unknown input form %r (known: %s)" % (form, ", ".join(FORMS)))
        if scales is not None and len(scales) != len(members):
            raise ValueError("%d output scales for %d members" % (len(scales), len(members)))
        self.members = nn.ModuleList(members)
        self.form = form
        self.register_buffer("scales", torch.tensor(scales if scales is not None else [1.0] * len(members),
                                                    dtype=torch.float32))

    def forward(self, *inputs):
        """The inputs of the form, in input_names order: (tokens, adjacency, node_mask, static) dense, (tokens,
        edge_src, edge_dst, static) edges, (tokens, degree, 3 per layer, class_count, static) classes."""
        preds, embedding = [], None
        for i, member in enumerate(self.members):
            if self.form == "classes":
                tokens, degree, *levels, count, static = inputs
                latency, emb = member.forward_classes(tokens, degree, list(zip(*[iter(levels)] * 3)), count, static)
            else:
                run = member.forward_edges if self.form == "edges" else member
                latency, emb = run(*inputs)
            preds.append(latency)
            if i == 0:
                embedding = emb
        stacked = torch.stack(preds, dim=-1) * self.scales
        return stacked.mean(-1), embedding, stacked


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def example_inputs(form, token_dim, static_dim, layers):
    """Tracing inputs: a 5-vertex path graph (the sizes are dynamic axes, the values do not matter)."""
    if form == "dense":
        return torch.zeros(2, 5, token_dim), torch.zeros(2, 5, 5), torch.ones(2, 5), torch.zeros(2, static_dim)
    src, dst = (torch.from_numpy(a) for a in symmetric_edges([[0, 1], [1, 2], [2, 3], [3, 4]]))
    edge_form = (torch.zeros(5, token_dim), src, dst, torch.zeros(1, static_dim))
    return class_form_inputs(*edge_form, layers) if form == "classes" else edge_form


def export_onnx(members, path, token_dim, static_dim, form=None, scales=None):
    """Writes the ensemble to `path` in `form` (default_form when None); returns the exported module."""
    form = form or default_form(members)
    module = EnsembleModule(members, form, scales).eval()
    layers = members[0].config["layers"]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with warnings.catch_warnings():
        # torch 1.13 warns about prim::Constant shape inference on every export; the parity test covers it
        warnings.filterwarnings("ignore", message="The shape inference of prim::Constant")
        # ... and that `g.op` in a symbolic (model/edges.py's ScatterND) goes through a deprecated alias there;
        # torch 2.x hands symbolics a GraphContext whose `op` is the supported one
        warnings.filterwarnings("ignore", message=".*_graph_op' is deprecated", category=FutureWarning)
        onnx_export.export(module, example_inputs(form, token_dim, static_dim, layers), path, OPSET,
                           input_names(form, layers), OUTPUT_NAMES, dynamic_axes(form, layers),
                           # every weight under its parameter name: the members can be read back from the file
                           # (convert_form.py), and onnxruntime folds the constants at load anyway
                           fold_constants=False)
    exported = onnx.load(path)
    onnx.checker.check_model(exported)
    opset = next(o.version for o in exported.opset_import if o.domain in ("", "ai.onnx"))
    if opset != OPSET:
        raise RuntimeError("%s was exported with opset %d, expected %d" % (path, opset, OPSET))
    return module


def edge_inputs(data, graph, kind):
    """One graph of a tensor folder in the edge form: tokens [N,F], edge_src/edge_dst [E], static [1,S] (a batch
    of one graph, without the batch-position vector)."""
    tokens, src, dst, _, static = collate_edges(data, [graph], kind)
    return tokens, src, dst, static


def packed(t):
    return {"dims": list(t.shape), "data": t.reshape(-1).tolist()}


@torch.no_grad()
def write_parity_samples(module, data, indices, kind, path):
    """Saves inputs and the PyTorch outputs of the graphs `indices`, in the module's input form, for the
    onnxruntime parity check: {"inputForm", "samples": [{"inputs", "outputs"}]}, one sample per graph in the
    edge and class forms, one padded batch of them all in the dense form."""
    layers = module.members[0].config["layers"]
    names = input_names(module.form, layers)
    if module.form == "edges":
        batches = [edge_inputs(data, g, kind) for g in indices]
    elif module.form == "classes":
        batches = [class_form_inputs(*edge_inputs(data, g, kind), layers) for g in indices]
    else:
        batches = [collate(data, np.asarray(indices), kind)]
    write_parity(path, module.form, names, [(inputs, module(*inputs)) for inputs in batches])


def write_parity(path, form, names, runs):
    """The parity file: {"inputForm", "samples": [{"inputs", "outputs"}]} from `runs`, (input tuple in the order
    of `names`, output tuple) pairs already computed."""
    samples = [{"inputs": {n: packed(t) for n, t in zip(names, inputs)},
                "outputs": {n: packed(t) for n, t in zip(OUTPUT_NAMES, outputs)}} for inputs, outputs in runs]
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"inputForm": form, "samples": samples}, f)


def write_sidecar(path, entry, summary):
    sidecar = {"predictor": entry["id"], "platform": entry["platform"], "interval": summary["interval"],
               "ood": summary["ood"].to_json()}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(sidecar, f)


def update_manifest(manifest_path, entry):
    """Adds or replaces the predictor `entry["id"]` in models/manifest.json (other predictors are kept). Locked:
    the platforms' ensembles may be trained side by side and finish at the same moment."""
    # The lock is on the models folder itself (flock works on a directory), so no lock file is left in it.
    folder = os.open(os.path.dirname(os.path.abspath(manifest_path)), os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        manifest = {"schemaVersion": MANIFEST_SCHEMA_VERSION, "predictors": []}
        if os.path.exists(manifest_path):
            with open(manifest_path, encoding="utf-8") as f:
                manifest = json.load(f)
            if manifest.get("schemaVersion") != MANIFEST_SCHEMA_VERSION:
                raise ValueError("%s has schemaVersion %r, this exporter writes %d"
                                 % (manifest_path, manifest.get("schemaVersion"), MANIFEST_SCHEMA_VERSION))
        manifest["predictors"] = [p for p in manifest["predictors"] if p["id"] != entry["id"]] + [entry]
        manifest["predictors"].sort(key=lambda p: p["id"])
        with open(manifest_path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")
        os.replace(manifest_path + ".tmp", manifest_path)
    finally:
        os.close(folder)  # releases the lock


def has_edge_form(members):
    """Whether every member has `forward_edges`: all but the global-attention ablation, whose scores cover every
    pair of vertices."""
    return all(batch_form(m) == "edges" for m in members)


def export_ensemble(members, records, summary, data, platform, model_name, out_dir, trained_on, parity_indices=None,
                    parity_path=None, test=None, form=None):
    """Writes <out_dir>/<id>.onnx (input form `form`; by default the edge form, or the dense one for the
    global-attention ablation), <id>.json (side-car) and the manifest entry (and, with parity_path, the parity
    samples of `parity_indices`); returns the entry."""
    form = form or default_form(members)
    members = [m.cpu() for m in members]  # exported (and parity-checked) on the CPU, wherever they were trained
    kind = "nnlp" if model_name == "nnlp" else "v2"
    token_dim = data.features.shape[1] if kind == "v2" else data.nnlp_features.shape[1]
    static_dim = data.static.shape[1] if kind == "v2" else data.static_raw.shape[1]
    predictor_id = "%s-%s-%s" % (platform, model_name, data.meta["mode"])
    onnx_path = os.path.join(out_dir, predictor_id + ".onnx")
    scales = summary["outputScales"]
    module = export_onnx(members, onnx_path, token_dim, static_dim, form, scales)
    config = records[0]["config"]
    entry = {
        "id": predictor_id,
        "platform": platform,
        "file": predictor_id + ".onnx",
        "sha256": sha256_of(onnx_path),
        "sidecar": predictor_id + ".json",
        "opset": OPSET,
        "inputForm": form,
        "inputs": {"names": input_names(form, records[0]["config"]["layers"]), "tokenDim": token_dim, "staticDim": static_dim,
                   "static": "static.npy (40-dim PE)" if kind == "v2" else "static_raw.npy [batch,GFLOPs,Gparams,Gmacs]"},
        "outputs": OUTPUT_NAMES,
        "tokenizer": {"mode": data.meta["mode"], "vocabularyVersion": data.meta["vocabularyVersion"],
                      "tokens": "features" if kind == "v2" else "nnlp_features"},
        "trainedOn": {"dataset": data.meta["dataset"], **trained_on},
        "architecture": {"model": model_name, "variant": records[0]["variant"], "dim": config["dim"],
                         "layers": config["layers"], "headHidden": config["head_hidden"],
                         "parametersPerMember": records[0]["parameters"]},
        "training": {"epochs": config["epochs"], "lr": config["lr"], "batchSize": config["batch_size"],
                     "loss": "relative squared error", "selection": "best validation MAPE",
                     "outputScale": "one factor per member, fitted on the validation split"},
        "ensemble": {"members": [{"seed": r["seed"], "validationMape": r["val_mape"], "bestEpoch": r["best_epoch"],
                                  "steps": r["steps"], "outputScale": round(s, 6)}
                                 for r, s in zip(records, scales)]},
        "validation": summary["validation"],
        "validationUnscaled": summary["validationUnscaled"],
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
