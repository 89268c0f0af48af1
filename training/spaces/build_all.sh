#!/bin/sh
# Rebuilds the three HELP data sets (resumable; reruns skip what is on disk). Low priority: the machine is shared.
# A first pass brings every data set to a usable size, a second one completes them.
# Usage: sh training/spaces/build_all.sh [workers]   (from the repository root)
set -e
WORKERS=${1:-2}
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
build() {
  nice -n 10 /usr/bin/python3 training/spaces/build_dataset.py --space "$1" --workers "$WORKERS" --per-shard 250 \
    --limit "$2"
}
build fbnet 500
build nb201 1000
build ofa 500
build fbnet 0
build nb201 0
build ofa 0
