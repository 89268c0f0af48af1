"""MnasNet (A1 skeleton): separable-conv first block, then MBConv stages with ReLU, per-stage kernel,
expansion and optional squeeze-excite."""
from torch import nn

from training.zoo.blocks import Classifier, ConvBNAct, InvertedResidual, make_divisible

# (channels, stride, published repeats) after the stem and the 16-channel separable conv
STAGES = [(24, 2, 2), (40, 2, 3), (80, 2, 4), (112, 1, 2), (160, 2, 3), (320, 1, 1)]
RANGES = {
    "resolution": "96-224 step 16",
    "width_mult": "0.5, 0.75, 1.0, 1.3",
    "depths": "per stage published repeats -1 .. +1 (at least 1)",
    "kernels": "per stage 3 or 5",
    "expansions": "per stage 3 or 6",
    "se": "per stage: squeeze-excite (ratio 0.25, sigmoid) with probability 0.5",
}


def sample(rng):
    return {
        "resolution": rng.randrange(96, 225, 16),
        "width_mult": rng.choice([0.5, 0.75, 1.0, 1.3]),
        "depths": [max(1, n + rng.randint(-1, 1)) for _, _, n in STAGES],
        "kernels": [rng.choice([3, 5]) for _ in STAGES],
        "expansions": [rng.choice([3, 6]) for _ in STAGES],
        "se": [rng.random() < 0.5 for _ in STAGES],
    }


def build(c):
    w = lambda ch: make_divisible(ch * c["width_mult"])
    stem, first = w(32), w(16)
    layers = [ConvBNAct(3, stem, 3, 2), ConvBNAct(stem, stem, 3, groups=stem), ConvBNAct(stem, first, 1, act=None)]
    cin = first
    for s, (channels, stride, _) in enumerate(STAGES):
        for i in range(c["depths"][s]):
            cout = w(channels)
            layers.append(InvertedResidual(cin, cout, c["kernels"][s], stride if i == 0 else 1, c["expansions"][s],
                                           act="relu", se_ratio=0.25 if c["se"][s] else 0.0))
            cin = cout
    layers += [ConvBNAct(cin, 1280, 1), nn.Dropout(0.2), Classifier(1280, 1000)]
    return nn.Sequential(*layers)
