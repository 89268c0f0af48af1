"""Turns protocol JSON lines into bench/results/latency.md and latency.json, in the shape of the paper's
Tables 1 (in-domain), 2 (leave-one-family-out; for the HELP spaces: cross-space) and 5 (ablations), one section
per (data set, platform), with the data set sizes, settings, seeds and the measured label noise floor beside the
errors, and the acceptance comparisons computed from the same numbers (report_markdown.py lays them out).

Cells are mean ± std over the seeds of a setting (n = seeds); "best" (the paper's other statistic) is in the
JSON. Numbers are the test split scored with the validation-selected state; the last-epoch state is in the JSON
("lastAll") because the paper's own protocol selected on the test split (spec §8.8) and we do not. Lines tagged
"ablation" (a study at fewer epochs) only feed the ablation table; lines with any other tag are a separate study
(e.g. "gpu-d512-e20": the paper's model size, trained on a GPU) and get sections of their own, beside the same
split's FLOPs baselines (deterministic, so shared by every study). A leave-one-out seed that has not yet held out
every family is held back from the tables (and named under them) until it has.

    /usr/bin/python3 -m training.train.report bench/results/runs/*.jsonl [--noise FILE ...] [--out bench/results]
"""
import argparse
import json
import os
from collections import defaultdict

import numpy as np

from .report_markdown import in_margin, render

MODEL_ORDER = ["flops", "flops_mac", "nnlp", "v2"]
REGRESSION_MODELS = ("flops", "flops_mac")
VARIANTS = ["full", "no_type_aware", "plain_ffn", "global_attention", "no_static"]
METRICS = {"mape": False, "acc10": True, "acc5": True, "kendall": True}  # name -> higher is better


def read_lines(paths):
    lines = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for number, raw in enumerate(f, 1):
                if not raw.strip():
                    continue
                try:
                    lines.append(json.loads(raw))
                except ValueError as err:
                    raise SystemExit("error: %s line %d is not JSON (%s)" % (path, number, err))
    return lines


def read_noise(paths):
    """{platform: noise report} from `nar-lens dataset noise --json` outputs."""
    floors = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
        floors[report["platform"]] = report
    return floors


def read_studies(path):
    """{dataset: {tag or "": {"role", "about"}}}: what each study is for (bench/results/studies.json), so that the
    report says which section is the headline and which an earlier budget."""
    if not path:
        return {}
    with open(path, encoding="utf-8") as f:
        studies = json.load(f)
    for dataset, tags in studies.items():
        for tag, text in tags.items():
            if not isinstance(text, dict) or set(text) != {"role", "about"}:
                raise SystemExit("error: %s: %s / %r needs exactly a \"role\" and an \"about\"" % (path, dataset, tag))
    return studies


def aggregate(values, higher_is_better):
    values = [v for v in values if v is not None and np.isfinite(v)]
    if not values:
        return None
    return {"avg": float(np.mean(values)), "std": float(np.std(values)),
            "best": float(max(values) if higher_is_better else min(values)), "n": len(values)}


def cell(runs, family=None, state="selected"):
    """Aggregated metrics of `runs` over all test graphs, or over one family's."""
    picked = []
    for r in runs:
        s = r[state]["all"] if family is None else r[state]["families"].get(family)
        if s is not None:
            picked.append(s)
    return {m: aggregate([s[m] for s in picked], better) for m, better in METRICS.items()}


def settings(runs):
    """What each model was trained with: size, epochs, parameters, split sizes (one entry per distinct setting)."""
    out = defaultdict(list)
    for r in runs:
        c = r.get("config") or {}
        key = {"protocol": r["protocol"], "epochs": c.get("epochs"), "dim": c.get("dim"), "layers": c.get("layers"),
               "parameters": r.get("parameters")} if r["model"] in ("v2", "nnlp") else {"fit": "log-linear least squares"}
        entry = next((e for e in out[r["model"]] if {k: e[k] for k in key} == key), None)
        if entry is None:
            entry = dict(key, devices={}) if "fit" not in key else key
            out[r["model"]].append(entry)
        if "devices" in entry:
            # A study can mix devices (a run redone on the CPU); the report says how many ran where.
            device = r.get("device", "cpu")
            entry["devices"][device] = entry["devices"].get(device, 0) + 1
    return dict(out)


