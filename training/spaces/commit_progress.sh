#!/bin/sh
# Commits the HELP data sets' progress (with refreshed Spearman tables) while build_all.sh runs: every 10 minutes, and once more when the build
# process (PID $1) has ended. Commits only datasets/help-{nb201,fbnet,ofa} (git commit --only semantics leaves
# anyone else's staged files alone), only when each data set's labels file is at least as new as its samples
# file (so a commit never holds a shard whose labels are not written yet), and waits out .git/index.lock.
# Usage (repository root): nohup sh training/spaces/commit_progress.sh <build_all.sh PID> &
BUILD_PID=$1
PATHS="datasets/help-nb201 datasets/help-fbnet datasets/help-ofa"

consistent() {
  for d in $PATHS; do
    [ -f "$d/samples.jsonl" ] || continue
    [ "$d/labels.jsonl.gz" -nt "$d/samples.jsonl" ] || [ ! "$d/samples.jsonl" -nt "$d/labels.jsonl.gz" ] || return 1
  done
}

commit_once() {
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    if [ ! -e .git/index.lock ] && consistent; then
      # Refresh the Spearman tables of the READMEs from what is on disk (a few seconds of CPU).
      /usr/bin/python3 training/spaces/spearman.py --write-readme > /dev/null || echo "spearman.py failed" >&2
      git add $PATHS && counts=$(for d in $PATHS; do printf '%s %s; ' "${d#datasets/}" "$(wc -l < "$d/samples.jsonl" 2>/dev/null || echo 0)"; done)
      git diff --cached --quiet -- $PATHS || git commit -q -m "datasets/help-*: rebuild progress ($counts)" -- $PATHS
      return
    fi
    sleep 15
  done
}

while kill -0 "$BUILD_PID" 2>/dev/null; do
  sleep 600
  commit_once
done
commit_once
