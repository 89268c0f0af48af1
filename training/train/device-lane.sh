#!/bin/sh
# The paper-size study (gpu-d512-e20) on a lent GPU machine, run there by the device tool from a copy of the
# working tree: unpacks the tensor folders carried in .carry/tensors, runs `reproduce.sh paper-size` with its
# leave-one-family-out seeds 0-2 for at most SECONDS, and leaves under $OUT what comes back: the lane's log, the
# merged result files, and every per-run file (in case the merge there fails). Runs already committed are skipped,
# so each call continues where the last one stopped. Preparing the call and merging its results here:
# training/train/README.md, "On a lent GPU".
# Usage (on the device): sh training/train/device-lane.sh [SECONDS, default 520]
set -u
: "${OUT:?the device tool sets OUT}"
python3 -m training.train.pack_tensors unpack .carry/tensors training/.runs/tensors || exit 1
nvidia-smi -L || exit 1
PYTHONUNBUFFERED=1 PYTHON=python3 NAR_TRAIN_DEVICE=cuda NAR_TRAIN_LANES="${NAR_TRAIN_LANES:-14}" \
  NAR_LANE_SECONDS="${1:-520}" NAR_LOFO_SEEDS="0 1 2" sh training/train/reproduce.sh paper-size > "$OUT/lane.log" 2>&1
cp bench/results/runs/*-gpu-d512.jsonl "$OUT/"
tar czf "$OUT/paper-size.tgz" training/.runs/paper-size
echo "per-run files: $(ls training/.runs/paper-size | wc -l)"
tail -5 "$OUT/lane.log"