def in_domain_table(by):
    table = {}
    families = sorted({f for rs in by.values() for r in rs if r["protocol"] == "in-domain"
                       for f in r["selected"]["families"]})
    for model in MODEL_ORDER:
        rs = by.get(("in-domain", None, model, "full" if model == "v2" else None, None), [])
        if not rs:
            continue
        table[model] = {"all": cell(rs), "families": {f: cell(rs, f) for f in families},
                        "lastAll": cell(rs, state="last"), "split": rs[0]["split"]}
        paper = [r for r in rs if "testSelected" in r]
        if paper:
            table[model]["testSelectedAll"] = cell(paper, state="testSelected")
    return table


def lofo_table(by):
    table = {}
    held = sorted({k[1] for k in by if k[0] == "lofo"})
    for model in MODEL_ORDER:
        variant = "full" if model == "v2" else None
        cells = {f: {**cell(by[("lofo", f, model, variant, None)]), "split": by[("lofo", f, model, variant, None)][0]["split"]}
                 for f in held if by.get(("lofo", f, model, variant, None))}
        if cells:
            table[model] = cells
    return table


def ablation_table(by):
    """Tagged 'ablation' runs when there are any (every variant, the same epochs), else untagged variant runs."""
    tag = "ablation" if any(k[4] == "ablation" for k in by) else None
    table = {}
    for protocol in ("in-domain", "lofo"):
        for variant in VARIANTS:
            rs = [r for k, rr in by.items() if k[0] == protocol and k[2] == "v2" and k[3] == variant and k[4] == tag
                  for r in rr]
            if rs:
                table.setdefault(protocol, {})[variant] = {**cell(rs), "epochs": rs[0].get("config", {}).get("epochs")}
    # one variant alone is no ablation
    return {p: t for p, t in table.items() if len(t) > 1}


def compare(a, b, metric):
    """a's mean minus b's mean (None when either is missing)."""
    if not a or not b or a.get(metric) is None or b.get(metric) is None:
        return None
    return a[metric]["avg"] - b[metric]["avg"]


def in_domain_detail(v2, other):
    """Where an all-family comparison is close: on how many families V2 has the lower mean MAPE, and the seeds'
    spread of the all-family MAPE difference (root of the two variances; None with one run on either side)."""
    fams = [f for f in v2["families"] if (v2["families"][f].get("mape") and other["families"].get(f, {}).get("mape"))]
    better = sum(v2["families"][f]["mape"]["avg"] < other["families"][f]["mape"]["avg"] for f in fams)
    a, b = v2["all"].get("mape"), other["all"].get("mape")
    spread = float(np.hypot(a["std"], b["std"])) if a and b and a["n"] > 1 and b["n"] > 1 else None
    return {"familiesV2LowerMape": better, "families": len(fams), "mapeDiffSeedSpread": spread}


