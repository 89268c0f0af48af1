"""Markdown layout of the latency report (report.py builds the numbers): the paper's Table 1 / 2 / 5 layouts per
(data set, platform), with the settings, split sizes, seeds and label noise floor beside them."""

MODEL_TITLES = {"flops": "FLOPs", "flops_mac": "FLOPs+MAC", "nnlp": "NNLP", "v2": "NAR-Former V2"}
VARIANT_TITLES = {"full": "V2 (full)", "no_type_aware": "− type-aware enhancement", "plain_ffn": "plain FFN (no GFFN)",
                  "global_attention": "global attention", "no_static": "− static features"}
MODEL_ORDER = ["flops", "flops_mac", "nnlp", "v2"]
PROTOCOL_TITLES = {"in-domain": "in-domain", "lofo": "leave-one-out"}


def in_margin(model, variant, tag):
    """Whether runs of this model, variant and tag are the ones the V2-over-NNLP margin compares: untagged, V2 in
    full, and NNLP."""
    return model in ("v2", "nnlp") and variant in (None, "full") and tag is None


def fmt(agg, digits=2):
    """mean ± std over seeds; one number for one run."""
    if agg is None:
        return "–"
    if agg["n"] == 1:
        return "%.*f" % (digits, agg["avg"])
    return "%.*f ± %.*f" % (digits, agg["avg"], digits, agg["std"])


def is_cross_space(entry):
    """The HELP data sets' families are search spaces: leave-one-out there is the paper's cross-space setting."""
    return "help-" in entry["dataset"]


def devices_text(devices):
    """'cuda', or 'cuda (8 runs) and cpu (4 runs)' when a setting's runs were trained on more than one device."""
    if len(devices) == 1:
        return next(iter(devices))
    return " and ".join("%s (%d run%s)" % (d, n, "" if n == 1 else "s") for d, n in sorted(devices.items(), key=lambda dn: -dn[1]))


def settings_lines(entry):
    out = []
    for model in MODEL_ORDER:
        runs = entry["settings"].get(model, [])
        if not runs:
            continue
        if "fit" in runs[0]:
            out.append("%s: %s." % (MODEL_TITLES[model], runs[0]["fit"]))
            continue
        size = runs[0]
        epochs = "; ".join("%s epochs %s on %s" % (s["epochs"], PROTOCOL_TITLES[s["protocol"]], devices_text(s["devices"]))
                           for s in runs)
        out.append("%s: d=%s, L=%s, %s parameters; %s." % (MODEL_TITLES[model], size["dim"], size["layers"],
                                                          "{:,}".format(size["parameters"] or 0), epochs))
    noise = entry["noiseFloor"]
    if noise:
        line = "Label noise floor on %s (passes %s vs %s over a fixed %d-model subset): median %.1f %%, p90 %.1f %%." % (
            noise["platform"], noise["passes"][0], noise["passes"][1], noise["compared"],
            100 * noise["medianDisagreement"], 100 * noise["p90Disagreement"])
        if noise.get("passMape") is not None:
            line += (" One pass as a predictor of the other scores %.1f %% MAPE (both passes are noisy: one label's own "
                     "noise is about 1/√2 of this)." % (100 * noise["passMape"]))
        out.append(line)
    else:
        out.append("Label noise floor: not measured by us (published labels).")
    return ["- " + line for line in out] + [""]


