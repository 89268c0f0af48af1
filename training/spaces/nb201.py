"""NAS-Bench-201 'infer.tiny' network (C=16, N=5), as HELP / HW-NAS-Bench measured it.

Follows /spec/search-spaces.md §1: stem conv+BN (no ReLU), 3 stages of 5 searched cells at 16/32/64 channels with
ResNet basic reduction blocks between them, BN+ReLU, global pool, Linear. The cell is the arch string's DAG; a
`none` edge is the Zero op (input * 0.0) that the measured PyTorch network really executed, so it is kept.
"""
import torch
from torch import nn

OPS = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
STAGE_CHANNELS = (16, 32, 64)
CELLS_PER_STAGE = 5


def parse_arch(arch):
    """'|op~0|+|op~0|op~1|+|op~0|op~1|op~2|' -> [[(op, src)], [(op, src)]*2, [(op, src)]*3]; strict."""
    groups = arch.split("+")
    if len(groups) != 3:
        raise ValueError("NB201 arch %r: expected 3 '+'-separated node groups, got %d" % (arch, len(groups)))
    nodes = []
    for j, group in enumerate(groups, start=1):
        if not (group.startswith("|") and group.endswith("|")):
            raise ValueError("NB201 arch %r: group %r is not delimited by '|'" % (arch, group))
        edges = []
        for token in group[1:-1].split("|"):
            op, sep, src = token.partition("~")
            if op not in OPS or not sep or not src.isdigit():
                raise ValueError("NB201 arch %r: bad edge %r" % (arch, token))
            edges.append((op, int(src)))
        if sorted(src for _, src in edges) != list(range(j)):
            raise ValueError("NB201 arch %r: node %d must have one edge from each of nodes 0..%d" % (arch, j, j - 1))
        nodes.append(edges)
    return nodes


class ReLUConvBN(nn.Module):
    def __init__(self, c_in, c_out, kernel, stride, padding):
        super().__init__()
        self.op = nn.Sequential(nn.ReLU(inplace=False), nn.Conv2d(c_in, c_out, kernel, stride, padding, bias=False),
                                nn.BatchNorm2d(c_out))

    def forward(self, x):
        return self.op(x)


class Zero(nn.Module):
    def forward(self, x):
        return x.mul(0.0)


def make_op(name, channels):
    if name == "none":
        return Zero()
    if name == "skip_connect":
        return nn.Identity()
    if name == "nor_conv_1x1":
        return ReLUConvBN(channels, channels, 1, 1, 0)
    if name == "nor_conv_3x3":
        return ReLUConvBN(channels, channels, 3, 1, 1)
    if name == "avg_pool_3x3":
        return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
    raise ValueError("unknown NB201 op %r" % name)


class Cell(nn.Module):
    def __init__(self, nodes, channels):
        super().__init__()
        self.nodes = nodes
        self.edges = nn.ModuleList()  # in the order edge 0->1, 0->2, 1->2, 0->3, 1->3, 2->3
        for edges in nodes:
            for op, _ in edges:
                self.edges.append(make_op(op, channels))

    def forward(self, x):
        states = [x]
        k = 0
        for edges in self.nodes:
            # Python's sum() starts from int 0, exactly as the measured code did (a trivial Add in ONNX).
            terms = []
            for _, src in edges:
                terms.append(self.edges[k](states[src]))
                k += 1
            states.append(sum(terms))
        return states[-1]


class ResNetBasicBlock(nn.Module):
    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.conv_a = ReLUConvBN(c_in, c_out, 3, stride, 1)
        self.conv_b = ReLUConvBN(c_out, c_out, 3, 1, 1)
        self.downsample = nn.Sequential(nn.AvgPool2d(2, stride=2, padding=0),
                                        nn.Conv2d(c_in, c_out, 1, 1, 0, bias=False))

    def forward(self, x):
        return self.downsample(x) + self.conv_b(self.conv_a(x))


class TinyNetwork(nn.Module):
    def __init__(self, arch, num_classes=10):
        super().__init__()
        nodes = parse_arch(arch)
        self.stem = nn.Sequential(nn.Conv2d(3, STAGE_CHANNELS[0], 3, padding=1, bias=False),
                                  nn.BatchNorm2d(STAGE_CHANNELS[0]))
        cells = []
        for stage, channels in enumerate(STAGE_CHANNELS):
            if stage > 0:
                cells.append(ResNetBasicBlock(STAGE_CHANNELS[stage - 1], channels, 2))
            cells.extend(Cell(nodes, channels) for _ in range(CELLS_PER_STAGE))
        self.cells = nn.ModuleList(cells)
        self.lastact = nn.Sequential(nn.BatchNorm2d(STAGE_CHANNELS[-1]), nn.ReLU(inplace=True))
        self.global_pooling = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(STAGE_CHANNELS[-1], num_classes)

    def forward(self, x):
        x = self.stem(x)
        for cell in self.cells:
            x = cell(x)
        x = self.global_pooling(self.lastact(x))
        x = x.view(x.size(0), -1)
        # The measured TinyNetwork returned (features, logits); the features are the pooled tensor above, an
        # intermediate of the same graph, so exporting the logits alone keeps every op that ran.
        return self.classifier(x)


def build(arch, num_classes=10):
    """Returns (module, input shape) for an arch string; CIFAR-10 head as spec §1.7 recommends."""
    return TinyNetwork(arch, num_classes), (1, 3, 32, 32)


def output_connected(arch):
    """False when no path of non-`none` edges joins the cell input to node 3: the cell output is identically
    zero, so everything after the stem is a function of a zero tensor (HW-NAS-Bench's TFLite columns fold it)."""
    nodes = parse_arch(arch)
    reach = [True]
    for edges in nodes:
        reach.append(any(op != "none" and reach[src] for op, src in edges))
    return reach[3]