def checks(entry, noise, by=None):
    """The issue's acceptance comparisons, computed: V2 against each baseline in-domain and unseen-structure,
    in-domain MAPE against 2x the label noise floor, the unseen-structure Acc(10%) margin over NNLP (and, given the
    section's runs `by`, the same margin seed by seed)."""
    out = {}
    ind = entry["inDomain"]
    if "v2" in ind:
        v2 = ind["v2"]["all"]
        out["inDomain"] = {m: dict(in_domain_detail(ind["v2"], ind[m]), mapeDiff=compare(v2, ind[m]["all"], "mape"),
                                   acc10Diff=compare(v2, ind[m]["all"], "acc10")) for m in ind if m != "v2"}
        if noise:
            floor = 100.0 * noise["medianDisagreement"]
            out["noiseTarget"] = {"v2Mape": v2["mape"]["avg"], "noiseMedian": floor, "limit": 2 * floor,
                                  "met": v2["mape"]["avg"] <= 2 * floor}
    lofo = entry["lofo"]
    if "v2" in lofo:
        # Averages over the held-out families every model has, so that they compare (a study still running, or
        # resumed on another machine, can lack some cells); the families left out are listed.
        has = {m: {f for f, c in lofo[m].items() if c.get("mape")} for m in lofo}
        common = sorted(set.intersection(*has.values()))
        held = sorted(set.union(*has.values()))

        def mean_over_held(model, metric):
            vals = [lofo[model][f][metric]["avg"] for f in common]
            return float(np.mean(vals)) if vals else None
        averages = {m: {"mape": mean_over_held(m, "mape"), "acc10": mean_over_held(m, "acc10")} for m in lofo}
        out["lofo"] = {"averages": averages, "families": common,
                       "missing": {m: sorted(set(held) - has[m]) for m in lofo if set(held) - has[m]}}
        if "nnlp" in averages and averages["nnlp"]["acc10"] is not None:
            margin = averages["v2"]["acc10"] - averages["nnlp"]["acc10"]
            out["lofo"]["acc10MarginOverNnlp"] = {"points": margin, "target": 8.0, "met": margin >= 8.0}
            if by is not None:
                per_seed = margin_per_seed(by)
                out["lofo"]["acc10MarginPerSeed"] = per_seed
                spread = margin_seed_spread(per_seed, len(common))
                if spread:
                    out["lofo"]["acc10MarginSeedSpread"] = spread
    return out


def margin_seed_spread(per_seed, families):
    """Mean, std and standard error of the per-seed margins over the seeds that ran every held-out family: how
    far the family-averaged margin may sit from the target by chance of the seeds. None under two such seeds."""
    whole = [m["points"] for m in per_seed if m["families"] == families]
    if len(whole) < 2:
        return None
    std = float(np.std(whole, ddof=1))
    return {"seeds": len(whole), "mean": float(np.mean(whole)), "std": std, "standardError": std / np.sqrt(len(whole))}


def margin_per_seed(by):
    """The unseen-structure Acc(10%) margin of V2 over NNLP seed by seed, each over the held-out families both
    models ran with that seed: the spread of the margin itself, and a fair reading when a lane left seeds uneven."""
    acc = defaultdict(dict)  # (model, seed) -> {held-out family: Acc(10%)}
    for (protocol, held, model, variant, tag), runs in by.items():
        # the runs lofo_table reads: untagged, V2 in full
        if protocol == "lofo" and in_margin(model, variant, tag):
            for r in runs:
                acc[(model, r["seed"])][held] = r["selected"]["all"]["acc10"]
    out = []
    for seed in sorted({s for (_, s) in acc}):
        common = sorted(set(acc.get(("v2", seed), {})) & set(acc.get(("nnlp", seed), {})))
        if common:
            diff = [acc[("v2", seed)][f] - acc[("nnlp", seed)][f] for f in common]
            out.append({"seed": seed, "points": float(np.mean(diff)), "families": len(common)})
    return out


def hold_back_incomplete_seeds(by):
    """Leave-one-out runs of a seed that has not yet held out every family its model (same variant and tag) held
    out with some seed: returns `by` without them, and the seeds held back. A seed stopped part-way (a lane cut
    off, a run resumed later) would otherwise give its first families one seed more than the rest, and the
    families a lane runs first are not a fair sample of all; each table averages complete seeds only."""
    held = defaultdict(lambda: defaultdict(set))  # (model, variant, tag) -> seed -> held-out families
    for (protocol, family, model, variant, tag), runs in by.items():
        if protocol == "lofo":
            for r in runs:
                held[(model, variant, tag)][r["seed"]].add(family)
    back = []
    for (model, variant, tag), seeds in held.items():
        every = set.union(*seeds.values())
        back += [{"model": model, "variant": variant, "tag": tag, "seed": seed, "families": sorted(fams),
                  "of": len(every)} for seed, fams in sorted(seeds.items()) if fams != every]
    dropped = {(b["model"], b["variant"], b["tag"], b["seed"]) for b in back}
    kept = {}
    for key, runs in by.items():
        keep = [r for r in runs if key[0] != "lofo" or (key[2], key[3], key[4], r["seed"]) not in dropped]
        if keep:
            kept[key] = keep
    return kept, back


def study_of(line):
    """The study a line belongs to: None for the main tables (untagged and ablation lines), else its tag."""
    tag = line.get("tag")
    return None if tag in (None, "ablation") else tag