def in_domain_lines(entry):
    table = entry["inDomain"]
    models = [m for m in MODEL_ORDER if m in table]
    split = next(iter(table.values()))["split"]
    out = ["### In-domain (Table 1 layout)", "",
           "Per family %s: train %d, validation %d, test %d graphs. MAPE and Acc in %%, test split." % (
               "(search space)" if is_cross_space(entry) else "90/10, validation carved from the 90",
               split["train"], split["validation"], split["test"]), "",
           "| Test family | " + " | ".join(MODEL_TITLES[m] + " MAPE" for m in models) + " | "
           + " | ".join(MODEL_TITLES[m] + " Acc(10%)" for m in models) + " |",
           "|---" * (1 + 2 * len(models)) + "|"]
    families = ["All"] + sorted(table[models[0]]["families"])
    for fam in families:
        cells = [table[m]["all"] if fam == "All" else table[m]["families"].get(fam) for m in models]
        out.append("| %s | %s | %s |" % ("**All**" if fam == "All" else fam,
                                         " | ".join(fmt(c["mape"]) if c else "–" for c in cells),
                                         " | ".join(fmt(c["acc10"]) if c else "–" for c in cells)))
    out += ["", "Seeds per cell: " + ", ".join("%s %d" % (MODEL_TITLES[m], table[m]["all"]["mape"]["n"])
                                               for m in models) + ". "
            + "Acc(5%) and Kendall τ of all test graphs: " + ", ".join(
                "%s %s / %s" % (MODEL_TITLES[m], fmt(table[m]["all"]["acc5"]), fmt(table[m]["all"]["kendall"], 3))
                for m in models) + ".", ""]
    last = ["%s %s" % (MODEL_TITLES[m], fmt(table[m]["lastAll"]["mape"])) for m in models if m in ("nnlp", "v2")]
    if last:
        out += ["All-family MAPE of the last epoch instead of the validation-selected one: " + ", ".join(last) + ".", ""]
    paper = ["%s %s" % (MODEL_TITLES[m], fmt(table[m]["testSelectedAll"]["mape"])) for m in models
             if "testSelectedAll" in table[m]]
    if paper:
        out += ["The reference's own protocol (epoch chosen on the test split, optimistic; spec §8.8), "
                "all-family MAPE: " + ", ".join(paper) + ".", ""]
    return out


def lofo_lines(entry):
    table = entry["lofo"]
    models = [m for m in MODEL_ORDER if m in table]
    held = sorted({f for m in models for f in table[m]})
    title = ("### Cross-space, unseen structure (train on the other spaces, test on one)" if is_cross_space(entry)
             else "### Leave one family out, unseen structure (Table 2 layout)")
    out = [title, "", "Cells: MAPE · Acc(10%) on every graph of the held-out family.", "",
           "| Held-out | " + " | ".join(MODEL_TITLES[m] for m in models) + " |", "|---" * (1 + len(models)) + "|"]
    for fam in held:
        row = []
        for m in models:
            c = table[m].get(fam)
            row.append("%s · %s" % (fmt(c["mape"]), fmt(c["acc10"])) if c and c["mape"] else "–")
        out.append("| %s | %s |" % (fam, " | ".join(row)))
    checked = entry["checks"].get("lofo", {})
    averages = checked.get("averages", {})
    partial = len(checked.get("families", held)) < len(held)
    out.append("| **Average%s** | %s |" % (" of the %d families every model has" % len(checked["families"]) if partial else "",
                                         " | ".join(
        "%.2f · %.2f" % (averages[m]["mape"], averages[m]["acc10"]) if averages.get(m, {}).get("mape") is not None
        else "–" for m in models)))
    if partial:
        out += ["", "Not yet run: " + "; ".join("%s %s" % (MODEL_TITLES[m], ", ".join(fams))
                                                for m, fams in checked["missing"].items()) + "."]
    seeds = {m: seeds_text(table[m].values()) for m in models}
    split = next(iter(table[models[0]].values()))["split"]
    out += ["", "Seeds per held-out family: " + ", ".join("%s %s" % (MODEL_TITLES[m], n) for m, n in seeds.items())
            + ". Training set of one held-out run: about %d graphs (+ %d validation)." % (split["train"], split["validation"]),
            ""]
    return out + held_back_lines(entry)


def held_back_lines(entry):
    """The seeds a table leaves out because they have not yet held out every family (report.hold_back_incomplete_seeds)."""
    back = entry.get("lofoSeedsHeldBack") or []
    if not back:
        return []
    described = ["%s%s seed %d (%d of %d: %s)" % (
        MODEL_TITLES[b["model"]], "" if b["variant"] in (None, "full") else ", " + VARIANT_TITLES[b["variant"]],
        b["seed"], len(b["families"]), b["of"], ", ".join(b["families"])) for b in back]
    return ["Held back until they hold out every family (so that no family average mixes seed counts): "
            + "; ".join(described) + ".", ""]


def ablation_lines(entry):
    out = []
    for protocol, table in entry["ablation"].items():
        epochs = {c["epochs"] for c in table.values()}
        out += ["### V2 ablations (Table 5 layout, %s, %s epochs)" % (protocol, "/".join(str(e) for e in epochs)), "",
                "| Variant | MAPE | Acc(10%) | Acc(5%) | Kendall τ |", "|---|---|---|---|---|"]
        for variant, c in table.items():
            out.append("| %s | %s | %s | %s | %s |" % (VARIANT_TITLES[variant], fmt(c["mape"]), fmt(c["acc10"]),
                                                      fmt(c["acc5"]), fmt(c["kendall"], 3)))
        out.append("")
    return out


