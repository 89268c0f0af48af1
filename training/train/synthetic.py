"""Writes a small synthetic training-tensor folder (the training/README.md layout) for tests and smoke runs.

Graphs are random DAGs (a chain plus random skip edges) with one-hot op types, sinusoid-like attribute values and
a latency that depends on the graph (per-op costs, node count, "GFLOPs"), so that a few training steps can
measurably reduce the loss. Nothing here claims to resemble real networks.

    python3 -m training.train.synthetic --out DIR [--graphs 120] [--seed 0]
"""
import argparse
import json
import os

import numpy as np

FEATURE_DIM = 152
NNLP_DIM = 44
STATIC_DIM = 40


def _static_pe(values):
    """A 10-dim sinusoid per value, in the spirit of spec §3 (exact constants do not matter for tests)."""
    freqs = 2.0 ** np.arange(5)
    out = []
    for v in values:
        out.extend(np.ravel(np.stack([np.sin(v * freqs), np.cos(v * freqs)], axis=1)))
    return np.array(out, dtype=np.float32)


def make_folder(out, graphs=120, seed=0, families=("alpha", "beta", "gamma"), platforms=("synthetic-a", "synthetic-b"),
                min_nodes=4, max_nodes=40):
    rng = np.random.default_rng(seed)
    op_cost = rng.uniform(0.01, 0.2, size=32)
    feats, nnlp, edges, node_off, edge_off = [], [], [], [0], [0]
    static, static_raw, latency, ids, fams = [], [], [], [], []
    for g in range(graphs):
        family = families[g % len(families)]
        fi = families.index(family)
        n = int(rng.integers(min_nodes, max_nodes + 1))
        ops = rng.integers(0, 32, size=n)
        f = np.zeros((n, FEATURE_DIM), dtype=np.float32)
        f[np.arange(n), ops] = 1.0
        f[:, 32:] = np.sin(rng.uniform(0, 6, size=(n, FEATURE_DIM - 32))).astype(np.float32)
        q = np.zeros((n, NNLP_DIM), dtype=np.float32)
        q[np.arange(n), ops] = 1.0
        q[:, 32:] = rng.normal(0, 0.3, size=(n, NNLP_DIM - 32))
        e = [(i, i + 1) for i in range(n - 1)]
        e += [(int(a), int(a + rng.integers(2, 5))) for a in rng.integers(0, n, size=n // 3) if a + 4 < n]
        e = np.array(e, dtype=np.int32).reshape(-1, 2)
        gflops = float(rng.uniform(0.05, 4.0) * (1 + fi))
        gparams, gmacs = gflops * 0.01, gflops * 0.02
        base = op_cost[ops].sum() * (1.0 + 0.3 * fi) + 0.4 * gflops
        lat = [base, 1.7 * base + 0.05 * n]
        if rng.uniform() < 0.2:
            lat[1] = np.nan
        feats.append(f); nnlp.append(q); edges.append(e)
        node_off.append(node_off[-1] + n); edge_off.append(edge_off[-1] + len(e))
        static.append(_static_pe([1, gflops, gparams, gmacs]))
        static_raw.append([1.0, gflops, gparams, gmacs])
        latency.append(lat[:len(platforms)])
        ids.append("%s-%04d" % (family, g)); fams.append(family)
    os.makedirs(out, exist_ok=True)
    np.save(os.path.join(out, "features.npy"), np.concatenate(feats))
    np.save(os.path.join(out, "nnlp_features.npy"), np.concatenate(nnlp))
    np.save(os.path.join(out, "node_offsets.npy"), np.array(node_off, dtype=np.int64))
    np.save(os.path.join(out, "edges.npy"), np.concatenate(edges).astype(np.int32))
    np.save(os.path.join(out, "edge_offsets.npy"), np.array(edge_off, dtype=np.int64))
    np.save(os.path.join(out, "static.npy"), np.stack(static).astype(np.float32))
    np.save(os.path.join(out, "static_raw.npy"), np.array(static_raw, dtype=np.float32))
    np.save(os.path.join(out, "latency.npy"), np.array(latency, dtype=np.float32))
    meta = {"dataset": "synthetic", "mode": "reference", "vocabularyVersion": "synthetic-0",
            "featureDim": FEATURE_DIM, "nnlpFeatureDim": NNLP_DIM, "ids": ids, "families": fams,
            "batch": [1] * graphs, "platforms": list(platforms)}
    with open(os.path.join(out, "meta.json"), "w", encoding="utf-8") as fh:
        json.dump(meta, fh)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--graphs", type=int, default=120)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(make_folder(args.out, args.graphs, args.seed))


if __name__ == "__main__":
    main()
