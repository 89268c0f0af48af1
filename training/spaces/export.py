"""Deterministic PyTorch -> ONNX export of a rebuilt network, and its conv/linear MAC and parameter counts.

Export follows the route users' files take: eval mode, torch.onnx.export with its defaults (TrainingMode.EVAL,
constant folding, so BatchNorm after a Conv is folded into it), opset 13, static batch 1.
"""
import os
import sys

import torch

# The space scripts run as plain scripts (training/spaces on sys.path), so the shared code comes in the same way.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import onnx_export  # noqa: E402

OPSET = 13


def deterministic_init(module):
    """Fills every float parameter and buffer with its own constant.

    Why not the default random init: (1) graph files must be byte-identical across rebuilds; (2) graph_pack keeps
    the values of tensors of <= 64 elements (e.g. folded conv biases), and random floats would not compress;
    (3) torch.onnx.export merges equal initializers behind Identity nodes, which the default BN init (folded
    biases all zero) triggers and trained networks never do — a distinct constant per tensor avoids that artefact.
    BN running variances stay positive (1 + small offset) so folding is well defined.
    """
    tensors = [t for _, t in module.named_parameters()] + [t for _, t in module.named_buffers()]
    with torch.no_grad():
        for i, t in enumerate(tensors):
            if t.is_floating_point():
                t.fill_(1.0 + 1e-3 * (i + 1))
    return module


def export_bytes(module, input_shape):
    """ModelProto bytes of `module` exported at `input_shape` (input 'input', output 'logits')."""
    module.eval()
    deterministic_init(module)
    return onnx_export.export_bytes(module, input_shape, OPSET, "logits")


def _mac_hooks(module, linear_bias_flops):
    """Registers hooks that record each Conv2d / Linear module's MACs on every forward (overwriting, so a
    module run twice by the exporter is still counted once); returns (per-module dict, hook handles)."""
    per_module = {}

    def conv_hook(m, _inputs, out):
        kh, kw = m.kernel_size
        per_module[m] = (m.in_channels // m.groups) * kh * kw * m.out_channels * int(out.shape[2]) * int(out.shape[3])

    def linear_hook(m, _inputs, _out):
        per_module[m] = m.in_features * m.out_features + (
            m.out_features if linear_bias_flops and m.bias is not None else 0)

    return per_module, onnx_export.hook_conv_linear(module, conv_hook, linear_hook)


def count_macs_params(module, input_shape, linear_bias_flops=False):
    """(MACs, params) of the network as built (every module, dead ones included), from one plain forward.

    MACs = sum over Conv2d of (C_in/groups)·k²·C_out·H_out·W_out (no bias term) plus Linear in·out — the OFA /
    HW-NAS-Bench convention; NB201's 'flops' also adds the Linear bias (`linear_bias_flops=True`).
    Params = all trainable parameters (BN running statistics are buffers, not counted), as every benchmark does.
    """
    per_module, handles = _mac_hooks(module, linear_bias_flops)
    module.eval()
    with torch.no_grad():
        module(torch.zeros(input_shape))
    for h in handles:
        h.remove()
    return sum(per_module.values()), sum(p.numel() for p in module.parameters())


def export_counted(module, input_shape):
    """(ONNX bytes, MACs, params) with the MACs recorded by hooks during the exporter's own trace: the same
    numbers as count_macs_params (verify_builders.py checks it) without a second forward pass."""
    per_module, handles = _mac_hooks(module, False)
    try:
        data = export_bytes(module, input_shape)
    finally:
        for h in handles:
            h.remove()
    return data, sum(per_module.values()), sum(p.numel() for p in module.parameters())