def collapse_lines(entry):
    """Runs whose predictions collapsed to ~0 at some epoch (the softplus head saturated; loop.collapsed)."""
    events = entry.get("collapses") or []
    if not events:
        return []
    described = []
    for e in events:
        where = e["heldOut"] or "in-domain"
        outcome = ("restarted from epoch %s at %.2g x the learning rate" % (e["restoredEpoch"], e["lrScale"])
                   if e.get("lrScale") else "recovered by itself" if e.get("recoveredByItself")
                   else "never recovered: the cell is its best state before the collapse")
        described.append("%s %s seed %d at epoch %d (%s)" % (MODEL_TITLES[e["model"]], where, e["seed"], e["epoch"],
                                                              outcome))
    return ["Collapsed runs (predictions fell to ~0 and the loss stuck at 1): " + "; ".join(described) + ".", ""]


def check_lines(entry):
    c = entry["checks"]
    out = []
    for model, diff in c.get("inDomain", {}).items():
        if diff["mapeDiff"] is not None:
            better = diff["mapeDiff"] < 0 and (diff["acc10Diff"] or 0) > 0
            line = "In-domain, V2 vs %s: MAPE %+.2f points, Acc(10%%) %+.2f points — %s" % (
                MODEL_TITLES[model], diff["mapeDiff"], diff["acc10Diff"] or 0, "V2 better on both" if better else
                "V2 is NOT better on both")
            if diff.get("families"):
                line += "; V2 has the lower MAPE on %d of %d families" % (diff["familiesV2LowerMape"],
                                                                         diff["families"])
            spread = diff.get("mapeDiffSeedSpread")
            if spread is not None:
                line += "; the MAPE difference is %s the seeds' spread (± %.2f)" % (
                    "within" if abs(diff["mapeDiff"]) <= spread else "beyond", spread)
            out.append(line + ".")
    if "noiseTarget" in c:
        t = c["noiseTarget"]
        out.append("In-domain V2 MAPE %.2f %% against 2 × the label noise floor (%.2f %%): %s." % (
            t["v2Mape"], t["limit"], "met" if t["met"] else "NOT met"))
    lofo = c.get("lofo", {})
    for model, avg in lofo.get("averages", {}).items():
        if model != "v2" and avg["mape"] is not None:
            v2 = lofo["averages"]["v2"]
            better = v2["mape"] < avg["mape"] and v2["acc10"] > avg["acc10"]
            out.append("Unseen structure (average over held-out families), V2 vs %s: MAPE %.2f vs %.2f, "
                       "Acc(10%%) %.2f vs %.2f — %s." % (MODEL_TITLES[model], v2["mape"], avg["mape"], v2["acc10"],
                                                        avg["acc10"], "V2 better on both" if better else
                                                        "V2 is NOT better on both"))
    if "acc10MarginOverNnlp" in lofo:
        margin = lofo["acc10MarginOverNnlp"]
        out.append("Unseen-structure Acc(10%%) margin over NNLP: %+.2f points (target ≥ %.0f): %s." % (
            margin["points"], margin["target"], "met" if margin["met"] else "NOT met"))
        per_seed = lofo.get("acc10MarginPerSeed", [])
        if len(per_seed) > 1:
            out.append("The same margin seed by seed (over the families both models ran with that seed): " + ", ".join(
                "seed %d %+.2f (%d famil%s)" % (m["seed"], m["points"], m["families"], "y" if m["families"] == 1 else "ies")
                for m in per_seed) + ".")
        spread = lofo.get("acc10MarginSeedSpread")
        if spread:
            out.append(seed_spread_line(spread, margin["target"]))
    return (["### Checks (computed from the tables above)", ""] + ["- " + line for line in out] + [""]) if out else []


def seed_spread_line(spread, target):
    line = ("Over the %d seeds that held out every family: %+.2f ± %.2f points (mean ± std of the seeds' margins), "
            "standard error %.2f" % (spread["seeds"], spread["mean"], spread["std"], spread["standardError"]))
    if spread["standardError"] > 0:
        gap = (target - spread["mean"]) / spread["standardError"]
        line += "; the target is %.1f standard errors %s that mean" % (abs(gap), "above" if gap > 0 else "below")
    return line + "."


