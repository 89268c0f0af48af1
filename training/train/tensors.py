"""Reads and validates a training-tensor folder (contract in training/README.md; written by the TypeScript
tokenizer, never by Python).

Every file is checked against meta.json and against the others before training starts, so that a truncated or
mismatched folder stops with a message naming the file and the problem instead of a shape error mid-epoch.
"""
import json
import os

import numpy as np

from ..model.edges import symmetric_edges

REQUIRED = ("meta.json", "features.npy", "nnlp_features.npy", "node_offsets.npy", "edges.npy",
            "edge_offsets.npy", "static.npy", "static_raw.npy", "latency.npy")


class TensorFolderError(ValueError):
    pass


def _load(folder, name, mmap=False):
    path = os.path.join(folder, name)
    try:
        # The token rows can be GBs (15 000 graphs x 150 vertices x 152 floats = 1.4 GB): map them, do not copy.
        return np.load(path, allow_pickle=False, mmap_mode="r" if mmap else None)
    except (OSError, ValueError) as err:
        raise TensorFolderError("%s: cannot read %s (%s)" % (folder, name, err)) from None


def _check_offsets(folder, name, offsets, graphs, rows):
    if offsets.ndim != 1 or len(offsets) != graphs + 1:
        raise TensorFolderError("%s: %s must have G+1 = %d entries, has shape %s"
                                % (folder, name, graphs + 1, offsets.shape))
    if offsets[0] != 0 or offsets[-1] != rows or np.any(np.diff(offsets) < 0):
        raise TensorFolderError("%s: %s must rise from 0 to %d without going down" % (folder, name, rows))


def _float32_rows(folder, name):
    rows = _load(folder, name, mmap=True)
    if rows.dtype != np.float32:
        raise TensorFolderError("%s: %s has dtype %s, the contract says float32" % (folder, name, rows.dtype))
    return rows


def _all_finite(arr, chunk=1 << 20):
    flat = arr.reshape(-1)
    return all(np.isfinite(flat[i:i + chunk]).all() for i in range(0, len(flat), chunk))


