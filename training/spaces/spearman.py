"""Spearman rank correlation between each platform's latency and the rebuilt network's MACs (conv + Linear,
counted in Python on the rebuilt module), per HELP data set, over the samples on disk.

    /usr/bin/python3 training/spaces/spearman.py [--write-readme] [--json]

--write-readme replaces the table between the 'spearman' markers of each datasets/help-<space>/README.md.
For NB201 the figure is given over all cells and over cells whose output is connected to the input (the
disconnected ones are kept and flagged in samples.jsonl, not dropped).
"""
import argparse
import gzip
import json
import os
import sys

from scipy.stats import spearmanr

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
BEGIN, END = "<!-- spearman:begin -->", "<!-- spearman:end -->"


def load(dataset_dir):
    with open(os.path.join(dataset_dir, "samples.jsonl")) as f:
        samples = {s["id"]: s for s in map(json.loads, f)}
    labels = {}
    with gzip.open(os.path.join(dataset_dir, "labels.jsonl.gz"), "rt") as f:
        for row in map(json.loads, f):
            labels.setdefault(row["platform"], {})[row["id"]] = row["latencyMs"]
    return samples, labels


def table(dataset_dir):
    samples, labels = load(dataset_dir)
    with open(os.path.join(dataset_dir, "dataset.json")) as f:
        meta = {p["id"]: p for p in json.load(f)["platforms"]}
    rows = []
    for platform in sorted(labels):
        ids = [i for i in labels[platform] if i in samples]
        rho = spearmanr([samples[i]["macs"] for i in ids], [labels[platform][i] for i in ids]).correlation
        row = {"platform": platform, "n": len(ids), "rho": rho, "wholeNetwork": meta[platform]["wholeNetwork"]}
        connected = [i for i in ids if samples[i].get("outputConnected", True)]
        if len(connected) != len(ids):
            row["rhoConnected"] = spearmanr([samples[i]["macs"] for i in connected],
                                            [labels[platform][i] for i in connected]).correlation
            row["nConnected"] = len(connected)
        rows.append(row)
    return len(samples), rows


def markdown(n, rows):
    connected = any("rhoConnected" in r for r in rows)
    head = "| platform | whole network | labelled | Spearman(latency, MACs) |" + (
        " connected cells only |" if connected else "")
    lines = ["Computed by `training/spaces/spearman.py` over the %d samples on disk." % n, "", head,
             "|---|---|---|---|" + ("---|" if connected else "")]
    for r in rows:
        line = "| %s | %s | %d | %.3f |" % (r["platform"], "yes" if r["wholeNetwork"] else "no (LUT/estimator)",
                                            r["n"], r["rho"])
        if connected:
            line += " %.3f (n=%d) |" % (r["rhoConnected"], r["nConnected"])
        lines.append(line)
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--write-readme", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = {}
    for space in ("nb201", "fbnet", "ofa"):
        d = os.path.join(ROOT, "datasets", "help-%s" % space)
        if not os.path.exists(os.path.join(d, "samples.jsonl")):
            continue
        n, rows = table(d)
        result[space] = rows
        text = markdown(n, rows)
        if not args.json:
            print("## help-%s\n%s\n" % (space, text))
        readme = os.path.join(d, "README.md")
        if args.write_readme and os.path.exists(readme):
            with open(readme) as f:
                body = f.read()
            if BEGIN in body and END in body:
                body = body[:body.index(BEGIN) + len(BEGIN)] + "\n" + text + "\n" + body[body.index(END):]
                with open(readme, "w") as f:
                    f.write(body)
    if args.json:
        print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
