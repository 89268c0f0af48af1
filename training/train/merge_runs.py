"""Protocol JSON lines from stdin to stdout, each run once (protocol.run_key; the first occurrence wins, order
kept): merges the committed lines of a study with the per-job files of a new run of it (reproduce.sh paper-size).

    cat committed.jsonl new/*.jsonl | /usr/bin/python3 -m training.train.merge_runs > merged.jsonl
"""
import json
import sys

from .protocol import run_key


def merge(lines):
    seen, out = set(), []
    for raw in lines:
        if not raw.strip():
            continue
        key = run_key(json.loads(raw))
        if key not in seen:
            seen.add(key)
            out.append(raw.rstrip("\n") + "\n")
    return out


if __name__ == "__main__":
    sys.stdout.writelines(merge(sys.stdin))
