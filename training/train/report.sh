#!/bin/sh
# `npm run report`: bench/results/latency.{md,json} from the committed protocol runs (bench/results/runs/*.jsonl,
# written by training/train/reproduce.sh) and the CPU zoo's label noise floor measured on quiet passes 3 vs 4.
set -e
cd "$(dirname "$0")/../.."
[ -f dist/cli.js ] || node esbuild.mjs
mkdir -p training/.runs
node dist/cli.js dataset noise --dataset cpu-zoo --passes 3,4 --json > training/.runs/noise-cpu-zoo.json
exec /usr/bin/python3 -m training.train.report bench/results/runs/*.jsonl --noise training/.runs/noise-cpu-zoo.json \
  --studies bench/results/studies.json \
  --out bench/results