def plural(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


def seeds_text(cells):
    """'3' or '1–3': the seeds behind a set of cells (the fewest and the most)."""
    counts = sorted({c["mape"]["n"] for c in cells if c and c.get("mape")})
    if not counts:
        return "–"
    return str(counts[0]) if counts[0] == counts[-1] else "%d–%d" % (counts[0], counts[-1])


def summary_lines(report):
    """One row per section: V2 against NNLP where the issue sets targets (in-domain MAPE, unseen-structure
    Acc(10%) margin), with the model size and the seeds behind each number."""
    rows = []
    for section, entry in report.items():
        v2 = entry["settings"].get("v2")
        if not v2 or "fit" in v2[0]:
            continue
        epochs = {s["protocol"]: s["epochs"] for s in v2}
        size = "d=%s, L=%s" % (v2[0]["dim"], v2[0]["layers"])
        table, c = entry["inDomain"], entry["checks"]
        if "v2" in table and "nnlp" in table:
            t = c.get("noiseTarget")
            in_domain = "%s vs %s (%s, %s)%s" % (
                fmt(table["v2"]["all"]["mape"]), fmt(table["nnlp"]["all"]["mape"]),
                plural(table["v2"]["all"]["mape"]["n"], "seed"), plural(epochs.get("in-domain", 0), "epoch"),
                "; ≤ 2 × noise: %s" % ("yes" if t["met"] else "no") if t else "")
        else:
            in_domain = "–"
        lofo = c.get("lofo", {})
        margin = lofo.get("acc10MarginOverNnlp")
        if margin:
            averages = lofo["averages"]
            seeds = seeds_text(entry["lofo"]["v2"].values())
            of = len(lofo["families"])
            total = len({f for cells in entry["lofo"].values() for f in cells})
            held_back = sorted({b["seed"] for b in entry.get("lofoSeedsHeldBack") or []
                                if in_margin(b["model"], b["variant"], b["tag"])})
            unseen = "%.1f vs %.1f (%s seed%s per family, %s%s%s); %+.1f points: %s" % (
                averages["v2"]["acc10"], averages["nnlp"]["acc10"], seeds, "" if seeds == "1" else "s",
                plural(epochs.get("lofo", 0), "epoch"), "" if of == total else "; %d of %d families" % (of, total),
                "; not yet complete: seed%s %s" % ("" if len(held_back) == 1 else "s",
                                                   ", ".join(str(s) for s in held_back)) if held_back else "",
                margin["points"], "met" if margin["met"] else "not met")
        else:
            unseen = "–"
        role = " (%s)" % entry["about"]["role"] if entry.get("about") else ""
        rows.append("| %s%s | %s | %s | %s |" % (section, role, size, in_domain, unseen))
    if not rows:
        return []
    return ["## Summary: NAR-Former V2 against NNLP", "",
            "In-domain: test MAPE (%), V2 vs NNLP. Unseen structure: average Acc(10%) (%) over held-out families, "
            "V2 vs NNLP, and V2's margin (target ≥ +8 points). Details and the FLOPs baselines in each section below.",
            "", "| Section | V2 size | In-domain MAPE | Unseen structure Acc(10%) |", "|---|---|---|---|"] + rows + [""]


def render(report):
    out = ["# Latency prediction results", "",
           "Generated by `npm run report` (`training/train/report.py`) from the protocol runs in "
           "`bench/results/runs/` (`training/train/reproduce.sh`). Cells are mean ± std over seeds (one number for one "
           "run); MAPE and Acc in %, test split, the state selected on the validation split (never on the test "
           "split). FLOPs and FLOPs+MAC are log-linear least-squares fits on train + validation.", ""]
    out += summary_lines(report)
    for section, entry in report.items():
        out += ["## " + section, ""]
        if entry.get("about"):
            out += ["*%s.* %s" % (entry["about"]["role"][:1].upper() + entry["about"]["role"][1:],
                                  entry["about"]["about"]), ""]
        if entry.get("study"):
            baselines = {"shared": "; the FLOPs baselines are the main section's, fitted on the same splits",
                         "own": "; its FLOPs baselines are fitted on its own tokens' static features"}
            out += ["A separate study (protocol lines tagged `%s`)%s." % (
                entry["study"], baselines.get(entry.get("baselines"), "")), ""]
        out += settings_lines(entry)
        if entry["inDomain"]:
            out += in_domain_lines(entry)
        if entry["lofo"]:
            out += lofo_lines(entry)
        out += ablation_lines(entry)
        out += collapse_lines(entry)
        out += check_lines(entry)
    return "\n".join(out)
