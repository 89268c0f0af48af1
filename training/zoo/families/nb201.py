"""NAS-Bench-201 networks (32 px): the "infer.tiny" skeleton of the benchmark (stem, 3 stages of N cells,
ResNet reduction blocks) with a random cell, drawn width C and cells per stage N. C = 16, N = 5 is the
benchmark itself; the cell follows the benchmark's code (ReLU-Conv-BN ops, zero = multiply by 0, avg-pool
without padding in the count, node = sum of its incoming edges)."""
import torch
from torch import nn

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
RANGES = {
    "resolution": "32 (CIFAR)",
    "arch": "6 edges, each one of the 5 ops: all 15,625 cells",
    "C": "8, 16, 24, 32 (benchmark: 16)",
    "N": "3, 4, 5 (benchmark: 5)",
    "classes": "10",
}


def sample(rng):
    ops = [rng.choice(OPS) for _ in range(6)]
    arch = "|%s~0|+|%s~0|%s~1|+|%s~0|%s~1|%s~2|" % tuple(ops)
    return {"resolution": 32, "arch": arch, "C": rng.choice([8, 16, 24, 32]), "N": rng.choice([3, 4, 5]),
            "classes": 10}


def parse_arch(arch):
    """'|op~0|+|op~0|op~1|+|...|' → [[(op, source), ...] for node 1, 2, 3]."""
    nodes = []
    for group in arch.split("+"):
        edges = [e for e in group.split("|") if e]
        nodes.append([(e.split("~")[0], int(e.split("~")[1])) for e in edges])
    return nodes


class ReLUConvBN(nn.Sequential):
    def __init__(self, cin, cout, kernel, stride=1):
        super().__init__(nn.ReLU(), nn.Conv2d(cin, cout, kernel, stride, kernel // 2, bias=False), nn.BatchNorm2d(cout))


class Zero(nn.Module):
    def forward(self, x):
        return x * 0.0


def make_op(name, c):
    if name == "none":
        return Zero()
    if name == "skip_connect":
        return nn.Identity()
    if name == "nor_conv_1x1":
        return ReLUConvBN(c, c, 1)
    if name == "nor_conv_3x3":
        return ReLUConvBN(c, c, 3)
    return nn.AvgPool2d(3, 1, 1, count_include_pad=False)


class Cell(nn.Module):
    def __init__(self, arch, c):
        super().__init__()
        self.nodes = parse_arch(arch)
        self.edges = nn.ModuleList([make_op(op, c) for node in self.nodes for op, _ in node])

    def forward(self, x):
        states, k = [x], 0
        for node in self.nodes:
            terms = []
            for _, source in node:
                terms.append(self.edges[k](states[source]))
                k += 1
            states.append(sum(terms))
        return states[-1]


class Reduction(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.a = ReLUConvBN(cin, cout, 3, 2)
        self.b = ReLUConvBN(cout, cout, 3)
        self.short = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(cin, cout, 1, bias=False))

    def forward(self, x):
        return self.short(x) + self.b(self.a(x))


def build(c):
    C, N = c["C"], c["N"]
    layers = [nn.Conv2d(3, C, 3, padding=1, bias=False), nn.BatchNorm2d(C)]
    for stage, width in enumerate([C, 2 * C, 4 * C]):
        if stage > 0:
            layers.append(Reduction(width // 2, width))
        layers += [Cell(c["arch"], width) for _ in range(N)]
    layers += [nn.BatchNorm2d(4 * C), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4 * C, c["classes"])]
    return nn.Sequential(*layers)
