"""The zoo's architecture families. Each module has RANGES (documentation of what it draws), sample(rng) → a
JSON-serialisable config (always with "resolution"), and build(config) → an nn.Module taking 1×3×R×R."""
from training.zoo.families import (alexnet, convnext, efficientnet, googlenet, mnasnet, mobilenetv2, mobilenetv3,
                                   nb201, resnet, squeezenet, vgg, vit)

FAMILIES = {
    "resnet": resnet,
    "vgg": vgg,
    "efficientnet": efficientnet,
    "mobilenetv2": mobilenetv2,
    "mobilenetv3": mobilenetv3,
    "mnasnet": mnasnet,
    "alexnet": alexnet,
    "squeezenet": squeezenet,
    "googlenet": googlenet,
    "nb201": nb201,
    "vit": vit,
    "convnext": convnext,
}
