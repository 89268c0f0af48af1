#!/usr/bin/env bash
# Starts (or resumes) labelling of datasets/cpu-zoo in the background, detached from the shell:
#   bash training/zoo/label-in-background.sh PASS [extra `dataset label` options, e.g. --subset noise]
# Log: training/.runs/label-pass<PASS>.log (progress + ETA, one line per block); PID: training/.runs/label-pass<PASS>.pid.
# Stop cleanly (after the block in progress): kill -TERM "$(cat training/.runs/label-pass<PASS>.pid)".
# Resuming is the same command: (id, pass) pairs already in labels.jsonl are skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
pass="${1:?usage: label-in-background.sh PASS [options]}"
shift
mkdir -p training/.runs
pidfile="training/.runs/label-pass${pass}.pid"
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "pass $pass is already being labelled by PID $(cat "$pidfile")" >&2
  exit 1
fi
[ -f dist/cli.js ] || node esbuild.mjs
nohup node dist/cli.js dataset label --dataset cpu-zoo --pass "$pass" --follow 60 "$@" \
  >> "training/.runs/label-pass${pass}.out" 2>> "training/.runs/label-pass${pass}.log" < /dev/null &
echo $! > "$pidfile"   # $! of a simple command is node's own PID
echo "labelling pass $pass: PID $(cat "$pidfile"), log training/.runs/label-pass${pass}.log"
