"""MobileNetV3 (large skeleton): hard-swish, hard-sigmoid squeeze-excite, per-block kernel and expansion."""
from torch import nn

from training.zoo.blocks import ACTIVATIONS, ConvBNAct, InvertedResidual, make_divisible

# (channels, stride, activation, published repeats, squeeze-excite in the published network)
STAGES = [(16, 1, "relu", 1, False), (24, 2, "relu", 2, False), (40, 2, "relu", 3, True),
          (80, 2, "hswish", 4, False), (112, 1, "hswish", 2, True), (160, 2, "hswish", 3, True)]
RANGES = {
    "resolution": "96-224 step 16",
    "width_mult": "0.5, 0.75, 1.0, 1.25",
    "depths": "per stage 1 .. published repeats + 1",
    "kernels": "per block 3, 5 or 7",
    "expansions": "per block 3, 4 or 6 (first stage 1)",
    "se": "per stage: squeeze-excite (ratio 0.25, hard-sigmoid) with probability 0.5",
}


def sample(rng):
    depths = [rng.randint(1, n + 1) for _, _, _, n, _ in STAGES]
    return {
        "resolution": rng.randrange(96, 225, 16),
        "width_mult": rng.choice([0.5, 0.75, 1.0, 1.25]),
        "depths": depths,
        "kernels": [[rng.choice([3, 5, 7]) for _ in range(d)] for d in depths],
        "expansions": [[1 if s == 0 else rng.choice([3, 4, 6]) for _ in range(d)] for s, d in enumerate(depths)],
        "se": [rng.random() < 0.5 for _ in STAGES],
    }


def build(c):
    w = lambda ch: make_divisible(ch * c["width_mult"])
    layers, cin = [ConvBNAct(3, 16, 3, 2, act="hswish")], 16
    for s, (channels, stride, act, _, _) in enumerate(STAGES):
        for i in range(c["depths"][s]):
            cout = w(channels)
            layers.append(InvertedResidual(cin, cout, c["kernels"][s][i], stride if i == 0 else 1,
                                           c["expansions"][s][i], act=act, se_ratio=0.25 if c["se"][s] else 0.0,
                                           se_gate="hsigmoid"))
            cin = cout
    last = cin * 6
    layers += [ConvBNAct(cin, last, 1, act="hswish"), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(last, 1280),
               ACTIVATIONS["hswish"](), nn.Dropout(0.2), nn.Linear(1280, 1000)]
    return nn.Sequential(*layers)
