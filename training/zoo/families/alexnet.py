"""AlexNet: a large-kernel strided stem, five convs with three max-pools, a two-hidden-layer classifier."""
import torch
from torch import nn

RANGES = {
    "resolution": "96-224 step 16",
    "conv1": "kernel 7, 9 or 11, stride 4, 32-96 channels step 16",
    "conv2": "kernel 3 or 5, 64-256 channels step 32",
    "conv3_5": "kernel 3, 96-384 channels step 32 each",
    "pool": "global average, or the final map flattened when C*s*s <= 9216",
    "hidden": "512, 1024, 2048, 4096",
}


def sample(rng):
    return {
        "resolution": rng.randrange(96, 225, 16),
        "kernel1": rng.choice([7, 9, 11]),
        "widths": [rng.randrange(32, 97, 16), rng.randrange(64, 257, 32)] +
                  [rng.randrange(96, 385, 32) for _ in range(3)],
        "kernel2": rng.choice([3, 5]),
        "flatten": rng.random() < 0.5,
        "hidden": rng.choice([512, 1024, 2048, 4096]),
    }


def build(c):
    w = c["widths"]
    features = nn.Sequential(
        nn.Conv2d(3, w[0], c["kernel1"], 4, c["kernel1"] // 2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(w[0], w[1], c["kernel2"], padding=c["kernel2"] // 2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(w[1], w[2], 3, padding=1), nn.ReLU(), nn.Conv2d(w[2], w[3], 3, padding=1), nn.ReLU(),
        nn.Conv2d(w[3], w[4], 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2))
    with torch.no_grad():  # the final map's side depends on the resolution: measure it
        side = features(torch.zeros(1, 3, c["resolution"], c["resolution"])).shape[-1]
    flatten = c["flatten"] and w[4] * side * side <= 9216
    head = [] if flatten else [nn.AdaptiveAvgPool2d(1)]
    inputs = w[4] * side * side if flatten else w[4]
    head += [nn.Flatten(), nn.Dropout(), nn.Linear(inputs, c["hidden"]), nn.ReLU(), nn.Dropout(),
             nn.Linear(c["hidden"], c["hidden"]), nn.ReLU(), nn.Linear(c["hidden"], 1000)]
    return nn.Sequential(features, *head)
