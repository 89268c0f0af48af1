"""Protocol runner: the paper's evaluation protocols on one training-tensor folder and platform, writing one JSON
line per trained model (report.py turns the lines into bench/results/latency.{md,json}).

  in-domain   per family 90 % train / 10 % test (Table 1); validation carved from the train part (10 % per family)
  lofo        leave-one-family-out (Table 2): train on the other families, test on the held-out one
Models: v2 (with --variants for the Table 5/6 ablations), nnlp, flops, flops_mac. Each neural run is scored on
the test split with the state that had the best VALIDATION MAPE ("selected") and with the last state ("last").
The regression baselines are deterministic and run once per split. Lines already in --out are skipped, so an
interrupted run resumes where it stopped. `--checkpoints DIR` keeps each in-domain run's selected state as an
ensemble member (members.py): a shipped ensemble trained as parallel protocol jobs, exported by train_predictor
`--from-checkpoints`.

    training/train/run.sh -m training.train.protocol --tensors DIR --platform ID --protocol in-domain,lofo \
        --models v2,nnlp,flops,flops_mac --seeds 0-9 --out training/.runs/<dataset>-<platform>.jsonl
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

from ..model.regression import LogLinearBaseline
from . import loop, members, metrics, runtime, splits
from .tensors import TensorFolder, TensorFolderError

NEURAL = ("v2", "nnlp")
REGRESSION = ("flops", "flops_mac")


def parse_seeds(text):
    seeds = []
    for part in text.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            seeds.extend(range(int(lo), int(hi) + 1))
        elif part:
            seeds.append(int(part))
    return seeds


def run_key(line):
    return (line["protocol"], line["heldOut"], line["model"], line.get("variant"), line["seed"], line["platform"],
            line.get("tag"))


def load_done(path):
    done = set()
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for raw in f:
                if raw.strip():
                    done.add(run_key(json.loads(raw)))
    return done


def split_plan(data, platform, protocols, families_filter, split_seed):
    labelled, _ = data.labelled(platform)
    fams = np.asarray(data.families)
    plan = []
    if "in-domain" in protocols:
        plan.append(("in-domain", None, splits.in_domain(labelled, data.families, split_seed=split_seed)))
    if "lofo" in protocols:
        for family in sorted(set(fams[labelled].tolist())):
            if families_filter and family not in families_filter:
                continue
            plan.append(("lofo", family, splits.leave_one_family_out(labelled, data.families, family,
                                                                     split_seed=split_seed)))
    return plan


def score_on_test(model, record, last_state, data, platform, test_idx):
    """The result fields of one trained model: its record and the test metrics of the selected (best-validation)
    and of the last state. The model is left holding its selected state."""
    _, targets = data.labelled(platform)
    kind = loop.model_kind(record["model"])
    fams = np.asarray(data.families)[test_idx]
    selected_state = {k: v.clone() for k, v in model.state_dict().items()}
    selected, _ = loop.predict(model, data, test_idx, kind)
    model.load_state_dict(last_state)
    last, _ = loop.predict(model, data, test_idx, kind)
    model.load_state_dict(selected_state)
    model.eval()
    return {**{k: v for k, v in record.items() if k != "history"},
            "selected": metrics.summary_by_family(targets[test_idx], selected, fams),
            "last": metrics.summary_by_family(targets[test_idx], last, fams)}


def base_line(protocol, held_out, platform, data, split_seed, split):
    """The fields every result line of one split shares."""
    return {"protocol": protocol, "heldOut": held_out, "platform": platform,
            "dataset": data.meta["dataset"], "mode": data.meta["mode"],
            "vocabularyVersion": data.meta["vocabularyVersion"], "splitSeed": split_seed,
            "split": {"train": int(len(split[0])), "validation": int(len(split[1])), "test": int(len(split[2]))}}


def append_line(path, line):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(line) + "\n")


def evaluate_neural(model_name, data, platform, split, config, seed, log, paper_selection=False, keep_in=None):
    train_idx, val_idx, test_idx = split
    _, targets = data.labelled(platform)
    kind = loop.model_kind(model_name)
    fams = np.asarray(data.families)[test_idx]
    oracle = {"mape": float("inf")}

    def score_test(model, epoch):
        # The reference's own selection (spec §8.8): the epoch with the best TEST MAPE. Optimistic; recorded
        # only to compare with the paper's numbers, never used to pick a model.
        pred, _ = loop.predict(model, data, test_idx, kind)
        mape = metrics.mape(targets[test_idx], pred)
        if mape < oracle["mape"]:
            oracle.update(mape=mape, epoch=epoch, summary=metrics.summary_by_family(targets[test_idx], pred, fams))

    model, record, last_state = loop.fit(model_name, data, platform, train_idx, val_idx, config, seed, log,
                                         after_epoch=score_test if paper_selection else None)
    out = score_on_test(model, record, last_state, data, platform, test_idx)
    if keep_in:
        log("saved %s" % members.save(keep_in, model, record, split))
    if paper_selection:
        out["testSelected"] = oracle["summary"]
        out["testSelectedEpoch"] = oracle["epoch"]
    return out


def evaluate_regression(kind, data, platform, split):
    train_idx, val_idx, test_idx = split
    _, targets = data.labelled(platform)
    started = time.time()
    fit_idx = np.concatenate([train_idx, val_idx])  # nothing to select: the fit uses train and validation
    baseline = LogLinearBaseline(kind).fit(data.static_raw[fit_idx], targets[fit_idx])
    pred = baseline.predict(data.static_raw[test_idx])
    summary = metrics.summary_by_family(targets[test_idx], pred, np.asarray(data.families)[test_idx])
    return {"model": kind, "variant": None, "seed": 0, "platform": platform, "fit": baseline.describe(),
            "selected": summary, "last": summary, "train_seconds": time.time() - started}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tensors", required=True)
    p.add_argument("--platform", required=True)
    p.add_argument("--protocol", default="in-domain,lofo")
    p.add_argument("--models", default="v2,nnlp,flops,flops_mac")
    p.add_argument("--variants", default="full", help="V2 variants: " + ",".join(loop.V2_VARIANTS))
    p.add_argument("--seeds", default="0-9")
    p.add_argument("--families", default="", help="lofo: only these held-out families (comma-separated)")
    p.add_argument("--epochs", type=int, default=loop.DEFAULTS["epochs"])
    p.add_argument("--max-steps", type=int, default=None)
    p.add_argument("--dim", type=int, default=loop.DEFAULTS["dim"])
    p.add_argument("--layers", type=int, default=loop.DEFAULTS["layers"])
    p.add_argument("--form", choices=("edges", "dense"), default=loop.DEFAULTS["form"],
                   help="training batches as one disjoint graph (edge form) or padded dense; the same model")
    p.add_argument("--head-hidden", type=int, default=None)
    p.add_argument("--split-seed", type=int, default=0)
    p.add_argument("--out", required=True)
    p.add_argument("--skip-done-in", default=None, help="also skip the runs already in this JSONL file (a study's "
                   "committed lines, when each job writes a file of its own)")
    p.add_argument("--paper-selection", action="store_true",
                   help="also record the test metrics of the best-on-TEST epoch (the reference's optimistic protocol)")
    p.add_argument("--tag", default=None, help="marks the lines of a separate study (e.g. 'ablation' at fewer "
                   "epochs), so that they neither skip nor mix with the untagged runs of the same setting")
    p.add_argument("--checkpoints", default=None, help="in-domain runs of one neural model: save each run's selected "
                   "state here as member-<seed>.pt (train_predictor --from-checkpoints exports them)")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--quiet", action="store_true")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    runtime.configure(args.threads)
    log = (lambda msg: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    protocols = [p for p in args.protocol.split(",") if p]
    models = [m for m in args.models.split(",") if m]
    variants = [v for v in args.variants.split(",") if v]
    for p in protocols:
        if p not in ("in-domain", "lofo"):
            raise SystemExit("error: unknown protocol %r (in-domain, lofo)" % p)
    for m in models:
        if m not in NEURAL + REGRESSION:
            raise SystemExit("error: unknown model %r (%s)" % (m, ", ".join(NEURAL + REGRESSION)))
    for v in variants:
        if v not in loop.V2_VARIANTS:
            raise SystemExit("error: unknown variant %r (%s)" % (v, ", ".join(loop.V2_VARIANTS)))
    if args.checkpoints and (protocols != ["in-domain"] or len(models) != 1 or models[0] not in NEURAL
                             or (models[0] == "v2" and len(variants) != 1)):
        raise SystemExit("error: --checkpoints keeps ensemble members: use it with --protocol in-domain and one "
                         "neural model (one variant), so that member-<seed>.pt names one run")
    try:
        data = TensorFolder(args.tensors)
        data.platform_column(args.platform)
    except TensorFolderError as err:
        raise SystemExit("error: %s" % err)
    config = {"epochs": args.epochs, "max_steps": args.max_steps, "dim": args.dim, "layers": args.layers,
              "form": args.form,
              "head_hidden": args.head_hidden or (512 if args.dim == 512 else args.dim)}
    families_filter = set(f for f in args.families.split(",") if f)
    done = load_done(args.out) | (load_done(args.skip_done_in) if args.skip_done_in else set())
    written = 0
    for protocol, held_out, split in split_plan(data, args.platform, protocols, families_filter, args.split_seed):
        base = base_line(protocol, held_out, args.platform, data, args.split_seed, split)
        jobs = []
        for m in models:
            if m in REGRESSION:
                jobs.append((m, None, 0))
            else:
                for v in (variants if m == "v2" else [None]):
                    jobs.extend((m, v, s) for s in parse_seeds(args.seeds))
        for model_name, variant, seed in jobs:
            key = (protocol, held_out, model_name, variant, seed, args.platform, args.tag)
            # With --checkpoints a run is done when its member is saved too, for this split and these settings:
            # result lines are committed, members are not, so a fresh clone retrains the member (and keeps the
            # committed line).
            run_config = {**config, "variant": variant or "full"}
            member_missing = bool(args.checkpoints) and not members.saved_for(args.checkpoints, seed, split,
                                                                             run_config)
            if key in done and not member_missing:
                continue
            log("%s %s %s %s seed %d" % (protocol, held_out or "", model_name, variant or "", seed))
            if model_name in REGRESSION:
                result = evaluate_regression(model_name, data, args.platform, split)
            else:
                result = evaluate_neural(model_name, data, args.platform, split, run_config, seed, log,
                                         args.paper_selection, keep_in=args.checkpoints)
            if key in done:  # retrained for its member only: the committed line stands
                continue
            append_line(args.out, {**base, **result, "variant": variant, "torch": torch.__version__,
                                   **({"tag": args.tag} if args.tag else {})})
            written += 1
    print(json.dumps({"out": args.out, "written": written, "skipped": len(done)}))


if __name__ == "__main__":
    main()
