#!/bin/sh
# Runs a training module with the CPU settings of the training recipe: tcmalloc (a step at N=400 drops from
# ~2 s to ~0.3 s), passive OpenMP waiting, low priority (the machine also measures latency labels).
# Usage: training/train/run.sh -m training.train.<module> [args...]   (from the repository root)
cd "$(dirname "$0")/../.." || exit 1
TCMALLOC=$(ls /usr/lib/*/libtcmalloc_minimal.so.4 2>/dev/null | head -n 1)
if [ -n "$TCMALLOC" ]; then export LD_PRELOAD="$TCMALLOC${LD_PRELOAD:+:$LD_PRELOAD}"; fi
export OMP_WAIT_POLICY=PASSIVE
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
exec nice -n "${NAR_TRAIN_NICE:-10}" "${PYTHON:-/usr/bin/python3}" "$@"
