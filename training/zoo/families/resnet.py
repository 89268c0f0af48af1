"""ResNet / ResNeXt: basic or bottleneck blocks, four stages, drawn depths, widths, groups and kernels."""
from torch import nn

from training.zoo.blocks import Classifier, ConvBNAct

RANGES = {
    "resolution": "96-224 step 16",
    "block": "basic | bottleneck",
    "stem_width": "32, 48, 64",
    "stem_kernel": "3, 5, 7 (stride 2, then 3x3 max-pool stride 2)",
    "depths": "4 stages, each 1-4 (bottleneck stage 3: 1-6)",
    "base_width": "basic 32-80 step 16; bottleneck 16-64 step 16 (stage i width = base * 2^i, output x4)",
    "groups": "bottleneck 1, 2, 4, 8 (ResNeXt); basic 1",
    "kernel": "3 or 5 per stage",
}


def sample(rng):
    block = rng.choice(["basic", "bottleneck"])
    depths = [rng.randint(1, 4), rng.randint(1, 4), rng.randint(1, 6 if block == "bottleneck" else 4),
              rng.randint(1, 4)]
    return {
        "resolution": rng.randrange(96, 225, 16),
        "block": block,
        "stem_width": rng.choice([32, 48, 64]),
        "stem_kernel": rng.choice([3, 5, 7]),
        "depths": depths,
        "base_width": rng.choice([32, 48, 64, 80] if block == "basic" else [16, 32, 48, 64]),
        "groups": rng.choice([1, 2, 4, 8]) if block == "bottleneck" else 1,
        "kernels": [rng.choice([3, 5]) for _ in range(4)],
    }


class Basic(nn.Module):
    def __init__(self, cin, width, stride, kernel, groups):
        super().__init__()
        self.body = nn.Sequential(ConvBNAct(cin, width, kernel, stride), ConvBNAct(width, width, kernel, act=None))
        self.short = None if stride == 1 and cin == width else ConvBNAct(cin, width, 1, stride, act=None)
        self.act = nn.ReLU()
        self.out_channels = width

    def forward(self, x):
        return self.act(self.body(x) + (x if self.short is None else self.short(x)))


class Bottleneck(nn.Module):
    def __init__(self, cin, width, stride, kernel, groups):
        super().__init__()
        out = width * 4
        self.body = nn.Sequential(ConvBNAct(cin, width, 1), ConvBNAct(width, width, kernel, stride, groups=groups),
                                  ConvBNAct(width, out, 1, act=None))
        self.short = None if stride == 1 and cin == out else ConvBNAct(cin, out, 1, stride, act=None)
        self.act = nn.ReLU()
        self.out_channels = out

    def forward(self, x):
        return self.act(self.body(x) + (x if self.short is None else self.short(x)))


def build(c):
    block = Basic if c["block"] == "basic" else Bottleneck
    layers = [ConvBNAct(3, c["stem_width"], c["stem_kernel"], 2), nn.MaxPool2d(3, 2, 1)]
    cin = c["stem_width"]
    for stage, depth in enumerate(c["depths"]):
        for i in range(depth):
            b = block(cin, c["base_width"] * 2 ** stage, 2 if (i == 0 and stage > 0) else 1, c["kernels"][stage],
                      c["groups"])
            layers.append(b)
            cin = b.out_channels
    layers.append(Classifier(cin, 1000))
    return nn.Sequential(*layers)
