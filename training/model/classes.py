"""The vertex-class form of one graph: V2 computed once per class of vertices that every layer treats alike.

Real networks repeat the same layer many times, so many vertices receive the same numbers in every layer. Which
ones is decided by the graph alone (a Weisfeiler-Lehman refinement), not by the weights:
  class 0   vertices with the same token row and the same degree: the same gated input, the same phi, the same
            linears in layer 1;
  class l   vertices of the same class l-1 whose neighbours fall into the same classes l-1, with the same
            multiplicities: layer l's graph-aided attention aggregates the same rows for them, so its output is
            the same (the attention and its row sums run over a vertex's own edges only).
So layer l maps a table of K_{l-1} rows (one per class l-1) to a table of K_l rows, aggregating over the edges of
one representative vertex per class l, and the sum readout is the sum of the last table weighted by the class
sizes. A 2,587-vertex DenseNet-121 has 436 / 807 / 1,169 classes at levels 0 / 1 / 2 and 3,017 representative
edges at level 2 of its 5,286; inference no longer touches N-row or E-row tensors, and no `Unique` runs. The
numbers are those of `forward_edges` up to the order of float summation.

Inputs, for L layers (the ONNX "classes" form; src/core/predict/classes.ts builds the same arrays, numbered the
same way):
  tokens         [K0,F]  the token row of each class 0
  degree         [K0,1]  its degree (float)
  class_parent_l [K_l]   each class l's class l-1                                         (l = 1..L)
  class_src_l    [E_l]   class l of each edge of the representatives of the classes l     (l = 1..L)
  class_dst_l    [E_l]   class l-1 of the neighbour at its other end                      (l = 1..L)
  class_count    [K_L,1] vertices per class L (float)
Classes are numbered in the order of their first vertex; that vertex is the representative, and its edges are
listed in ascending order of the neighbour's index (symmetric_edges' order).
"""
import numpy as np

from .edges import symmetric_edges


def input_names(layers):
    """The ONNX input names of the class form for a model of `layers` layers, static last."""
    levels = [name % l for l in range(1, layers + 1) for name in ("class_parent_%d", "class_src_%d", "class_dst_%d")]
    return ["tokens", "degree"] + levels + ["class_count", "static"]


def _numbered(keys):
    """Class ids in the order of first appearance, and the first index of each class."""
    ids, first, out = {}, [], np.empty(len(keys), dtype=np.int64)
    for i, key in enumerate(keys):
        c = ids.get(key)
        if c is None:
            c = ids[key] = len(first)
            first.append(i)
        out[i] = c
    return out, np.asarray(first, dtype=np.int64)


def vertex_classes(tokens, edges, layers):
    """The class-form inputs (numpy, named as `input_names(layers)` without static) of a graph given by its
    token rows [N,F] (float32) and directed edges [E,2] (duplicates and self-loops allowed, as Tokens.edges)."""
    tokens = np.ascontiguousarray(tokens, dtype=np.float32)
    n = tokens.shape[0]
    src, dst = symmetric_edges(edges)
    degree = np.bincount(src, minlength=n)
    starts = np.searchsorted(src, np.arange(n + 1))  # src is sorted: vertex i's edges are starts[i]:starts[i+1]
    neighbours = [dst[starts[i]:starts[i + 1]] for i in range(n)]
    classes, first = _numbered([(tokens[i].tobytes(), int(degree[i])) for i in range(n)])
    out = {"tokens": tokens[first], "degree": degree[first].astype(np.float32).reshape(-1, 1)}
    for level in range(1, layers + 1):
        previous = classes
        classes, first = _numbered([(int(previous[i]), tuple(sorted(previous[neighbours[i]].tolist())))
                                    for i in range(n)])
        rep_edges = [neighbours[r] for r in first]
        out["class_parent_%d" % level] = previous[first]
        out["class_src_%d" % level] = np.repeat(np.arange(len(first), dtype=np.int64),
                                                [len(e) for e in rep_edges])
        out["class_dst_%d" % level] = (previous[np.concatenate(rep_edges)] if rep_edges
                                       else np.zeros(0, dtype=np.int64)).astype(np.int64)
    out["class_count"] = np.bincount(classes).astype(np.float32).reshape(-1, 1)
    return out
