"""VGG: five stages of 3x3 convs with max-pooling, optional BatchNorm, a two-layer classifier."""
from torch import nn

from training.zoo.blocks import ConvBNAct

RANGES = {
    "resolution": "64-192 step 32 (five 2x poolings)",
    "convs": "per stage 1-2, 1-2, 1-4, 1-4, 1-4 (VGG-11 ... VGG-19 and in between)",
    "base_width": "16, 24, 32, 48, 64 (stage widths base x 1, 2, 4, 8, 8)",
    "batch_norm": "true | false",
    "pool_out": "1 (global average) or the final map flattened when C*s*s <= 8192",
    "hidden": "256, 512, 1024, 2048 (two hidden layers)",
}


def sample(rng):
    resolution = rng.randrange(64, 193, 32)
    base = rng.choice([16, 24, 32, 48, 64])
    final = resolution // 32
    flatten_ok = base * 8 * final * final <= 8192
    return {
        "resolution": resolution,
        "convs": [rng.randint(1, 2), rng.randint(1, 2), rng.randint(1, 4), rng.randint(1, 4), rng.randint(1, 4)],
        "base_width": base,
        "batch_norm": rng.random() < 0.5,
        "pool_out": final if (flatten_ok and rng.random() < 0.5) else 1,
        "hidden": rng.choice([256, 512, 1024, 2048]),
    }


def build(c):
    layers, cin = [], 3
    for stage, count in enumerate(c["convs"]):
        width = c["base_width"] * min(2 ** stage, 8)
        for _ in range(count):
            layers.append(ConvBNAct(cin, width, 3, bn=c["batch_norm"], bias=True))
            cin = width
        layers.append(nn.MaxPool2d(2, 2))
    p = c["pool_out"]
    if p == 1:
        layers.append(nn.AdaptiveAvgPool2d(1))
    layers += [nn.Flatten(), nn.Linear(cin * p * p, c["hidden"]), nn.ReLU(), nn.Dropout(),
               nn.Linear(c["hidden"], c["hidden"]), nn.ReLU(), nn.Dropout(), nn.Linear(c["hidden"], 1000)]
    return nn.Sequential(*layers)
