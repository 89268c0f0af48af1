"""The one torch.onnx.export route of every ONNX file the project writes: zoo samples, rebuilt NAS-space networks
and the shipped predictors. Eval-time export with constant folding (so BatchNorm after a Conv folds into it), the
way users' files are exported; and the Conv2d / Linear forward hooks the MAC counters share.
"""
import inspect
import io

import torch
from torch import nn

# PyTorch >= 2.9 defaults torch.onnx.export to the dynamo exporter. Every committed graph and the predictor
# interface came from the TorchScript tracer (torch 1.13 and 2.x), so ask for it explicitly where the switch exists.
TRACER = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}


def export(module, example, target, opset, input_names, output_names, dynamic_axes=None, fold_constants=True,
           keep_batchnorm=False):
    """torch.onnx.export of `module` on `example` into `target` (a path or a binary buffer), without gradients.
    fold_constants=False keeps every parameter under its own name (onnxruntime folds the constant subgraphs when
    it opens the file, so the cost at inference is the same). keep_batchnorm=True exports an eval module without
    the eval-mode peephole, so each BatchNormalization stays a node of its own after its Conv, as the dynamo
    exporter and tf2onnx write them (onnxruntime fuses the pair when it opens the file)."""
    mode = {"training": torch.onnx.TrainingMode.PRESERVE} if keep_batchnorm else {}
    with torch.no_grad():
        torch.onnx.export(module, example, target, opset_version=opset, do_constant_folding=fold_constants,
                          input_names=input_names, output_names=output_names, dynamic_axes=dynamic_axes,
                          **mode, **TRACER)


def export_bytes(module, input_shape, opset, output_name, keep_batchnorm=False):
    """ModelProto bytes of an image network exported on zeros of `input_shape` (input 'input', one output)."""
    buffer = io.BytesIO()
    export(module, torch.zeros(input_shape), buffer, opset, ["input"], [output_name], keep_batchnorm=keep_batchnorm)
    return buffer.getvalue()


def hook_conv_linear(module, on_conv, on_linear):
    """Registers `on_conv` on every Conv2d and `on_linear` on every Linear of `module` as forward hooks
    (layer, inputs, output); returns the handles, which the caller removes."""
    handles = []
    for layer in module.modules():
        if isinstance(layer, nn.Conv2d):
            handles.append(layer.register_forward_hook(on_conv))
        elif isinstance(layer, nn.Linear):
            handles.append(layer.register_forward_hook(on_linear))
    return handles