class TensorFolder:
    """All graphs of one data set in one tokenizer mode. Index graphs with 0..G-1."""

    def __init__(self, folder):
        self.folder = folder
        self._edge_lists = {}
        if not os.path.isdir(folder):
            raise TensorFolderError("%s: not a folder (expected a training-tensor folder, see training/README.md)"
                                    % folder)
        missing = [n for n in REQUIRED if not os.path.exists(os.path.join(folder, n))]
        if missing:
            raise TensorFolderError("%s: missing %s" % (folder, ", ".join(missing)))
        try:
            with open(os.path.join(folder, "meta.json"), encoding="utf-8") as f:
                self.meta = json.load(f)
        except (OSError, ValueError) as err:
            raise TensorFolderError("%s: meta.json is not valid JSON (%s)" % (folder, err)) from None
        for key in ("dataset", "mode", "vocabularyVersion", "featureDim", "nnlpFeatureDim", "ids", "families",
                    "platforms"):
            if key not in self.meta:
                raise TensorFolderError("%s: meta.json lacks %r" % (folder, key))
        self.ids = list(self.meta["ids"])
        self.families = list(self.meta["families"])
        self.platforms = list(self.meta["platforms"])
        g = len(self.ids)
        if len(self.families) != g:
            raise TensorFolderError("%s: meta.json has %d ids but %d families" % (folder, g, len(self.families)))

        self.features = _float32_rows(folder, "features.npy")
        self.nnlp_features = _float32_rows(folder, "nnlp_features.npy")
        self.node_offsets = _load(folder, "node_offsets.npy").astype(np.int64, copy=False)
        self.edges = _load(folder, "edges.npy").astype(np.int64, copy=False)
        self.edge_offsets = _load(folder, "edge_offsets.npy").astype(np.int64, copy=False)
        self.static = _load(folder, "static.npy").astype(np.float32, copy=False)
        self.static_raw = _load(folder, "static_raw.npy").astype(np.float32, copy=False)
        self.latency = _load(folder, "latency.npy").astype(np.float32, copy=False)
        if self.latency.ndim == 1:
            self.latency = self.latency[:, None]
        self._validate(g)
        self.node_counts = np.diff(self.node_offsets)

    def _validate(self, g):
        folder, m = self.folder, self.meta
        if self.features.ndim != 2 or self.features.shape[1] != m["featureDim"]:
            raise TensorFolderError("%s: features.npy has shape %s, meta says featureDim %s"
                                    % (folder, self.features.shape, m["featureDim"]))
        rows = self.features.shape[0]
        if self.nnlp_features.shape != (rows, m["nnlpFeatureDim"]):
            raise TensorFolderError("%s: nnlp_features.npy has shape %s, expected (%d, %s)"
                                    % (folder, self.nnlp_features.shape, rows, m["nnlpFeatureDim"]))
        _check_offsets(folder, "node_offsets.npy", self.node_offsets, g, rows)
        if self.edges.ndim != 2 or self.edges.shape[1] != 2:
            raise TensorFolderError("%s: edges.npy must be [E, 2], has shape %s" % (folder, self.edges.shape))
        _check_offsets(folder, "edge_offsets.npy", self.edge_offsets, g, len(self.edges))
        sizes = np.repeat(np.diff(self.node_offsets), np.diff(self.edge_offsets))
        if len(self.edges) and (self.edges.min() < 0 or np.any(self.edges.max(axis=1) >= sizes)):
            bad = int(np.argmax((self.edges.max(axis=1) >= sizes) | (self.edges.min(axis=1) < 0)))
            graph = int(np.searchsorted(self.edge_offsets, bad, side="right") - 1)
            raise TensorFolderError("%s: edge %d of graph %d (%s) points outside its %d vertices"
                                    % (folder, bad, graph, self.ids[graph], sizes[bad]))
        if np.any(np.diff(self.node_offsets) == 0):
            graph = int(np.argmax(np.diff(self.node_offsets) == 0))
            raise TensorFolderError("%s: graph %d (%s) has no vertices" % (folder, graph, self.ids[graph]))
        for name, arr, width in (("static.npy", self.static, None), ("static_raw.npy", self.static_raw, 4),
                                 ("latency.npy", self.latency, len(self.platforms))):
            if arr.ndim != 2 or arr.shape[0] != g or (width is not None and arr.shape[1] != width):
                raise TensorFolderError("%s: %s has shape %s, expected (%d, %s)"
                                        % (folder, name, arr.shape, g, width if width is not None else "S"))
        for name, arr in (("features.npy", self.features), ("nnlp_features.npy", self.nnlp_features),
                          ("static.npy", self.static), ("static_raw.npy", self.static_raw)):
            if not _all_finite(arr):
                raise TensorFolderError("%s: %s contains NaN or infinite values" % (folder, name))
        labelled = self.latency[np.isfinite(self.latency)]
        if np.any(labelled <= 0):
            raise TensorFolderError("%s: latency.npy has non-positive latencies" % folder)

    @property
    def graph_count(self):
        return len(self.ids)

    def platform_column(self, platform):
        if platform not in self.platforms:
            raise TensorFolderError("%s: no platform %r (has: %s)" % (self.folder, platform, ", ".join(self.platforms)))
        return self.platforms.index(platform)

    def labelled(self, platform):
        """Indices of the graphs with a latency for `platform`, and that latency column."""
        column = self.latency[:, self.platform_column(platform)]
        return np.flatnonzero(np.isfinite(column)), column

    def graph_edges(self, g):
        return self.edges[self.edge_offsets[g]:self.edge_offsets[g + 1]]

    def graph_edge_list(self, g):
        """(src, dst) int64: graph g's edges in the models' edge form (model/edges.py symmetric_edges), computed
        once per graph (training asks for every graph every epoch)."""
        if g not in self._edge_lists:
            self._edge_lists[g] = symmetric_edges(self.graph_edges(g))
        return self._edge_lists[g]

    def graph_tokens(self, g, kind="v2"):
        rows = self.features if kind == "v2" else self.nnlp_features
        return rows[self.node_offsets[g]:self.node_offsets[g + 1]]
