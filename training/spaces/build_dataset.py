"""Rebuilds every architecture of one HELP table as graph-only ONNX and writes datasets/help-<space>/.

    /usr/bin/python3 training/spaces/build_dataset.py --space nb201|fbnet|ofa [--out DIR] [--workers 2]
                                                       [--per-shard 250] [--limit N]

Resumable: samples.jsonl lists only models whose shard is on disk, so a rerun skips them and starts a new shard.
labels.jsonl.gz is rewritten (atomically) after every shard from samples.jsonl, so the three files always agree.
Layout: datasets/README.md; label file format: the data set README.
"""
import argparse
import gzip
import json
import multiprocessing
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "common"))

import platforms  # noqa: E402
import sources  # noqa: E402
from graph_pack import ShardWriter, strip_weights  # noqa: E402

BUILDER_VERSION = "help-spaces/1"
DESCRIPTIONS = {
    "nb201": "NAS-Bench-201 cells (CIFAR-10 'infer.tiny' network, C=16, N=5, 1x3x32x32) with HELP's latencies "
             "on 27 device/batch settings",
    "fbnet": "FBNet-space networks as HW-NAS-Bench built them for CIFAR-100 (22 layers, 1x3x32x32) with HELP's "
             "latencies on 27 device/batch settings",
    "ofa": "OFA MobileNetV3 (w1.2) static subnetworks at their input resolution r with HELP's latencies on 4 GPUs "
           "x 3 batch sizes",
}


def build_network(space, config):
    """(module, input shape) of one architecture."""
    if space == "nb201":
        import nb201
        return nb201.build(config)
    if space == "fbnet":
        import fbnet
        return fbnet.build(config)
    import ofa
    return ofa.build(config)


def export_graph(space, config):
    """Graph-only ONNX bytes plus the sample's counted facts (one call per worker task)."""
    import onnx
    import export
    module, shape = build_network(space, config)
    data, macs, params = export.export_counted(module, shape)
    graph = strip_weights(onnx.load_from_string(data)).SerializeToString()
    facts = {"macs": macs, "params": params, "inputShape": list(shape)}
    if space == "nb201":
        import nb201
        facts["outputConnected"] = nb201.output_connected(config)
    return graph, facts


def _worker_init():
    import torch
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")


def _worker(task):
    space, record = task
    graph, facts = export_graph(space, record["config"])
    return record["id"], graph, facts


def dataset_json(space, records):
    seen, plats = set(), []
    for column in records[0]["latency"]:
        record, _ = platforms.platform_for(column, space)
        if record["id"] not in seen:
            seen.add(record["id"])
            plats.append(record)
    plats.sort(key=lambda p: p["id"])
    import onnx
    import torch
    import export
    exporter = {"torch": torch.__version__, "onnx": onnx.__version__, "opset": export.OPSET,
                "route": "torch.onnx.export, eval mode, TrainingMode.EVAL, constant folding; weights stripped "
                         "by training/common/graph_pack.py"}
    return {"name": "help-%s" % space, "description": DESCRIPTIONS[space], "builderVersion": BUILDER_VERSION,
            "batchSizes": sorted({p["batch"] for p in plats}), "families": [space], "graphBatch": 1,
            "exporter": exporter, "platforms": plats}


def read_samples(path):
    """Rows of an existing samples.jsonl; a malformed line stops the build with its file and line number."""
    if not os.path.exists(path):
        return []
    rows = []
    with open(path) as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                row["id"], row["shard"]  # noqa: B018 (both are needed to resume)
            except (ValueError, KeyError, TypeError) as err:
                raise SystemExit("%s:%d: not a sample row (%s); fix or remove the line, then rerun" % (path, number, err))
            rows.append(row)
    return rows


def write_labels(out, space, records, samples):
    """labels.jsonl.gz: one {id, platform, latencyMs, batch} row per labelled (sample, platform), sample order."""
    by_id = {r["id"]: r for r in records}
    tmp = os.path.join(out, "labels.jsonl.gz.tmp")
    with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as f:
        for sample in samples:
            for column, ms in sorted(by_id[sample["id"]]["latency"].items()):
                record, batch = platforms.platform_for(column, space)
                if ms is None or ms != ms:  # NaN: not labelled
                    continue
                row = {"id": sample["id"], "platform": record["id"], "latencyMs": float("%.6g" % ms), "batch": batch}
                f.write((json.dumps(row, separators=(",", ":")) + "\n").encode())
    os.replace(tmp, os.path.join(out, "labels.jsonl.gz"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--space", required=True, choices=sources.SPACES)
    parser.add_argument("--out")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--per-shard", type=int, default=250)
    parser.add_argument("--limit", type=int, default=0, help="stop after this many samples in total (0 = all)")
    args = parser.parse_args(argv)
    space = args.space
    out = args.out or os.path.join(HERE, "..", "..", "datasets", "help-%s" % space)
    os.makedirs(out, exist_ok=True)
    records = sources.load(space)
    with open(os.path.join(out, "dataset.json"), "w") as f:
        json.dump(dataset_json(space, records), f, indent=2)
        f.write("\n")

    samples_path = os.path.join(out, "samples.jsonl")
    samples = read_samples(samples_path)
    done = {s["id"] for s in samples}
    first_shard = max((s["shard"] for s in samples), default=-1) + 1
    todo = [r for r in records if r["id"] not in done]
    if args.limit:
        todo = todo[:max(0, args.limit - len(samples))]
    print("%s: %d done, %d to build from shard %d" % (space, len(samples), len(todo), first_shard), flush=True)
    if not todo:
        write_labels(out, space, records, samples)
        return 0

    by_id = {r["id"]: r for r in records}
    facts = {}
    writer = ShardWriter(os.path.join(out, "graphs"), per_shard=args.per_shard, first_shard=first_shard)

    def commit_flushed():
        new = writer.flushed[commit_flushed.count:]
        commit_flushed.count = len(writer.flushed)
        if not new:
            return
        with open(samples_path, "a") as f:
            for shard, index, sid in new:
                record = by_id[sid]
                row = {"id": sid, "family": space, "config": record["config"], "batch": 1, "shard": shard,
                       "index": index}
                row.update(facts.pop(sid))
                samples.append(row)
                f.write(json.dumps(row, separators=(",", ":")) + "\n")
        write_labels(out, space, records, samples)
        print("%s: %d samples on disk (shard %d)" % (space, len(samples), new[-1][0]), flush=True)
    commit_flushed.count = 0

    tasks = [(space, r) for r in todo]
    with multiprocessing.Pool(args.workers, initializer=_worker_init) as pool:
        for sid, graph, sample_facts in pool.imap(_worker, tasks, chunksize=4):
            facts[sid] = sample_facts
            writer.add(sid, graph)
            commit_flushed()
    writer.close()
    commit_flushed()
    return 0


if __name__ == "__main__":
    sys.exit(main())
