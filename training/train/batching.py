"""Training batches: as one disjoint graph in the edge form (what V2 and NNLP train on), or padded dense (the
global-attention ablation, and the dense-path tests); and node-count buckets.

Dense batches: graphs are padded to the largest node count of their batch; random batches would pad to about 2.2x the real
nodes (recipe), so training batches are cut from the graphs sorted by node count. The sort key gets a little
seeded jitter each epoch, so batch composition still changes between epochs, and the batch order is shuffled.
"""
import numpy as np
import torch

INPUTS = {"v2": ("features", "static"), "nnlp": ("nnlp_features", "static_raw")}


def dense_adjacency(edges, n):
    """Symmetric 0/1 adjacency without self-loops (spec §1.6); duplicate edges count once."""
    a = np.zeros((n, n), dtype=np.float32)
    if len(edges):
        a[edges[:, 0], edges[:, 1]] = 1.0
        a[edges[:, 1], edges[:, 0]] = 1.0
        np.fill_diagonal(a, 0.0)
    return a


def collate(data, indices, kind="v2", targets=None):
    """tokens [B,N,F], adjacency [B,N,N], node_mask [B,N], static [B,S] (+ targets [B]) as torch tensors."""
    token_name, static_name = INPUTS[kind]
    rows = getattr(data, token_name)
    counts = data.node_counts[indices]
    n = int(counts.max())
    b = len(indices)
    tokens = np.zeros((b, n, rows.shape[1]), dtype=np.float32)
    adjacency = np.zeros((b, n, n), dtype=np.float32)
    mask = np.zeros((b, n), dtype=np.float32)
    for i, g in enumerate(indices):
        k = counts[i]
        tokens[i, :k] = rows[data.node_offsets[g]:data.node_offsets[g + 1]]
        adjacency[i, :k, :k] = dense_adjacency(data.graph_edges(g), k)
        mask[i, :k] = 1.0
    static = getattr(data, static_name)[indices]
    out = [torch.from_numpy(tokens), torch.from_numpy(adjacency), torch.from_numpy(mask), torch.from_numpy(static)]
    if targets is not None:
        out.append(torch.from_numpy(np.asarray(targets[indices], dtype=np.float32)))
    return out


def collate_edges(data, indices, kind="v2", targets=None):
    """The batch as one disjoint graph (model/edges.py): tokens [sum N, F], src and dst [sum E] int64 (each graph's
    edge form, offset by its first vertex), graph [sum N] int64 (each vertex's position in the batch), static
    [B,S] (+ targets [B]) as torch tensors. No padding: the cost is O(E d) whatever the batch's largest graph."""
    token_name, static_name = INPUTS[kind]
    rows = getattr(data, token_name)
    tokens, src, dst, graph = [], [], [], []
    first = 0
    for i, g in enumerate(indices):
        n = int(data.node_counts[g])
        s, d = data.graph_edge_list(g)
        tokens.append(rows[data.node_offsets[g]:data.node_offsets[g + 1]])
        src.append(s + first)
        dst.append(d + first)
        graph.append(np.full(n, i, dtype=np.int64))
        first += n
    static = getattr(data, static_name)[indices]
    out = [torch.from_numpy(np.concatenate(tokens).astype(np.float32, copy=False)),
           torch.from_numpy(np.concatenate(src)), torch.from_numpy(np.concatenate(dst)),
           torch.from_numpy(np.concatenate(graph)), torch.from_numpy(np.ascontiguousarray(static))]
    if targets is not None:
        out.append(torch.from_numpy(np.asarray(targets[indices], dtype=np.float32)))
    return out


def bucketed_batches(node_counts, indices, batch_size, rng=None):
    """Lists of graph indices, each batch of similar node counts. With `rng`: jittered sort, shuffled order
    (training); without: a deterministic sort (evaluation)."""
    indices = np.asarray(indices)
    counts = node_counts[indices].astype(np.float64)
    if rng is not None:
        counts = counts * rng.uniform(0.9, 1.1, size=len(counts))
    order = indices[np.argsort(counts, kind="stable")]
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if rng is not None:
        rng.shuffle(batches)
    return batches
