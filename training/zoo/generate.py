"""Generates the cpu-zoo data set: for each seed in a range and each family, draw a config, export it with
torch.onnx.export, check it, and append the graph-only model to datasets/<name>/graphs/ + samples.jsonl.

Resumable and extendable: ids already in samples.jsonl are skipped, so `--seeds 0:600` after an interruption
finishes the range and `--seeds 600:2000` extends it. Several processes may run on disjoint seed ranges: shard
numbers are claimed atomically (hard link) and samples.jsonl is appended under a file lock. A family's models
are buffered and written as a shard of `--per-shard` models (one family per shard compresses ~25% better);
a sample is recorded only after its shard is on disk, so an interrupted run loses nothing but buffered work.

    PYTHONPATH=. LD_PRELOAD=libtcmalloc_minimal.so.4 nice -n 10 /usr/bin/python3 -m training.zoo.generate \\
        --out datasets/cpu-zoo --seeds 0:600
"""
import argparse
import fcntl
import multiprocessing
import gzip
import json
import os
import struct
import sys
import time

import torch

from training.zoo.export import MAX_MACS, OPSET, build_sample
from training.zoo.families import FAMILIES

BUILDER_VERSION = "cpu-zoo-gen 1"
PLATFORM = {
    "id": "ort-cpu-x86-1t",
    "description": "onnxruntime (CPU execution provider) on an x86-64 CPU, one intra-op and one inter-op thread, "
                   "graphOptimizationLevel 'all', batch 1",
    "wholeNetwork": True,
    "source": "measured by `nar-lens dataset label` (src/server/measure/), protocol in datasets/cpu-zoo/README.md",
}


def dataset_json(name):
    return {
        "name": name,
        "description": "Randomly drawn variants of 12 architecture families (NNLQP-style zoo plus ViT and "
                       "ConvNeXt), exported with torch.onnx.export, latency measured with onnxruntime on CPU.",
        "builderVersion": BUILDER_VERSION,
        "batchSizes": [1],
        "families": list(FAMILIES),
        "platforms": [PLATFORM],
    }


def read_ids(samples_path):
    ids = set()
    if os.path.exists(samples_path):
        with open(samples_path) as f:
            for line in f:
                if line.strip():
                    ids.add(json.loads(line)["id"])
    return ids


class Output:
    """The data set folder: claims shard numbers and appends sample lines, safely across processes."""

    def __init__(self, root, per_shard):
        self.root = root
        self.graphs = os.path.join(root, "graphs")
        self.samples = os.path.join(root, "samples.jsonl")
        self.per_shard = per_shard
        os.makedirs(self.graphs, exist_ok=True)
        meta = os.path.join(root, "dataset.json")
        if not os.path.exists(meta):
            with open(meta, "w") as f:
                json.dump(dataset_json(os.path.basename(os.path.abspath(root))), f, indent=2)
                f.write("\n")

    def write_shard(self, records):
        """records: [(sample dict without shard/index, graph bytes)] → written shard number."""
        tmp = os.path.join(self.graphs, ".shard-%d.tmp" % os.getpid())
        with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as out:
            for _, data in records:
                out.write(struct.pack("<I", len(data)))
                out.write(data)
        number = 0
        while True:  # claim the lowest free number; link() fails if another process took it first
            try:
                os.link(tmp, os.path.join(self.graphs, "shard-%03d.bin.gz" % number))
                break
            except FileExistsError:
                number += 1
        os.unlink(tmp)
        with open(self.samples, "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            for index, (sample, _) in enumerate(records):
                f.write(json.dumps(dict(sample, shard=number, index=index), separators=(",", ":")) + "\n")
            f.flush()
            os.fsync(f.fileno())
            fcntl.flock(f, fcntl.LOCK_UN)
        return number


# torch.onnx.export (torch 1.13) keeps ~3 MB per export alive: builds run in a worker process that is replaced
# after this many models, so memory stays flat over thousands of exports.
MODELS_PER_WORKER = 100


def _build(task):
    seed, family = task
    try:
        sample = build_sample(family, seed)
        return seed, family, {k: sample[k] for k in ("config", "macs", "graph")}, None
    except Exception as err:  # a draw that cannot be exported is reported and skipped, never half-recorded
        return seed, family, None, "%s: %s" % (type(err).__name__, err)


def _init_worker():
    torch.set_num_threads(1)


def parse_range(text):
    start, _, end = text.partition(":")
    return range(int(start), int(end))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="data set folder, e.g. datasets/cpu-zoo")
    parser.add_argument("--seeds", required=True, type=parse_range, help="seed range START:END (END excluded)")
    parser.add_argument("--families", default="all", help="comma-separated family names, or 'all'")
    parser.add_argument("--per-shard", type=int, default=100)
    args = parser.parse_args(argv)
    families = list(FAMILIES) if args.families == "all" else args.families.split(",")
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        parser.error("unknown families %s (known: %s)" % (unknown, ", ".join(FAMILIES)))
    torch.set_num_threads(1)
    out = Output(args.out, args.per_shard)
    done = read_ids(out.samples)
    todo = [(s, f) for s in args.seeds for f in families if "%s-%d" % (f, s) not in done]
    print("generate: %d to build (%d already present)" % (len(todo), len(args.seeds) * len(families) - len(todo)),
          file=sys.stderr, flush=True)
    pending = {f: [] for f in families}
    built = failed = 0
    start = time.time()
    context = multiprocessing.get_context("fork")
    with context.Pool(1, initializer=_init_worker, maxtasksperchild=MODELS_PER_WORKER) as pool:
        for seed, family, sample, error in pool.imap(_build, todo):
            if error:
                failed += 1
                print("generate: %s-%d failed: %s" % (family, seed, error), file=sys.stderr, flush=True)
                continue
            record = {"id": "%s-%d" % (family, seed), "family": family, "seed": seed, "batch": 1,
                      "config": sample["config"], "macs": sample["macs"], "opset": OPSET}
            pending[family].append((record, sample["graph"]))
            built += 1
            if len(pending[family]) >= args.per_shard:
                number = out.write_shard(pending[family])
                pending[family] = []
                rate = built / (time.time() - start)
                print("generate: shard %03d (%s) written; %d/%d built, %.1f models/s, ETA %.0f min" %
                      (number, family, built, len(todo), rate, (len(todo) - built - failed) / rate / 60),
                      file=sys.stderr, flush=True)
    for family, records in pending.items():
        if records:
            out.write_shard(records)
    print("generate: done, %d built, %d failed, %.0f s (MAC cap %.1e)" % (built, failed, time.time() - start,
                                                                          MAX_MACS), file=sys.stderr, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