def split_of(line):
    sizes = line.get("split") or {}
    return (line["protocol"], line["heldOut"], sizes.get("train"), sizes.get("validation"), sizes.get("test"))


def sections(lines):
    """{section title: (study, lines)}: one section per (data set, platform, mode, study). A study's section gets
    its lines untagged (so the tables read them as the main ones) plus the main section's regression baselines
    where it has none of its own for that model and split (a study on other tokens of the same graphs fits its
    own)."""
    groups = defaultdict(list)
    for line in lines:
        base = "%s / %s (%s tokens)" % (line["dataset"], line["platform"], line["mode"])
        groups[(base, study_of(line))].append(line)
    out = {}
    for (base, study), runs in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        if study is None:
            out[base] = (None, runs)
            continue
        own = [{**r, "tag": None} for r in runs]
        # Only baselines of the very same split (sizes included): a study run on an earlier, smaller version of
        # the data set gets none rather than baselines scored on other test graphs.
        splits = {split_of(r) for r in own}
        fitted = {(r["model"], split_of(r)) for r in own if r["model"] in REGRESSION_MODELS}
        shared = [{**r, "sharedBaseline": True} for r in groups.get((base, None), [])
                  if r["model"] in REGRESSION_MODELS and not r.get("tag") and split_of(r) in splits
                  and (r["model"], split_of(r)) not in fitted]
        out["%s — study %s" % (base, study)] = (study, own + shared)
    return out


def build(lines, noise_floors=None, studies=None):
    """{section: entry} keyed "<dataset> / <platform> (<mode> tokens)" (+ " — study <tag>" for tagged studies)."""
    noise_floors, studies = noise_floors or {}, studies or {}
    report = {}
    for section, (study, runs) in sections(lines).items():
        by = defaultdict(list)
        for r in runs:
            by[(r["protocol"], r["heldOut"], r["model"], r.get("variant") or None, r.get("tag"))].append(r)
        by, held_back = hold_back_incomplete_seeds(by)
        first = runs[0]
        entry = {"dataset": first["dataset"], "platform": first["platform"], "mode": first["mode"], "study": study,
                 "about": studies.get(first["dataset"], {}).get(study or ""),
                 "settings": settings([r for r in runs if not r.get("tag")]),
                 "noiseFloor": noise_floors.get(first["platform"]),
                 "inDomain": in_domain_table(by), "lofo": lofo_table(by), "ablation": ablation_table(by),
                 "lofoSeedsHeldBack": held_back,
                 # A study's FLOPs baselines: the main section's ("shared"), its own fits ("own"), or none.
                 "baselines": ("shared" if any(r.get("sharedBaseline") for r in runs) else
                               "own" if any(r["model"] in REGRESSION_MODELS for r in runs) else None)}
        entry["collapses"] = [{"protocol": r["protocol"], "heldOut": r["heldOut"], "model": r["model"], "seed": r["seed"],
                               **c} for r in runs for c in r.get("collapses") or []]
        entry["checks"] = checks(entry, entry["noiseFloor"], by)
        report[section] = entry
    return report


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="+", help="protocol JSON-lines files")
    p.add_argument("--noise", nargs="*", default=[], help="`nar-lens dataset noise --json` outputs (per platform)")
    p.add_argument("--studies", default=None, help="what each study is for (bench/results/studies.json)")
    p.add_argument("--out", default="bench/results")
    args = p.parse_args(argv)
    lines = read_lines(args.runs)
    if not lines:
        raise SystemExit("error: no runs in %s" % ", ".join(args.runs))
    report = build(lines, read_noise(args.noise), read_studies(args.studies))
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "latency.json"), "w", encoding="utf-8") as f:
        json.dump({"sources": [os.path.basename(r) for r in args.runs], "runs": len(lines), "sections": report}, f,
                  indent=1)
        f.write("\n")
    with open(os.path.join(args.out, "latency.md"), "w", encoding="utf-8") as f:
        f.write(render(report) + "\n")
    print(json.dumps({"out": args.out, "runs": len(lines), "sections": list(report)}))


if __name__ == "__main__":
    main()
