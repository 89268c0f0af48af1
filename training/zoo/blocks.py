"""Layers shared by several zoo families (ConvBNAct, squeeze-excite, inverted residual).

Every family builds its network from a JSON-serialisable config; these blocks only turn config numbers into
modules, so the same config always rebuilds the same network.
"""
from torch import nn

ACTIVATIONS = {
    "relu": nn.ReLU,
    "relu6": nn.ReLU6,
    "hswish": nn.Hardswish,
    "swish": nn.SiLU,
    "gelu": nn.GELU,
}
GATES = {"sigmoid": nn.Sigmoid, "hsigmoid": nn.Hardsigmoid}


def make_divisible(value, divisor=8):
    """Rounds a scaled channel count to a multiple of `divisor`, never below 90% of `value` (MobileNet rule)."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * value:
        rounded += divisor
    return rounded


class ConvBNAct(nn.Sequential):
    def __init__(self, cin, cout, kernel, stride=1, groups=1, act="relu", bn=True, bias=None):
        layers = [nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups,
                            bias=(not bn) if bias is None else bias)]
        if bn:
            layers.append(nn.BatchNorm2d(cout))
        if act:
            layers.append(ACTIVATIONS[act]())
        super().__init__(*layers)


class SqueezeExcite(nn.Module):
    def __init__(self, channels, squeeze, act="relu", gate="sigmoid"):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.reduce = nn.Conv2d(channels, squeeze, 1)
        self.act = ACTIVATIONS[act]()
        self.expand = nn.Conv2d(squeeze, channels, 1)
        self.gate = GATES[gate]()

    def forward(self, x):
        return x * self.gate(self.expand(self.act(self.reduce(self.pool(x)))))


class InvertedResidual(nn.Module):
    """MobileNetV2/V3, MnasNet and EfficientNet block: 1x1 expand, kxk depthwise, optional SE, 1x1 project."""

    def __init__(self, cin, cout, kernel, stride, expand_ratio, act="relu6", se_ratio=0.0, se_base=None,
                 se_act="relu", se_gate="sigmoid"):
        super().__init__()
        hidden = int(round(cin * expand_ratio))
        layers = []
        if hidden != cin:
            layers.append(ConvBNAct(cin, hidden, 1, act=act))
        layers.append(ConvBNAct(hidden, hidden, kernel, stride, groups=hidden, act=act))
        if se_ratio > 0:
            squeeze = max(1, int((se_base or hidden) * se_ratio))
            layers.append(SqueezeExcite(hidden, squeeze, se_act, se_gate))
        layers.append(ConvBNAct(hidden, cout, 1, act=None))
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


class Classifier(nn.Module):
    """Global average pool, flatten, linear: the common head."""

    def __init__(self, channels, classes, hidden=None, act="relu"):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        if hidden:
            self.fc = nn.Sequential(nn.Linear(channels, hidden), ACTIVATIONS[act](), nn.Linear(hidden, classes))
        else:
            self.fc = nn.Linear(channels, classes)

    def forward(self, x):
        return self.fc(self.pool(x).flatten(1))
