"""Trains the shipped predictor of one platform (an ensemble) and exports it to models/.

By default all labelled graphs of the folder are used: per family, `--val-fraction` goes to the validation split
(model selection, interval calibration, OOD threshold) and the rest to training. With `--test-fraction 0.1` a
per-family test split is held out first, exactly as the in-domain protocol (protocol.py) carves it for the same
`--split-seed`: the members are then the protocol's in-domain V2 runs (`--protocol-out` appends their result
lines, so protocol.py skips them) and the manifest carries the ensemble's test metrics.

`--checkpoints DIR` saves each member's state as it finishes; `--from-checkpoints DIR` exports an ensemble from
saved members without training: after a change of the ONNX interface, or members that protocol.py's in-domain
runs saved (`--checkpoints`, one lane per member; members.py).

    training/train/run.sh -m training.train.train_predictor --tensors DIR --platform ID [--model v2]
        [--members 3] [--epochs 50] [--dim 256 --layers 2] [--test-fraction 0.1 --protocol-out FILE]
        [--checkpoints DIR | --from-checkpoints DIR] [--out models]
"""
import argparse
import json
import sys

import numpy as np
import torch

from . import ensemble, export, loop, metrics, protocol, runtime, splits
from . import members as saved_members
from .loop import DEFAULTS, V2_VARIANTS
from .tensors import TensorFolder, TensorFolderError


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tensors", required=True, help="training-tensor folder (training/README.md)")
    p.add_argument("--platform", required=True)
    p.add_argument("--model", default="v2", choices=["v2", "nnlp"])
    p.add_argument("--variant", default="full", choices=sorted(V2_VARIANTS))
    p.add_argument("--members", type=int, default=3)
    p.add_argument("--first-seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=DEFAULTS["epochs"])
    p.add_argument("--max-steps", type=int, default=None, help="stop after this many steps (smoke runs)")
    p.add_argument("--dim", type=int, default=256, help="256 (with L=2) for shipped predictors, see README.md")
    p.add_argument("--layers", type=int, default=DEFAULTS["layers"])
    p.add_argument("--form", choices=("edges", "dense"), default=DEFAULTS["form"],
                   help="training batches as one disjoint graph (edge form) or padded dense; the same model")
    p.add_argument("--head-hidden", type=int, default=None, help="default: 512 for dim 512, else dim")
    p.add_argument("--lr", type=float, default=DEFAULTS["lr"])
    p.add_argument("--val-fraction", type=float, default=0.1)
    p.add_argument("--test-fraction", type=float, default=0.0,
                   help="hold out this share per family as a test split (0.1 = the in-domain protocol's)")
    p.add_argument("--protocol-out", default=None, help="with --test-fraction: append the members' in-domain "
                   "protocol lines to this JSONL file (protocol.py format)")
    p.add_argument("--checkpoints", default=None, help="save each member's state here as it finishes")
    p.add_argument("--from-checkpoints", default=None, help="export the members saved here instead of training")
    p.add_argument("--split-seed", type=int, default=0)
    p.add_argument("--out", default="models")
    p.add_argument("--parity", default=None, help="also write PyTorch inputs/outputs of a few graphs here (JSON)")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--quiet", action="store_true")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    env = runtime.configure(args.threads)
    log = (lambda msg: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    for hint in env["hints"]:
        log("note: " + hint)
    if args.members < 1:
        raise SystemExit("--members must be at least 1")
    try:
        data = TensorFolder(args.tensors)
        labelled, _ = data.labelled(args.platform)
    except TensorFolderError as err:
        raise SystemExit("error: %s" % err)
    if len(labelled) < 4:
        raise SystemExit("error: platform %s has only %d labelled graphs in %s" % (args.platform, len(labelled),
                                                                                 args.tensors))
    train_idx, val_idx, test_idx = splits.in_domain(labelled, data.families, test_fraction=args.test_fraction,
                                                    val_fraction=args.val_fraction, split_seed=args.split_seed)
    if args.protocol_out and len(test_idx) == 0:
        raise SystemExit("error: --protocol-out needs a test split (--test-fraction > 0)")
    config = {"epochs": args.epochs, "max_steps": args.max_steps, "dim": args.dim, "layers": args.layers,
              "form": args.form,
              "head_hidden": args.head_hidden or (512 if args.dim == 512 else args.dim), "lr": args.lr,
              "variant": args.variant}
    seeds = list(range(args.first_seed, args.first_seed + args.members))
    if args.from_checkpoints:
        try:
            members, records = saved_members.load(args.from_checkpoints, args.model, data,
                                                  (train_idx, val_idx, test_idx))
        except saved_members.MemberError as err:
            raise SystemExit("error: %s" % err)
        summary = ensemble.summarise_ensemble(args.model, data, args.platform, members, train_idx, val_idx,
                                              records[0]["seed"])
    else:
        on_member = member_hook(args, data, (train_idx, val_idx, test_idx), log)
        members, records, summary = ensemble.train_ensemble(args.model, data, args.platform, train_idx, val_idx,
                                                            seeds, config, log, on_member)
    trained_on = {"mode": data.meta["mode"], "train": int(len(train_idx)), "validation": int(len(val_idx)),
                  "test": int(len(test_idx)), "splitSeed": args.split_seed,
                  "families": sorted(set(data.families[i] for i in np.concatenate([train_idx, val_idx])))}
    test = ensemble_test_metrics(args.model, data, args.platform, members, summary, test_idx) if len(test_idx) else None
    entry = export.export_ensemble(members, records, summary, data, args.platform, args.model, args.out, trained_on,
                                   parity_indices=val_idx[:4], parity_path=args.parity, test=test)
    print(json.dumps({"id": entry["id"], "file": entry["file"], "validation": entry["validation"],
                      "test": (test or {}).get("all"), "interval": entry["interval"], "ood": entry["ood"]}))


def member_hook(args, data, split, log):
    """What happens as each member finishes: its checkpoint and its in-domain protocol line."""
    done = protocol.load_done(args.protocol_out) if args.protocol_out else set()
    base = protocol.base_line("in-domain", None, args.platform, data, args.split_seed, split)

    def on_member(model, record, last_state):
        if args.checkpoints:
            log("saved %s" % saved_members.save(args.checkpoints, model, record, split))
        if args.protocol_out:
            variant = args.variant if args.model == "v2" else None
            key = ("in-domain", None, args.model, variant, record["seed"], args.platform, None)
            if key not in done:
                result = protocol.score_on_test(model, record, last_state, data, args.platform, split[2])
                protocol.append_line(args.protocol_out, {**base, **result, "variant": variant,
                                                         "torch": torch.__version__})
    return on_member


def ensemble_test_metrics(model_name, data, platform, members, summary, test_idx):
    """The shipped prediction (the mean of the scaled members) on the held-out test split, overall and per family,
    the unscaled mean's overall metrics, and the share of test graphs inside the interval the runtime shows."""
    _, targets = data.labelled(platform)
    y = targets[test_idx]
    kind = loop.model_kind(model_name)
    raw = np.array([loop.predict(m, data, test_idx, kind)[0] for m in members])
    scaled = raw * np.asarray(summary["outputScales"])[:, None]
    out = metrics.summary_by_family(y, scaled.mean(0), np.asarray(data.families)[test_idx])
    return {**out, "allUnscaled": metrics.summary(y, raw.mean(0)),
            "intervalCoverage": ensemble.interval_coverage(y, scaled, summary["interval"])}


if __name__ == "__main__":
    main()
