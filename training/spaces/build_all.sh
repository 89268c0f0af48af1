#!/bin/sh
# Rebuilds the three HELP data sets (resumable; reruns skip what is on disk). Low priority: the machine is shared.
# Usage: sh training/spaces/build_all.sh [workers]   (from the repository root)
set -e
WORKERS=${1:-2}
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
for space in fbnet nb201 ofa; do
  nice -n 10 /usr/bin/python3 training/spaces/build_dataset.py --space "$space" --workers "$WORKERS" --per-shard 500
done
