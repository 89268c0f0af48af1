"""Where training runs: CPU settings for small machines (shared/recipes: training-env), or a CUDA device.

LD_PRELOAD=libtcmalloc_minimal.so.4 and OMP_WAIT_POLICY=PASSIVE must be in the environment before Python starts
(`training/train/run.sh` sets them); this module sets what can still be set from inside: the thread count.
NAR_TRAIN_DEVICE=cuda trains on a GPU (the same code and results format; checkpoints are always saved on CPU).
"""
import os

import torch


def device():
    """The torch device training runs on: NAR_TRAIN_DEVICE (default cpu)."""
    return torch.device(os.environ.get("NAR_TRAIN_DEVICE", "cpu"))


def configure(threads=None):
    threads = threads or int(os.environ.get("NAR_TRAIN_THREADS", "0")) or min(2, os.cpu_count() or 1)
    torch.set_num_threads(threads)
    hints = []
    if device().type == "cuda":
        # TF32 matrix products: the model's linears at d=512 are the bulk of a step, and 10-bit mantissas are far
        # below the label noise (a few per cent)
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        return {"threads": threads, "device": str(device()), "hints": hints}
    if "tcmalloc" not in os.environ.get("LD_PRELOAD", ""):
        hints.append("LD_PRELOAD=libtcmalloc_minimal.so.4 not set (a training step can be ~7x slower)")
    if os.environ.get("OMP_WAIT_POLICY", "").upper() != "PASSIVE":
        hints.append("OMP_WAIT_POLICY=PASSIVE not set")
    return {"threads": threads, "device": "cpu", "hints": hints}


def to_cpu(state):
    """A state dict with every tensor on the CPU (for saving and export)."""
    return {k: v.detach().cpu() for k, v in state.items()}
