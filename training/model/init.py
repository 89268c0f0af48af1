"""Parameter initialisation of the reference implementation (spec §4.4).

The reference applies its "thomas" init to every torch.nn.Linear of the head and the static branch, while the
attention linears (PyG Linear in the reference) keep PyTorch's default. We mark the latter by building them from
`GraphLinear`, a plain subclass, so that `thomas_init` can tell them apart without a list of names.
"""
import math

import torch
from torch import nn


class GraphLinear(nn.Linear):
    """A Linear that keeps PyTorch's default init (kaiming-uniform a=sqrt(5), bias U(+-1/sqrt(fan_in)))."""


def thomas_init(module):
    """Weight ~ U(+-1/sqrt(fan_in)); bias ~ U(+-1/sqrt(out_features)) (the reference uses the bias's own size)."""
    for m in module.modules():
        if type(m) is nn.Linear:  # exact type: GraphLinear keeps its default init
            bound = 1.0 / math.sqrt(m.weight.shape[1])
            nn.init.uniform_(m.weight, -bound, bound)
            if m.bias is not None:
                bias_bound = 1.0 / math.sqrt(m.bias.shape[-1])
                nn.init.uniform_(m.bias, -bias_bound, bias_bound)


def group_linear_init(weight, bias):
    """Xavier-uniform over the 3-D (groups, in/g, out/g) tensor with PyTorch's fans; zero bias."""
    nn.init.xavier_uniform_(weight)
    with torch.no_grad():
        bias.zero_()
