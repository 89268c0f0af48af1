"""Edge-list form of the graph operations: one unpadded graph (inference and ONNX export), or a training batch
held as one disjoint graph (vertices concatenated, edges offset, `graph` naming each vertex's batch position).

The dense models multiply [N,N] matrices although the adjacency holds only E << N^2 ones, so a 2,500-vertex
graph costs O(N^2 d). Here the graph is `src`, `dst` int64 [E]: both directions of every undirected edge, no
self-loops, no duplicates - exactly the non-zero (row, column) pairs of the dense adjacency, so the degree of i
is the number of edges with src == i. Gathers (`index_select`) and row scatter-adds (`index_add`) compute the
same sums in O(E d); they export to ONNX opset 17 as Gather and ScatterND with reduction="add" (torch 1.13, 2.x).
"""
import numpy as np
import torch


def symmetric_edges(edges):
    """Directed edges [E,2] (any order, duplicates and self-loops allowed) -> (src, dst) int64 arrays holding
    both directions of every undirected edge once, self-loops dropped, sorted by (src, dst): the non-zero pairs
    of batching.dense_adjacency in row-major order."""
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    pairs = np.concatenate([edges, edges[:, ::-1]])
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pairs = np.unique(pairs, axis=0)  # sorts rows lexicographically
    return pairs[:, 0].copy(), pairs[:, 1].copy()


class _AddRows(torch.autograd.Function):
    """base + rows of `values` added at rows `src` (repeats accumulate): `index_add` in PyTorch, one ScatterND
    with reduction="add" in ONNX. The exporters map neither `index_add` nor an accumulating `index_put` to it
    (torch 1.13 turns the latter into ScatterND without reduction, wrong for repeated indices), and the
    alternative, scatter_add, becomes ScatterElements with an [E,d] int64 index that onnxruntime adds element by
    element, about a third of a large graph's inference time."""

    @staticmethod
    def forward(ctx, base, src, values):
        ctx.save_for_backward(src)
        return base.index_add(0, src, values)

    @staticmethod
    def backward(ctx, grad):
        (src,) = ctx.saved_tensors
        return grad, None, grad.index_select(0, src)

    @staticmethod
    def symbolic(g, base, src, values):
        rows = g.op("Unsqueeze", src, g.op("Constant", value_t=torch.tensor([1], dtype=torch.int64)))  # [E,1]
        return g.op("ScatterND", base, rows, values, reduction_s="add")


def sum_by_source(values, src, rows):
    """out[i] = sum of values[e] over the edges with src[e] == i; values [E,d] -> out [rows,d]."""
    return _AddRows.apply(values.new_zeros((rows, values.shape[1])), src, values)


def degree(x, src):
    """Vertex degrees [N,1] in x's dtype (the dense `adjacency.sum(-1, keepdim=True)`)."""
    ones = torch.ones_like(src, dtype=x.dtype).unsqueeze(1)
    return sum_by_source(ones, src, x.shape[0])


def graph_attention(x, phi, src, dst, scale, source_phi=None):
    """V2's graph-aided attention: score_e = (phi[src] . phi[dst]) * scale on the edges only (the dense scores are
    masked by A), rows normalised linearly: sum_e score_e x[dst] / (sum_e score_e + 1e-6), as the dense
    `scores / (scores.sum(-1) + 1e-6) @ x`. A vertex without edges aggregates to zero. With `source_phi` the two
    ends index different tables (the class form, model/classes.py): src rows of source_phi, which also sets the
    number of output rows, dst rows of phi and x."""
    source_phi = phi if source_phi is None else source_phi
    # The dot products as a MatMul with a column of ones, not a ReduceSum: onnxruntime's ReduceSum over an empty
    # [0,d] tensor (a graph without edges) returns [0,d] even with keepdims, which then fails to broadcast
    # against x when x is narrower than phi.
    products = source_phi.index_select(0, src) * phi.index_select(0, dst)                # [E,d]
    scores = products.matmul(products.new_ones(products.shape[1], 1)) * scale             # [E,1]
    rows = source_phi.shape[0]
    rowsum = sum_by_source(scores, src, rows)                                             # [rows,1]
    messages = x.index_select(0, dst) * scores                                            # [E,d]
    return sum_by_source(messages, src, rows) / (rowsum + 1e-6)


def distinct_rows(x, enabled=True):
    """(rows, spread): the distinct rows of x [N,d] (ONNX Unique(axis=0)) and the function that gathers per-row
    results back to the vertices, so per-vertex work done on `rows` is done once per distinct row. With
    enabled=False, rows is x itself and spread the identity: training, where torch.unique has no gradient and
    dropout makes equal rows differ anyway."""
    if not enabled:
        return x, lambda per_row: per_row
    rows, inverse = torch.unique(x, dim=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    return rows, lambda per_row: per_row.index_select(0, inverse)


def graph_sums(x, graph, graphs):
    """Sum readout of a batch held as one disjoint graph: out[b] = sum of x over the vertices with graph == b;
    graph=None means a single graph (out [1,d])."""
    if graph is None:
        return x.sum(0, keepdim=True)
    return sum_by_source(x, graph, graphs)


def neighbour_mean(x, src, dst):
    """GraphSAGE mean aggregation: the mean of x over each vertex's neighbours, zero for an isolated vertex
    (the dense `adjacency @ x / degree.clamp(min=1)`)."""
    total = sum_by_source(x.index_select(0, dst), src, x.shape[0])
    return total / degree(x, src).clamp(min=1.0)
