"""OFA MobileNetV3 space (ofa_mbv3_d234_e346_k357), static subnet, width 1.2 by default (spec §3.2).

Spec: search-spaces.md §3. A config is {ks[20], e[20], d[5], r}: slot 4*(stage-1)+(j-1) runs iff j <= d[stage];
inactive slots' ks/e are ignored. Fixed layers: stem 3x3/2 + BN + h-swish, first block (dw 3x3 + BN + ReLU, 1x1 + BN,
identity residual), final expand 1x1 + BN + h-swish, global mean (W then H), feature mix 1x1 (no BN) + h-swish,
Linear -> 1000. h-swish / h-sigmoid are OFA's own modules (Add/Clip/Mul/Div in ONNX), not the ONNX HardSwish op.
"""
import torch
import torch.nn.functional as F
from torch import nn

KERNELS = (3, 5, 7)
EXPANSIONS = (3, 4, 6)
DEPTHS = (2, 3, 4)
RESOLUTIONS = tuple(range(128, 225, 4))
BASE_WIDTHS = (16, 16, 24, 40, 80, 112, 160, 960, 1280)
STAGE_STRIDES = (2, 2, 2, 1, 2)
STAGE_ACTS = ("relu", "relu", "h_swish", "h_swish", "h_swish")
STAGE_SE = (False, True, False, True, True)
NUM_CLASSES = 1000


def make_divisible(v, divisor=8):
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def widths(width_mult):
    return [make_divisible(w * width_mult) for w in BASE_WIDTHS]


class HSwish(nn.Module):
    def forward(self, x):
        return x * F.relu6(x + 3.0) / 6.0


class HSigmoid(nn.Module):
    def forward(self, x):
        return F.relu6(x + 3.0) / 6.0


def activation(name):
    return nn.ReLU(inplace=True) if name == "relu" else HSwish()


class SE(nn.Module):
    def __init__(self, channels):
        super().__init__()
        mid = make_divisible(channels // 4)
        self.fc = nn.Sequential(nn.Conv2d(channels, mid, 1, bias=True), nn.ReLU(inplace=True),
                                nn.Conv2d(mid, channels, 1, bias=True), HSigmoid())

    def forward(self, x):
        y = x.mean(3, keepdim=True).mean(2, keepdim=True)
        return x * self.fc(y)


class MBConv(nn.Module):
    def __init__(self, c_in, c_out, kernel, stride, expansion, act, use_se):
        super().__init__()
        layers = []
        mid = make_divisible(round(c_in * expansion)) if expansion != 1 else c_in
        if expansion != 1:
            layers += [nn.Conv2d(c_in, mid, 1, bias=False), nn.BatchNorm2d(mid), activation(act)]
        layers += [nn.Conv2d(mid, mid, kernel, stride, kernel // 2, groups=mid, bias=False), nn.BatchNorm2d(mid),
                   activation(act)]
        if use_se:
            layers.append(SE(mid))
        layers += [nn.Conv2d(mid, c_out, 1, bias=False), nn.BatchNorm2d(c_out)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and c_in == c_out

    def forward(self, x):
        y = self.body(x)
        return y + x if self.residual else y


def parse_config(config):
    try:
        ks, e, d, r = list(config["ks"]), list(config["e"]), list(config["d"]), int(config["r"])
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError("OFA config needs ks[20], e[20], d[5], r: %r (%s)" % (config, err))
    if len(ks) != 20 or len(e) != 20 or len(d) != 5:
        raise ValueError("OFA config lengths must be ks 20, e 20, d 5: %r" % (config,))
    if any(v not in DEPTHS for v in d) or not 32 <= r <= 1024:
        raise ValueError("OFA config has depth outside %r or resolution %d outside 32..1024" % (DEPTHS, r))
    for stage in range(5):
        for j in range(d[stage]):
            slot = 4 * stage + j
            if ks[slot] not in KERNELS or e[slot] not in EXPANSIONS:
                raise ValueError("OFA config slot %d: kernel %r / expansion %r not in %r / %r"
                                 % (slot, ks[slot], e[slot], KERNELS, EXPANSIONS))
    return ks, e, d, r


class OFAMobileNetV3(nn.Module):
    def __init__(self, config, width_mult=1.2):
        super().__init__()
        ks, e, d, _ = parse_config(config)
        w = widths(width_mult)
        self.first_conv = nn.Sequential(nn.Conv2d(3, w[0], 3, 2, 1, bias=False), nn.BatchNorm2d(w[0]), HSwish())
        blocks = [MBConv(w[0], w[1], 3, 1, 1, "relu", False)]
        c_in = w[1]
        for stage in range(5):
            c_out = w[2 + stage]
            for j in range(d[stage]):
                slot = 4 * stage + j
                blocks.append(MBConv(c_in, c_out, ks[slot], STAGE_STRIDES[stage] if j == 0 else 1, e[slot],
                                     STAGE_ACTS[stage], STAGE_SE[stage]))
                c_in = c_out
        self.blocks = nn.Sequential(*blocks)
        self.final_expand = nn.Sequential(nn.Conv2d(c_in, w[7], 1, bias=False), nn.BatchNorm2d(w[7]), HSwish())
        self.feature_mix = nn.Sequential(nn.Conv2d(w[7], w[8], 1, bias=False), HSwish())
        self.classifier = nn.Linear(w[8], NUM_CLASSES)

    def forward(self, x):
        x = self.final_expand(self.blocks(self.first_conv(x)))
        x = x.mean(3, keepdim=True).mean(2, keepdim=True)
        x = self.feature_mix(x)
        return self.classifier(x.view(x.size(0), -1))


def build(config, width_mult=1.2):
    r = parse_config(config)[3]
    return OFAMobileNetV3(config, width_mult), (1, 3, r, r)
