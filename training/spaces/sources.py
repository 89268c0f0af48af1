"""Reads HELP's label tables (copied to training/spaces/help-source/) as (sample id, config, {column: ms})."""
import csv
import gzip
import io
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.join(HERE, "help-source")
SPACES = ("nb201", "fbnet", "ofa")


def _csv_rows(name):
    with gzip.open(os.path.join(SOURCE_DIR, name), "rt", newline="") as f:
        yield from csv.DictReader(f)


def load(space):
    """List of {id, config, latency: {column: ms}} in benchmark index order."""
    records = []
    if space == "nb201":
        for row in _csv_rows("nb201_latency.csv.gz"):
            idx = int(row.pop("idx"))
            arch = row.pop("arch_str")
            records.append({"id": "nb201-%05d" % idx, "index": idx, "config": arch,
                            "latency": {k: float(v) for k, v in row.items()}})
    elif space == "fbnet":
        for row in _csv_rows("fbnet_latency.csv.gz"):
            idx = int(row.pop("idx"))
            ops = [int(v) for v in row.pop("op_idx_list").split()]
            row.pop("ops")
            records.append({"id": "fbnet-%04d" % idx, "index": idx, "config": ops,
                            "latency": {k: float(v) for k, v in row.items()}})
    elif space == "ofa":
        with gzip.open(os.path.join(SOURCE_DIR, "ofa_latency.jsonl.gz"), "rt") as f:
            for line in f:
                row = json.loads(line)
                config = {"ks": row["ks"], "e": row["e"], "d": row["d"], "r": row["r"]}
                records.append({"id": "ofa-%04d" % row["idx"], "index": row["idx"], "config": config,
                                "latency": row["latency_ms"]})
    else:
        raise ValueError("unknown space %r (expected one of %s)" % (space, ", ".join(SPACES)))
    records.sort(key=lambda r: r["index"])
    return records
