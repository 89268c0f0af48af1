"""Re-exports a shipped V2 ensemble in another ONNX input form from the ONNX file itself, for predictors whose
training checkpoints are gone (they live in training/.runs, which is not committed). The file holds every
member's weights as initializers: under their parameter names, except in files exported with constant folding
(before the class form), where the two projections that the edge form applies with `F.linear` / a bias-free
linear (`lin_l.weight`, `lin_r.weight` of each block) are transposed MatMul constants, which the exporter emitted
in member order, block by block, lin_l before lin_r.

The recovered members must reproduce the outputs saved with the file (its parity samples, 1e-5 relative) before
anything is written; the new file replaces the old one, the manifest entry gets its new hash, form and input
names (everything else, side-car included, stays: the numbers are the same up to float summation order), and the
parity samples are written again in the new form.

    python3 -m training.train.convert_form models/ID.onnx test/fixtures/shipped-parity/ID.json [--form classes]
"""
import argparse
import json
import os

import onnx
import torch
from onnx import numpy_helper

from ..model.narformer_v2 import NARFormerV2
from . import export

TOLERANCE = 1e-5


def recover_members(onnx_path, entry):
    """The ensemble's members (eval mode) and output scales from an exported V2 file and its manifest entry."""
    model = onnx.load(onnx_path)
    weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in model.graph.initializer}
    arch = entry["architecture"]
    if arch.get("model") != "v2" or arch.get("variant") != "full":
        raise ValueError("%s: only full V2 ensembles can be recovered, not %s/%s"
                         % (onnx_path, arch.get("model"), arch.get("variant")))
    scales = weights.pop("scales")
    # Files exported with constant folding hold lin_l/lin_r as unnamed transposed MatMul constants, in the order
    # the exporter numbered them (onnx::MatMul_<n>); later files keep every weight under its name.
    unnamed = sorted((n for n in weights if n.startswith("onnx::MatMul_")), key=lambda n: int(n.rsplit("_", 1)[1]))
    members, layers = [], arch["layers"]
    named = "members.0.blocks.0.lin_l.weight" in weights
    if not named and len(unnamed) != 2 * layers * len(scales):
        raise ValueError("%s: %d unnamed MatMul constants, expected lin_l and lin_r for %d members x %d layers"
                         % (onnx_path, len(unnamed), len(scales), layers))
    for m in range(len(scales)):
        member = NARFormerV2(token_dim=entry["inputs"]["tokenDim"], static_dim=entry["inputs"]["staticDim"],
                             dim=arch["dim"], layers=layers, head_hidden=arch["headHidden"])
        prefix = "members.%d." % m
        state = {n[len(prefix):]: w for n, w in weights.items() if n.startswith(prefix)}
        if not named:
            for b in range(layers):
                lin_l, lin_r = unnamed[2 * (m * layers + b)], unnamed[2 * (m * layers + b) + 1]
                state["blocks.%d.lin_l.weight" % b] = weights[lin_l].T.contiguous()
                state["blocks.%d.lin_r.weight" % b] = weights[lin_r].T.contiguous()
        member.load_state_dict(state, strict=True)
        members.append(member.eval())
    return members, scales.tolist()


def edge_samples(parity):
    """The edge-form graphs of a parity file: [(inputs tuple, outputs tuple)]."""
    if parity["inputForm"] != "edges":
        raise ValueError("the parity samples are in the %s form, the recovery checks against edge-form samples"
                         % parity["inputForm"])
    tensor = lambda name, p: torch.tensor(p["data"], dtype=torch.int64 if name.startswith("edge_") else torch.float32) \
        .reshape(p["dims"])
    return [(tuple(tensor(n, s["inputs"][n]) for n in export.INPUT_FORMS["edges"]),
             tuple(torch.tensor(s["outputs"][n]["data"]).reshape(s["outputs"][n]["dims"]) for n in export.OUTPUT_NAMES))
            for s in parity["samples"]]


def worst_error(got, want):
    return max(float((g - w).abs().max()) / max(float(w.abs().max()), 1e-12) for g, w in zip(got, want))


@torch.no_grad()
def convert(onnx_path, parity_path, form="classes", manifest_path=None):
    """Recovers, checks, re-exports in `form`; returns the worst relative error against the saved outputs."""
    manifest_path = manifest_path or os.path.join(os.path.dirname(onnx_path), "manifest.json")
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    entry = next(p for p in manifest["predictors"] if p["file"] == os.path.basename(onnx_path))
    with open(parity_path, encoding="utf-8") as f:
        samples = edge_samples(json.load(f))
    members, scales = recover_members(onnx_path, entry)
    edges_module = export.EnsembleModule(members, "edges", scales).eval()
    worst = max(worst_error(edges_module(*inputs), outputs) for inputs, outputs in samples)
    if worst > TOLERANCE:
        raise ValueError("%s: the recovered members miss the saved outputs by %.3g relative; nothing written"
                         % (onnx_path, worst))
    layers = entry["architecture"]["layers"]
    written = onnx_path + ".converting"
    module = export.export_onnx(members, written, entry["inputs"]["tokenDim"], entry["inputs"]["staticDim"],
                                form, scales)
    converted = [export.class_form_inputs(*inputs, layers) if form == "classes" else inputs for inputs, _ in samples]
    runs = [(inputs, module(*inputs)) for inputs in converted]
    worst = max(worst, *(worst_error(got, saved) for (_, got), (_, saved) in zip(runs, samples)))
    if worst > TOLERANCE:
        os.remove(written)
        raise ValueError("%s: the %s form misses the saved outputs by %.3g relative; nothing written"
                         % (onnx_path, form, worst))
    os.replace(written, onnx_path)
    names = export.input_names(form, layers)
    export.write_parity(parity_path, form, names, runs)
    entry.update({"sha256": export.sha256_of(onnx_path), "inputForm": form,
                  "inputs": {**entry["inputs"], "names": names}})
    export.update_manifest(manifest_path, entry)
    return worst


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("onnx")
    p.add_argument("parity")
    p.add_argument("--form", default="classes", choices=["classes", "edges"])
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    worst = convert(args.onnx, args.parity, args.form)
    print("%s: re-exported in the %s form; worst relative error against the saved outputs %.2e"
          % (args.onnx, args.form, worst))


if __name__ == "__main__":
    main()
