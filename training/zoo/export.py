"""Builds one zoo sample (family, seed) → config → module → checked ONNX → graph-only ONNX bytes."""
import random

import onnx
import torch

from training.common import onnx_export
from training.common.graph_pack import strip_weights
from training.zoo.families import FAMILIES

OPSET = 17  # first opset with LayerNormalization as one op (ViT, ConvNeXt); ORT ≥ 1.13 runs it
# Configs whose multiply-accumulates exceed this are redrawn (same rng, so still reproducible from the seed):
# it keeps a 1-thread CPU label under ~1 s per model (create + 39 runs) for almost all samples.
MAX_MACS = 1.5e9
MAX_DRAWS = 50


def sample_rng(family, seed):
    """The rng that draws sample (family, seed): a string seed, so it is stable across Python versions."""
    return random.Random("cpu-zoo:%s:%d" % (family, seed))


def count_macs(module, input_shape):
    """Multiply-accumulates of Conv2d and Linear layers for one forward pass (attention matmuls not counted)."""
    total = [0]

    def on_conv(layer, inputs, output):
        total[0] += output.numel() * (layer.in_channels // layer.groups) * layer.kernel_size[0] * layer.kernel_size[1]

    def on_linear(layer, inputs, output):
        total[0] += output.numel() * layer.in_features

    hooks = onnx_export.hook_conv_linear(module, on_conv, on_linear)
    with torch.no_grad():
        module(torch.zeros(input_shape))
    for h in hooks:
        h.remove()
    return total[0]


def input_shape(config, batch=1):
    return (batch, 3, config["resolution"], config["resolution"])


def draw(family, seed):
    """Returns (config, module, macs) for a sample; redraws configs over the MAC budget."""
    spec = FAMILIES[family]
    rng = sample_rng(family, seed)
    for _ in range(MAX_DRAWS):
        config = spec.sample(rng)
        torch.manual_seed(seed)
        module = spec.build(config).eval()
        macs = count_macs(module, input_shape(config))
        if macs <= MAX_MACS:
            return config, module, macs
    raise RuntimeError("%s-%d: no config under %.1e MACs in %d draws" % (family, seed, MAX_MACS, MAX_DRAWS))


def export_onnx(module, config, batch=1):
    """The project's export route (training/common/onnx_export.py); returns the checked full ModelProto."""
    model = onnx.load_from_string(onnx_export.export_bytes(module, input_shape(config, batch), OPSET, "output"))
    onnx.checker.check_model(model)
    return model


def compact_names(model):
    """Renames values to short names (t0, t1, ...) and clears node names: names carry no latency information
    and were a third of a compressed graph-only model. Graph input/output names are kept."""
    graph = model.graph
    keep = {v.name for v in graph.input} | {v.name for v in graph.output}
    mapping = {}

    def short(name):
        if not name or name in keep:
            return name
        if name not in mapping:
            mapping[name] = "t%d" % len(mapping)
        return mapping[name]

    for tensor in graph.initializer:
        tensor.name = short(tensor.name)
    for node in graph.node:
        node.name = ""
        node.doc_string = ""
        for i, name in enumerate(node.input):
            node.input[i] = short(name)
        for i, name in enumerate(node.output):
            node.output[i] = short(name)
    del graph.value_info[:]  # the exporter's inferred shapes: our shape inference and ORT recompute them
    graph.doc_string = ""
    model.doc_string = ""
    return model


_FLOAT_TYPES = {onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.FLOAT16, onnx.TensorProto.BFLOAT16}
# Ops whose constant inputs decide output shapes: their float inputs (Resize scales, ...) keep their values.
_SHAPE_OPS = {"Resize", "Upsample", "Reshape", "Slice", "Pad", "Expand", "Tile", "ConstantOfShape", "Range"}


def drop_float_payloads(model):
    """Drops the values of float initializers with more than one element that feed no shape-deciding op.

    graph_pack keeps tiny float tensors (<= 64 elements); in the zoo those are folded biases and norm scales:
    random bytes that gzip cannot shrink and that latency does not depend on (the labeller fills them with
    random values again). Scalars stay: they are cheap and keep constants such as NB201's "multiply by 0" exact.
    """
    graph = model.graph
    shape_inputs = {name for node in graph.node if node.op_type in _SHAPE_OPS for name in node.input}
    for tensor in graph.initializer:
        count = 1
        for d in tensor.dims:
            count *= d
        if tensor.data_type in _FLOAT_TYPES and count > 1 and tensor.name not in shape_inputs:
            for field in ("raw_data", "float_data", "double_data", "int32_data"):
                tensor.ClearField(field)
    return model


def build_sample(family, seed, batch=1, config=None):
    """Everything the generator stores for one sample: config, MACs and the graph-only model bytes.
    With `config` (from samples.jsonl) the network is rebuilt from it instead of drawn from the seed."""
    if config is None:
        config, module, macs = draw(family, seed)
    else:
        torch.manual_seed(seed)
        module = FAMILIES[family].build(config).eval()
        macs = count_macs(module, input_shape(config))
    model = export_onnx(module, config, batch)
    graph_only = compact_names(drop_float_payloads(strip_weights(model)))
    return {"config": config, "macs": macs, "graph": graph_only.SerializeToString(), "full": model}
