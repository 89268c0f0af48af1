"""ConvNeXt: patchify stem, four stages of blocks (depthwise kxk conv, channels-last LayerNorm, Linear
expansion, GELU, Linear, layer scale, residual), LayerNorm + 2x2 strided conv downsampling."""
import torch
from torch import nn

RANGES = {
    "resolution": "96-224 step 16",
    "depths": "per stage 1-3, 1-3, 1-9, 1-3 (ConvNeXt-T: 3, 3, 9, 3)",
    "base_dim": "32, 48, 64, 96 (stage dims base x 1, 2, 4, 8; ConvNeXt-T: 96)",
    "kernel": "3, 5, 7 (per stage)",
    "mlp_ratio": "2, 3, 4",
}


def sample(rng):
    return {
        "resolution": rng.randrange(96, 225, 16),
        "depths": [rng.randint(1, 3), rng.randint(1, 3), rng.randint(1, 9), rng.randint(1, 3)],
        "base_dim": rng.choice([32, 48, 64, 96]),
        "kernels": [rng.choice([3, 5, 7]) for _ in range(4)],
        "mlp_ratio": rng.choice([2, 3, 4]),
    }


class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over channels of an NCHW tensor, through channels-last (what ConvNeXt exports as)."""

    def forward(self, x):
        return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class Block(nn.Module):
    def __init__(self, dim, kernel, mlp_ratio):
        super().__init__()
        self.dw = nn.Conv2d(dim, dim, kernel, padding=kernel // 2, groups=dim)
        self.norm = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, dim * mlp_ratio)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(dim * mlp_ratio, dim)
        self.gamma = nn.Parameter(torch.full((dim,), 1e-6))

    def forward(self, x):
        y = self.dw(x).permute(0, 2, 3, 1)
        y = self.gamma * self.fc2(self.act(self.fc1(self.norm(y))))
        return x + y.permute(0, 3, 1, 2)


def build(c):
    dims = [c["base_dim"] * 2 ** i for i in range(4)]
    layers = [nn.Conv2d(3, dims[0], 4, 4), LayerNorm2d(dims[0])]
    for stage, depth in enumerate(c["depths"]):
        if stage > 0:
            layers += [LayerNorm2d(dims[stage - 1]), nn.Conv2d(dims[stage - 1], dims[stage], 2, 2)]
        layers += [Block(dims[stage], c["kernels"][stage], c["mlp_ratio"]) for _ in range(depth)]
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.LayerNorm(dims[-1]), nn.Linear(dims[-1], 1000)]
    return nn.Sequential(*layers)
