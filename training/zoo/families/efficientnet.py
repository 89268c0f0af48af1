"""EfficientNet: the B0 skeleton (MBConv + squeeze-excite + swish) with drawn width/depth multipliers and
per-stage kernels and expansion ratios."""
import math

from torch import nn

from training.zoo.blocks import Classifier, ConvBNAct, InvertedResidual, make_divisible

# B0 stages: (expansion, kernel, stride, channels, repeats)
B0 = [(1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3), (6, 5, 1, 112, 3), (6, 5, 2, 192, 4),
      (6, 3, 1, 320, 1)]
RANGES = {
    "resolution": "96-240 step 16",
    "width_mult": "0.5-1.4 step 0.1 (channels rounded to multiples of 8)",
    "depth_mult": "0.6-1.6 step 0.2 (repeats = ceil(B0 repeats x mult))",
    "kernels": "per stage 3, 5 or 7",
    "expansions": "stage 1: 1; others 3, 4 or 6",
    "se_ratio": "0.25 of the block input (B0)",
}


def sample(rng):
    return {
        "resolution": rng.randrange(96, 241, 16),
        "width_mult": round(rng.choice(range(5, 15)) / 10, 1),
        "depth_mult": round(rng.choice(range(6, 17, 2)) / 10, 1),
        "kernels": [rng.choice([3, 5, 7]) for _ in B0],
        "expansions": [1] + [rng.choice([3, 4, 6]) for _ in B0[1:]],
    }


def build(c):
    w = lambda ch: make_divisible(ch * c["width_mult"])
    stem = w(32)
    layers, cin = [ConvBNAct(3, stem, 3, 2, act="swish")], stem
    for (_, _, stride, channels, repeats), kernel, expansion in zip(B0, c["kernels"], c["expansions"]):
        for i in range(int(math.ceil(repeats * c["depth_mult"]))):
            cout = w(channels)
            layers.append(InvertedResidual(cin, cout, kernel, stride if i == 0 else 1, expansion, act="swish",
                                           se_ratio=0.25, se_base=cin, se_act="swish"))
            cin = cout
    head = w(1280)
    layers += [ConvBNAct(cin, head, 1, act="swish"), Classifier(head, 1000)]
    return nn.Sequential(*layers)
