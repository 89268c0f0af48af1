"""Vision Transformer: patch embedding (strided conv), class token, learned position embedding, pre-norm
encoder blocks (LayerNorm, multi-head self-attention with MatMul + Softmax, GELU MLP), class-token head."""
import torch
from torch import nn

RANGES = {
    "patch": "8, 16, 32",
    "grid": "4-14 patches per side (resolution = grid x patch, at most 256)",
    "dim": "96, 128, 192, 256, 320, 384",
    "head_dim": "32 or 64 (heads = dim / head_dim)",
    "depth": "2-12 blocks",
    "mlp_ratio": "2, 3, 4",
}


def sample(rng):
    patch = rng.choice([8, 16, 32])
    grid = rng.randint(4, min(14, 256 // patch))
    dim = rng.choice([96, 128, 192, 256, 320, 384])
    return {"resolution": grid * patch, "patch": patch, "dim": dim, "heads": dim // rng.choice([32, 64]),
            "depth": rng.randint(2, 12), "mlp_ratio": rng.choice([2, 3, 4])}


class Attention(nn.Module):
    def __init__(self, dim, heads, tokens):
        super().__init__()
        self.heads, self.tokens, self.head_dim = heads, tokens, dim // heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        # Python ints (not x.shape) so that the exported Reshape targets are constants.
        qkv = self.qkv(x).reshape(1, self.tokens, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = torch.softmax(torch.matmul(q, k.transpose(-2, -1)) * self.scale, dim=-1)
        out = torch.matmul(attn, v).transpose(1, 2).reshape(1, self.tokens, self.heads * self.head_dim)
        return self.proj(out)


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio, tokens):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads, tokens)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, dim * mlp_ratio), nn.GELU(), nn.Linear(dim * mlp_ratio, dim))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class ViT(nn.Module):
    def __init__(self, c):
        super().__init__()
        dim, grid = c["dim"], c["resolution"] // c["patch"]
        tokens = grid * grid + 1
        self.embed = nn.Conv2d(3, dim, c["patch"], c["patch"])
        self.cls = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        self.pos = nn.Parameter(torch.randn(1, tokens, dim) * 0.02)
        self.blocks = nn.Sequential(*[Block(dim, c["heads"], c["mlp_ratio"], tokens) for _ in range(c["depth"])])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, 1000)

    def forward(self, x):
        x = self.embed(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls, x], 1) + self.pos
        x = self.norm(self.blocks(x))
        return self.head(x[:, 0])


def build(c):
    return ViT(c)
