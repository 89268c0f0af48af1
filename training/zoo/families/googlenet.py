"""GoogLeNet (Inception v1 with BatchNorm): the published stem, three stages of inception modules with drawn
counts, branch widths and the kernel of the "5x5" branch."""
import torch
from torch import nn

from training.zoo.blocks import Classifier, ConvBNAct

# Published inception 3a: (1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool proj); later modules scale it.
BASE = (64, 96, 128, 16, 32, 32)
STAGE_SCALE = [1.0, 2.0, 3.0]
RANGES = {
    "resolution": "96-224 step 16",
    "width_mult": "0.25, 0.5, 0.75, 1.0 (stem and all branches)",
    "modules": "per stage 1-3, 2-6, 1-3 (published 2, 5, 2)",
    "branch_scale": "per module and branch 0.5, 0.75, 1.0, 1.5 (of the published 3a widths x stage scale 1, 2, 3)",
    "big_kernel": "per module 3 or 5 (torchvision uses 3, the paper 5)",
}


def sample(rng):
    modules = [rng.randint(1, 3), rng.randint(2, 6), rng.randint(1, 3)]
    return {
        "resolution": rng.randrange(96, 225, 16),
        "width_mult": rng.choice([0.25, 0.5, 0.75, 1.0]),
        "modules": modules,
        "branch_scale": [[[rng.choice([0.5, 0.75, 1.0, 1.5]) for _ in BASE] for _ in range(n)] for n in modules],
        "big_kernel": [[rng.choice([3, 5]) for _ in range(n)] for n in modules],
    }


class Inception(nn.Module):
    def __init__(self, cin, widths, big_kernel):
        super().__init__()
        b1, r3, b3, r5, b5, proj = widths
        self.b1 = ConvBNAct(cin, b1, 1)
        self.b2 = nn.Sequential(ConvBNAct(cin, r3, 1), ConvBNAct(r3, b3, 3))
        self.b3 = nn.Sequential(ConvBNAct(cin, r5, 1), ConvBNAct(r5, b5, big_kernel))
        self.b4 = nn.Sequential(nn.MaxPool2d(3, 1, 1), ConvBNAct(cin, proj, 1))
        self.out_channels = b1 + b3 + b5 + proj

    def forward(self, x):
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)


def build(c):
    m = c["width_mult"]
    ch = lambda v: max(8, int(round(v * m / 8)) * 8)
    layers = [ConvBNAct(3, ch(64), 7, 2), nn.MaxPool2d(3, 2, 1), ConvBNAct(ch(64), ch(64), 1),
              ConvBNAct(ch(64), ch(192), 3), nn.MaxPool2d(3, 2, 1)]
    cin = ch(192)
    for stage, count in enumerate(c["modules"]):
        for i in range(count):
            widths = [ch(b * STAGE_SCALE[stage] * s) for b, s in zip(BASE, c["branch_scale"][stage][i])]
            block = Inception(cin, widths, c["big_kernel"][stage][i])
            layers.append(block)
            cin = block.out_channels
        if stage < 2:
            layers.append(nn.MaxPool2d(3, 2, 1))
    layers += [nn.Dropout(0.2), Classifier(cin, 1000)]
    return nn.Sequential(*layers)
