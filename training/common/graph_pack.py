"""Graph-only ONNX and the shard files of datasets/<name>/graphs/ (layout in datasets/README.md).

A graph-only model keeps every initializer's name, type and dims but drops the payload of large tensors, so a
network of millions of weights costs a few kilobytes. Small integer tensors (Reshape targets, Slice bounds, axes)
and tiny float tensors (Resize scales) keep their values, because shape inference needs them.
A shard is a gzip stream of records: uint32 little-endian byte length, then the ModelProto bytes.
"""
import gzip
import os
import struct

import onnx
from onnx import TensorProto

KEEP_VALUES_MAX_ELEMENTS = 64
_INTEGER_TYPES = {TensorProto.INT64, TensorProto.INT32, TensorProto.INT16, TensorProto.INT8,
                  TensorProto.UINT8, TensorProto.UINT16, TensorProto.UINT32, TensorProto.UINT64, TensorProto.BOOL}


def _element_count(tensor):
    count = 1
    for d in tensor.dims:
        count *= d
    return count


def _strip_tensor(tensor):
    small = _element_count(tensor) <= KEEP_VALUES_MAX_ELEMENTS
    if small or (tensor.data_type in _INTEGER_TYPES and _element_count(tensor) <= 4096):
        return
    for field in ("raw_data", "float_data", "double_data", "int32_data", "int64_data", "uint64_data"):
        tensor.ClearField(field)


def _strip_graph(graph):
    for tensor in graph.initializer:
        _strip_tensor(tensor)
    for node in graph.node:
        for attr in node.attribute:
            if attr.HasField("t"):
                _strip_tensor(attr.t)
            for t in attr.tensors:
                _strip_tensor(t)
            if attr.HasField("g"):
                _strip_graph(attr.g)
            for g in attr.graphs:
                _strip_graph(g)


def strip_weights(model):
    """Returns a graph-only copy of `model` (an onnx.ModelProto); the original is left untouched."""
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    _strip_graph(copy.graph)
    return copy


class ShardWriter:
    """Appends graph-only models to graphs/shard-NNN.bin.gz, `per_shard` models per shard.

    Shards are written whole on `close()` or when full, so an interrupted run leaves no half-written shard:
    the caller records (shard, index) only for models whose shard has been flushed (see `flushed`).
    """

    def __init__(self, directory, per_shard=1000, first_shard=0):
        self.directory = directory
        self.per_shard = per_shard
        self.shard = first_shard
        self.pending = []
        self.flushed = []  # (shard, index, key) of every model written to disk so far
        os.makedirs(directory, exist_ok=True)

    def shard_path(self, shard):
        return os.path.join(self.directory, "shard-%03d.bin.gz" % shard)

    def add(self, key, model_bytes):
        self.pending.append((key, model_bytes))
        if len(self.pending) >= self.per_shard:
            self.flush()

    def flush(self):
        if not self.pending:
            return
        tmp = self.shard_path(self.shard) + ".tmp"
        # mtime=0: byte-identical output for identical input.
        with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as out:
            for key, data in self.pending:
                out.write(struct.pack("<I", len(data)))
                out.write(data)
        os.replace(tmp, self.shard_path(self.shard))
        for index, (key, _) in enumerate(self.pending):
            self.flushed.append((self.shard, index, key))
        self.pending = []
        self.shard += 1

    def close(self):
        self.flush()


def read_shard(path):
    """Yields the ModelProto bytes of each record of a shard, in order."""
    with gzip.open(path, "rb") as f:
        while True:
            head = f.read(4)
            if not head:
                return
            if len(head) < 4:
                raise ValueError("%s: truncated record header" % path)
            (length,) = struct.unpack("<I", head)
            data = f.read(length)
            if len(data) != length:
                raise ValueError("%s: truncated record of %d bytes" % (path, length))
            yield data
