"""CPU settings for training on small machines (shared/recipes: training-env).

LD_PRELOAD=libtcmalloc_minimal.so.4 and OMP_WAIT_POLICY=PASSIVE must be in the environment before Python starts
(`training/train/run.sh` sets them); this module sets what can still be set from inside: the thread count.
"""
import os

import torch


def configure(threads=None):
    threads = threads or int(os.environ.get("NAR_TRAIN_THREADS", "0")) or min(2, os.cpu_count() or 1)
    torch.set_num_threads(threads)
    hints = []
    if "tcmalloc" not in os.environ.get("LD_PRELOAD", ""):
        hints.append("LD_PRELOAD=libtcmalloc_minimal.so.4 not set (a training step can be ~7x slower)")
    if os.environ.get("OMP_WAIT_POLICY", "").upper() != "PASSIVE":
        hints.append("OMP_WAIT_POLICY=PASSIVE not set")
    return {"threads": threads, "hints": hints}
