"""Trains the shipped predictor of one platform (an ensemble) and exports it to models/.

All labelled graphs of the folder are used: per family, `--val-fraction` goes to the validation split (model
selection, interval calibration, OOD threshold) and the rest to training. There is no test split here: test
figures come from the protocol runner (training/train/protocol.py).

    training/train/run.sh -m training.train.train_predictor --tensors DIR --platform ID [--model v2]
        [--members 3] [--epochs 50] [--dim 512 --layers 2] [--out models]
"""
import argparse
import json
import sys

import numpy as np

from . import ensemble, export, runtime, splits
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
    p.add_argument("--head-hidden", type=int, default=None, help="default: 512 for dim 512, else dim")
    p.add_argument("--lr", type=float, default=DEFAULTS["lr"])
    p.add_argument("--val-fraction", type=float, default=0.1)
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
    # Everything labelled is either training or validation: the "test" share of in_domain() is zero here.
    train_idx, val_idx, _ = splits.in_domain(labelled, data.families, test_fraction=0.0,
                                             val_fraction=args.val_fraction, split_seed=args.split_seed)
    config = {"epochs": args.epochs, "max_steps": args.max_steps, "dim": args.dim, "layers": args.layers,
              "head_hidden": args.head_hidden or (512 if args.dim == 512 else args.dim), "lr": args.lr,
              "variant": args.variant}
    seeds = list(range(args.first_seed, args.first_seed + args.members))
    members, records, summary = ensemble.train_ensemble(args.model, data, args.platform, train_idx, val_idx, seeds,
                                                        config, log)
    trained_on = {"mode": data.meta["mode"], "train": int(len(train_idx)), "validation": int(len(val_idx)),
                  "families": sorted(set(data.families[i] for i in np.concatenate([train_idx, val_idx])))}
    entry = export.export_ensemble(members, records, summary, data, args.platform, args.model, args.out, trained_on,
                                   parity_indices=val_idx[:4], parity_path=args.parity)
    print(json.dumps({"id": entry["id"], "file": entry["file"], "validation": entry["validation"],
                      "interval": entry["interval"], "ood": entry["ood"]}))


if __name__ == "__main__":
    main()
