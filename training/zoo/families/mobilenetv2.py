"""MobileNetV2: inverted residuals with ReLU6, drawn width multiplier, per-stage depth, expansion and kernel."""
from torch import nn

from training.zoo.blocks import Classifier, ConvBNAct, InvertedResidual, make_divisible

# (expansion, channels, repeats, stride) of the published network
BASE = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
RANGES = {
    "resolution": "96-224 step 16",
    "width_mult": "0.35, 0.5, 0.75, 1.0, 1.25, 1.4",
    "depths": "per stage published repeats -1 .. +1 (at least 1)",
    "expansions": "stage 1: 1; others 3, 4 or 6",
    "kernels": "per stage 3, 5 or 7",
}


def sample(rng):
    return {
        "resolution": rng.randrange(96, 225, 16),
        "width_mult": rng.choice([0.35, 0.5, 0.75, 1.0, 1.25, 1.4]),
        "depths": [max(1, n + rng.randint(-1, 1)) for _, _, n, _ in BASE],
        "expansions": [1] + [rng.choice([3, 4, 6]) for _ in BASE[1:]],
        "kernels": [rng.choice([3, 5, 7]) for _ in BASE],
    }


def build(c):
    w = lambda ch: make_divisible(ch * c["width_mult"])
    stem = w(32)
    layers, cin = [ConvBNAct(3, stem, 3, 2, act="relu6")], stem
    for (_, channels, _, stride), depth, expansion, kernel in zip(BASE, c["depths"], c["expansions"], c["kernels"]):
        for i in range(depth):
            cout = w(channels)
            layers.append(InvertedResidual(cin, cout, kernel, stride if i == 0 else 1, expansion, act="relu6"))
            cin = cout
    head = make_divisible(1280 * max(1.0, c["width_mult"]))
    layers += [ConvBNAct(cin, head, 1, act="relu6"), nn.Dropout(0.2), Classifier(head, 1000)]
    return nn.Sequential(*layers)
