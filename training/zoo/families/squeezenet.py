"""SqueezeNet: fire modules (1x1 squeeze, parallel 1x1 / 3x3 expand, concat), v1.0 or v1.1 stem, drawn widths,
number of fire modules, pooling positions and simple bypasses."""
import torch
from torch import nn

RANGES = {
    "resolution": "96-224 step 16",
    "stem": "v1.0 (7x7, 96 ch) | v1.1 (3x3, 64 ch), stride 2",
    "fires": "6-10 fire modules",
    "squeeze": "first fire 8, 16, 24 or 32 channels, +squeeze_step every 2 fires (step 8 or 16)",
    "expand_ratio": "expand channels = squeeze x 2, 4 or 8",
    "pct_3x3": "0.25, 0.5, 0.75 of the expand channels are 3x3",
    "pools": "max-pool after the stem and after 2 of the fire modules",
    "bypass": "identity shortcut around fires with equal in/out channels, probability 0.5 (per network)",
}


def sample(rng):
    fires = rng.randint(6, 10)
    return {
        "resolution": rng.randrange(96, 225, 16),
        "stem": rng.choice(["v1.0", "v1.1"]),
        "fires": fires,
        "squeeze": rng.choice([8, 16, 24, 32]),
        "squeeze_step": rng.choice([8, 16]),
        "expand_ratio": rng.choice([2, 4, 8]),
        "pct_3x3": rng.choice([0.25, 0.5, 0.75]),
        "pools_after": sorted(rng.sample(range(fires - 1), 2)),
        "bypass": rng.random() < 0.5,
    }


class Fire(nn.Module):
    def __init__(self, cin, squeeze, e1, e3, bypass):
        super().__init__()
        self.squeeze = nn.Sequential(nn.Conv2d(cin, squeeze, 1), nn.ReLU())
        self.e1 = nn.Sequential(nn.Conv2d(squeeze, e1, 1), nn.ReLU())
        self.e3 = nn.Sequential(nn.Conv2d(squeeze, e3, 3, padding=1), nn.ReLU())
        self.bypass = bypass and cin == e1 + e3

    def forward(self, x):
        s = self.squeeze(x)
        y = torch.cat([self.e1(s), self.e3(s)], 1)
        return x + y if self.bypass else y


def build(c):
    stem_width, kernel = (96, 7) if c["stem"] == "v1.0" else (64, 3)
    layers = [nn.Conv2d(3, stem_width, kernel, 2), nn.ReLU(), nn.MaxPool2d(3, 2, ceil_mode=True)]
    cin = stem_width
    for i in range(c["fires"]):
        squeeze = c["squeeze"] + c["squeeze_step"] * (i // 2)
        expand = squeeze * c["expand_ratio"]
        e3 = int(expand * c["pct_3x3"])
        layers.append(Fire(cin, squeeze, expand - e3, e3, c["bypass"]))
        cin = expand
        if i in c["pools_after"]:
            layers.append(nn.MaxPool2d(3, 2, ceil_mode=True))
    layers += [nn.Dropout(0.5), nn.Conv2d(cin, 1000, 1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    return nn.Sequential(*layers)
