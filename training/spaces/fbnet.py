"""FBNet space as HW-NAS-Bench's FBNet_Infer built it for CIFAR-100 (the variant HELP's FBNet table measured).

Spec: search-spaces.md §2. 22 searchable layers, 9 block choices (op index 0..8), stem 3x3 conv 16 ch + BN + ReLU,
head 1x1 conv 352->1504 + BN + ReLU, global pool, Linear 1504->100, input 1x3x32x32.
"""
import torch
from torch import nn

# op index -> (name, expansion, kernel, groups); index 8 is skip. Order of HELP's op_idx_list / HWNB's table.
BLOCKS = (
    ("k3_e1", 1, 3, 1), ("k3_e1_g2", 1, 3, 2), ("k3_e3", 3, 3, 1), ("k3_e6", 6, 3, 1),
    ("k5_e1", 1, 5, 1), ("k5_e1_g2", 1, 5, 2), ("k5_e3", 3, 5, 1), ("k5_e6", 6, 5, 1),
    ("skip", None, None, None),
)
BLOCK_NAMES = tuple(b[0] for b in BLOCKS)
STAGE_CHANNELS = (16, 24, 32, 64, 112, 184, 352)
STAGE_LAYERS = (1, 4, 4, 4, 4, 4, 1)
STAGE_STRIDES_CIFAR = (1, 1, 2, 2, 1, 2, 1)
STEM_CHANNELS = 16
HEAD_CHANNELS = 1504
NUM_CLASSES = 100
NUM_LAYERS = sum(STAGE_LAYERS)


def layer_plan():
    """[(c_in, c_out, stride)] for the 22 searchable layers (spec §2.3)."""
    plan, c_in = [], STEM_CHANNELS
    for c_out, layers, stride in zip(STAGE_CHANNELS, STAGE_LAYERS, STAGE_STRIDES_CIFAR):
        for i in range(layers):
            plan.append((c_in, c_out, stride if i == 0 else 1))
            c_in = c_out
    return plan


class ChannelShuffle(nn.Module):
    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, x):
        n, c, h, w = x.size()
        x = x.view(n, self.groups, c // self.groups, h, w).transpose(1, 2).contiguous()
        return x.view(n, c, h, w)


class ConvBlock(nn.Module):
    """1x1 (groups g) + BN + ReLU [+ shuffle], kxk depthwise + BN + ReLU, 1x1 (groups g) + BN, residual if shapes
    match. The first 1x1 exists even at e = 1 (unlike MobileNetV2)."""

    def __init__(self, c_in, c_out, expansion, kernel, stride, groups):
        super().__init__()
        mid = c_in * expansion
        padding = (kernel - 1 + 1 - stride + 1) // 2  # ceil((k - 1 + 1 - s) / 2): 1 for k3, 2 for k5
        layers = [nn.Conv2d(c_in, mid, 1, groups=groups, bias=False), nn.BatchNorm2d(mid), nn.ReLU(inplace=True)]
        if groups > 1:
            layers.append(ChannelShuffle(groups))
        layers += [nn.Conv2d(mid, mid, kernel, stride, padding, groups=mid, bias=False), nn.BatchNorm2d(mid),
                   nn.ReLU(inplace=True),
                   nn.Conv2d(mid, c_out, 1, groups=groups, bias=False), nn.BatchNorm2d(c_out)]
        self.body = nn.Sequential(*layers)
        self.residual = c_in == c_out and stride == 1

    def forward(self, x):
        y = self.body(x)
        return y + x if self.residual else y


class Skip(nn.Module):
    """Identity when shapes match, else 1x1 conv (stride s) + BN + ReLU: a real layer, not a zero op."""

    def __init__(self, c_in, c_out, stride):
        super().__init__()
        if c_in == c_out and stride == 1:
            self.body = nn.Identity()
        else:
            self.body = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out),
                                      nn.ReLU(inplace=True))

    def forward(self, x):
        return self.body(x)


def parse_ops(op_idx_list):
    ops = [int(v) for v in op_idx_list]
    if len(ops) != NUM_LAYERS or any(not 0 <= v < len(BLOCKS) for v in ops):
        raise ValueError("FBNet arch must be %d op indices in 0..%d, got %r" % (NUM_LAYERS, len(BLOCKS) - 1, op_idx_list))
    return ops


class FBNetCifar(nn.Module):
    def __init__(self, op_idx_list):
        super().__init__()
        ops = parse_ops(op_idx_list)
        self.stem = nn.Sequential(nn.Conv2d(3, STEM_CHANNELS, 3, 1, 1, bias=False), nn.BatchNorm2d(STEM_CHANNELS),
                                  nn.ReLU(inplace=True))
        layers = []
        for op, (c_in, c_out, stride) in zip(ops, layer_plan()):
            name, expansion, kernel, groups = BLOCKS[op]
            layers.append(Skip(c_in, c_out, stride) if name == "skip"
                          else ConvBlock(c_in, c_out, expansion, kernel, stride, groups))
        self.layers = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Conv2d(STAGE_CHANNELS[-1], HEAD_CHANNELS, 1, bias=False),
                                  nn.BatchNorm2d(HEAD_CHANNELS), nn.ReLU(inplace=True))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(HEAD_CHANNELS, NUM_CLASSES)

    def forward(self, x):
        x = self.head(self.layers(self.stem(x)))
        x = self.pool(x)
        return self.fc(x.view(x.size(0), -1))


def build(op_idx_list):
    return FBNetCifar(op_idx_list), (1, 3, 32, 32)
