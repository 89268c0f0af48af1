#!/bin/sh
# The training runs behind bench/results/latency.md and the shipped predictors in models/, one lane at a time.
# Two lanes run side by side on a 2-core machine (each uses one thread: at d=128 a second thread does not make a
# step faster, a second process doubles the throughput). Every command resumes: finished protocol lines and
# saved members are skipped. Tensor folders first (`tensors`, seconds).
# Usage: sh training/train/reproduce.sh tensors|zoo|lofo-a|lofo-b|ablation|help|help-e12|help-d256|reexport|paper-size|zoo-lofo-e20|zoo-in-e20|zoo-shipped|
#        zoo-lofo-runtime
#        [platform...]
# (from the repository root)
set -e
cd "$(dirname "$0")/../.."
export NAR_TRAIN_THREADS=1
RUNS=training/.runs
T=$RUNS/tensors
OUT=bench/results/runs   # protocol lines (committed; `npm run report` reads them)
SIZE="--dim 128 --layers 2"
# The zoo's tokens of the graph onnxruntime runs (Identity nodes removed, or folded where they copy a constant):
# the shipped ort-cpu-x86-1t ensemble and its study (zoo-shipped). The zoo's own exports hold one Identity per tensor
# equal to an earlier one (they were exported at initial weights); every zoo study before the tokenizer removed them
# (cpu-zoo, cpu-d128-e20, gpu-d512-e20) was trained on tokens that keep them: ZOO_KEPT, rebuilt with --keep-identity.
ZOO=$T/cpu-zoo-extended
ZOO_KEPT=$T/cpu-zoo-identity
train_module() { mod=$1; shift; sh training/train/run.sh -m "training.train.$mod" "$@"; }
# A study's protocol jobs (one argument line each, on stdin) run NAR_TRAIN_LANES at a time, each into its own file;
# NAR_LANE_SECONDS=N stops them after N seconds (a device call has a time limit): unfinished runs are lost, the
# finished ones are merged by merge_into and skipped by the next call of the lane.
run_jobs() {  # run_jobs NAME "arguments every job shares"
  timeout "${NAR_LANE_SECONDS:-0}" xargs -P "${NAR_TRAIN_LANES:-1}" -L 1 sh training/train/run.sh \
      -m training.train.protocol $2 --quiet \
    || echo "$1: stopped after ${NAR_LANE_SECONDS:-0} s or a run failed; the finished runs are merged" >&2
}
merge_into() {  # merge_into COMMITTED.jsonl PER-JOB-FILE...: the committed lines plus the new runs, each run once
  out=$1; shift
  # One cat, made to succeed: under `set -e` a failing cat (no committed file yet) would end the group early and
  # pipe nothing, and the finished runs would be lost.
  { cat "$out" "$@" 2>/dev/null || true; } | "${PYTHON:-/usr/bin/python3}" -m training.train.merge_runs > "$out.merged"
  mv "$out.merged" "$out"
  [ -s "$out" ] || rm -f "$out"  # nothing committed and nothing finished: no empty file
}
help_study() {  # help_study TAG "SIZE AND SCHEDULE" [platform...]: a HELP in-domain study of V2 and NNLP, seeds 0-2,
  # on the `help` lane's split (so the FLOPs baselines are shared), one platform (default the Xeon: 2 spaces,
  # 20,625 graphs), seed by seed on two lanes, V2 first; its lines tagged TAG in $OUT/TAG.jsonl. Members are not kept.
  tag=$1; args=$2; shift 2
  for p in ${*:-cpu-xeon-gold-6226}; do
    P=$RUNS/$tag-$p; mkdir -p $P
    for s in 0 1 2; do for m in v2 nnlp; do
      echo "--tensors $T/help-$p --platform $p --skip-done-in $OUT/$tag.jsonl --protocol in-domain --models $m --seeds $s --out $P/in-$m-$s.jsonl"
    done; done | NAR_TRAIN_LANES=${NAR_TRAIN_LANES:-2} run_jobs $tag-$p "$args --tag $tag"
    merge_into $OUT/$tag.jsonl $P/*.jsonl
  done
}
FAMS_A=alexnet,convnext,efficientnet,googlenet,mnasnet,mobilenetv2
FAMS_B=mobilenetv3,nb201,resnet,squeezenet,vgg,vit
HELP_PLATFORMS="gpu-titan-rtx-bs1 cpu-xeon-gold-6226"
# The study tagged cpu-d128-e20 (lanes zoo-lofo-e20 and zoo-in-e20): the shipped size trained for 20 epochs, its
# runs merged into one file.
E20_ZOO="--tensors $ZOO_KEPT --platform ort-cpu-x86-1t --skip-done-in $OUT/cpu-zoo-d128-e20.jsonl"
E20_RUN="--dim 128 --layers 2 --epochs 20 --tag cpu-d128-e20"
# The study tagged runtime-d128-e20 (lanes zoo-shipped and zoo-lofo-runtime): the same size and schedule on $ZOO.
RUNTIME_ZOO="--tensors $ZOO --platform ort-cpu-x86-1t --skip-done-in $OUT/cpu-zoo-runtime-d128-e20.jsonl"
RUNTIME_RUN="--dim 128 --layers 2 --epochs 20 --tag runtime-d128-e20"
# Leave one family out, one job per seed, family and model, family by family (both models), so that a lane stopped
# by NAR_LANE_SECONDS leaves whole families: lofo_jobs "DATA ARGUMENTS" OUT-PREFIX (each job writes PREFIX-F-M-S.jsonl)
lofo_jobs() {
  for s in ${NAR_LOFO_SEEDS:-0}; do for f in $(echo $FAMS_A,$FAMS_B | tr , ' '); do for m in v2 nnlp; do
    echo "$1 --protocol lofo --families $f --models $m --seeds $s --out $2-$f-$m-$s.jsonl"
  done; done; done
}
# Where each platform's shipped members are saved (protocol.py --checkpoints, train_predictor --checkpoints). A
# member saved there by another schedule or size is not taken for this lane's: protocol.py retrains and replaces it.
members_of() { echo $RUNS/checkpoints/$1-v2; }
# HELP in-domain at twice the width: the study help-d256-e6 (lane help-d256), and on the Xeon the shipped ensemble.
D256="--dim 256 --layers 2 --epochs 6"
# The study (run at $D256) whose V2 in-domain runs are a HELP platform's shipped ensemble, where it is not the
# `help` lane's own d=128: on the Xeon V2 beats NNLP at d=256 (2.80 vs 3.23 % MAPE) and is level at d=128 (3.39 vs
# 3.37); on the Titan it leads at d=128 (3.44 vs 3.82) and not at d=256 (2.94 vs 2.77).
shipped_study() { if [ "$1" = cpu-xeon-gold-6226 ]; then echo help-d256-e6; fi; }
ship() {  # ship PLATFORM TENSOR-FOLDER: its ensemble exported from the saved members, with its parity graphs
  saved=$(members_of $1)
  n=$(ls $saved/member-*.pt 2>/dev/null | wc -l)
  if [ "$n" -lt 3 ]; then echo "$1: $n of 3 members saved in $saved; not exported" >&2; return 0; fi
  train_module train_predictor --tensors $2 --platform $1 --test-fraction 0.1 --from-checkpoints $saved \
    --out models --parity test/fixtures/shipped-parity/$1-v2-extended.json
}
case "$1" in
  tensors)
    npm run --silent build
    node dist/cli.js dataset tensors --dataset cpu-zoo --out $ZOO
    node dist/cli.js dataset tensors --dataset cpu-zoo --keep-identity --out $ZOO_KEPT
    for p in $HELP_PLATFORMS; do
      node dist/cli.js dataset tensors --dataset help-nb201,help-fbnet,help-ofa --platforms $p --out $T/help-$p
    done
    ;;
  zoo)
    # Table 1 (in-domain 90/10), 12 epochs: V2 and NNLP × 3 seeds and the FLOPs baselines. (Its V2 seeds were the
    # shipped ensemble until the 20-epoch study's members replaced them: zoo-in-e20.)
    train_module protocol --tensors $ZOO_KEPT --platform ort-cpu-x86-1t --protocol in-domain \
      --models flops,flops_mac,v2,nnlp --seeds 0-2 $SIZE --epochs 12 --out $OUT/cpu-zoo-in-domain.jsonl
    ;;
  lofo-a|lofo-b)
    # Table 2 (leave one family out), one seed per held-out family, 3 epochs over the other 11 families.
    fams=$FAMS_A; [ "$1" = lofo-b ] && fams=$FAMS_B
    train_module protocol --tensors $ZOO_KEPT --platform ort-cpu-x86-1t --protocol lofo --families $fams \
      --models flops,flops_mac,v2,nnlp --seeds 0 $SIZE --epochs 3 --out $OUT/cpu-zoo-$1.jsonl
    ;;
  ablation)
    # Table 5: V2 variants in-domain, one seed, 4 epochs each (tagged: kept apart from the 12-epoch Table 1 runs).
    train_module protocol --tensors $ZOO_KEPT --platform ort-cpu-x86-1t --protocol in-domain --models v2 \
      --variants full,no_type_aware,plain_ffn,global_attention,no_static --seeds 0 $SIZE --epochs 4 --tag ablation \
      --out $OUT/cpu-zoo-ablation.jsonl
    ;;
  reexport)
    # The shipped ensembles again from their saved members (no training), with their parity graphs: after a
    # change of the ONNX interface or of the exporter.
    ship ort-cpu-x86-1t $ZOO
    for p in $HELP_PLATFORMS; do ship $p $T/help-$p; done
    ;;
  help)
    # HELP, one GPU and one CPU platform (or those named), d=128 L=2, as parallel jobs (NAR_TRAIN_LANES, 2):
    # in-domain per space (80/10/10; V2 seeds 0-2 keep their members: the shipped ensemble; NNLP seeds 0-2; the
    # FLOPs baselines) and cross-space (train on two spaces, test on the third; V2 and NNLP seeds 0-2), then the
    # ensemble exported from its members. Where a platform ships another study's V2 (shipped_study: the Xeon's
    # d=256), the lane runs that study's V2 in-domain seeds too and keeps their members instead. On the complete
    # tables (25,625 / 20,625 graphs, 5x the earlier subset) an epoch takes 5x longer, hence 6 in-domain and 4
    # cross-space epochs (the subset had 8 and 6): still 4x the steps. Lines are keyed without the data size:
    # after the data set grows, remove the platform's old lines.
    shift
    for p in ${*:-$HELP_PLATFORMS}; do
      study=$(shipped_study $p)
      P=$RUNS/help-$p; mkdir -p $P ${study:+$P/shipped}
      DATA="--tensors $T/help-$p --platform $p"
      H="$DATA --skip-done-in $OUT/help-$p.jsonl"
      {  # seed by seed, both models: a lane stopped by NAR_LANE_SECONDS leaves whole seeds behind
        echo "$H --protocol in-domain,lofo --models flops,flops_mac --out $P/flops.jsonl"
        for s in 0 1 2; do for m in v2 nnlp; do
          keep=; [ $m = v2 ] && [ -z "$study" ] && keep="--checkpoints $(members_of $p)"
          echo "$H --protocol in-domain --models $m --seeds $s --epochs 6 $keep --out $P/in-$m-$s.jsonl"
          if [ $m = v2 ] && [ -n "$study" ]; then  # the shipped members (the later --dim wins over $SIZE)
            echo "$DATA --skip-done-in $OUT/$study.jsonl --protocol in-domain --models v2 --seeds $s $D256" \
              "--tag $study --checkpoints $(members_of $p) --out $P/shipped/in-v2-$s.jsonl"
          fi
          for f in nb201 fbnet ofa; do  # a space the platform lacks has no job to run
            echo "$H --protocol lofo --families $f --models $m --seeds $s --epochs 4 --out $P/lofo-$f-$m-$s.jsonl"
          done
        done; done
      } | NAR_TRAIN_LANES=${NAR_TRAIN_LANES:-2} run_jobs help-$p "$SIZE"
      merge_into $OUT/help-$p.jsonl $P/*.jsonl
      if [ -n "$study" ]; then merge_into $OUT/$study.jsonl $P/shipped/*.jsonl; fi
      ship $p $T/help-$p
    done
    ;;
  help-e12)
    # HELP in-domain on twice the `help` lane's schedule (study help-d128-e12): d=128, L=2, 12 epochs; ≈ 65 min.
    # It asks whether the 6-epoch schedule is what keeps V2 level with NNLP in-domain (V2's validation MAPE was
    # still falling, and swinging, at its sixth epoch).
    shift; help_study help-d128-e12 "$SIZE --epochs 12" "$@"
    ;;
  help-d256)
    # HELP in-domain at twice the width (study help-d256-e6): d=256, L=2, the `help` lane's 6 epochs; a V2 run
    # 18-28 min, NNLP 5, 49 min for all 3 seeds on the Xeon; on the Titan (`help-d256 gpu-titan-rtx-bs1`, 1.56x the
    # vertices) a V2 run took 77-83 min. It asks whether size is what V2 lacks at d=128 on these small cell
    # networks (at d=512 on the earlier subset it led NNLP, 2.18 vs 3.11 % MAPE on the Xeon). Its members are not
    # kept here: the `help` lane keeps the Xeon's (shipped_study).
    shift; help_study help-d256-e6 "$D256" "$@"
    ;;
  paper-size)
    # The study tagged gpu-d512-e20: V2 and NNLP at the paper's size (d=512, L=2), 20 epochs; leave one family out
    # (seed 0 per family; NAR_LOFO_SEEDS="0 1 2" for more), zoo in-domain (seeds 0-2), HELP in-domain (seeds 0-1).
    # Meant for a CUDA device:
    # NAR_TRAIN_DEVICE=cuda NAR_TRAIN_LANES=14 ran it in about 12 minutes on one H200 (14 processes share the GPU;
    # a step is launch-bound). On 2 CPU cores it would take days. Each run writes its own file; they are merged.
    # NAR_LANE_SECONDS bounds the lane (run_jobs).
    P=$RUNS/paper-size; mkdir -p $P
    GPU_ZOO="--tensors $ZOO_KEPT --platform ort-cpu-x86-1t --skip-done-in $OUT/cpu-zoo-gpu-d512.jsonl"
    {
      lofo_jobs "$GPU_ZOO" $P/zoo-lofo
      for s in 0 1 2; do for m in v2 nnlp; do
        echo "$GPU_ZOO --protocol in-domain --models $m --seeds $s --out $P/zoo-in-$m-$s.jsonl"
      done; done
      for p in $HELP_PLATFORMS; do for s in 0 1; do for m in v2 nnlp; do
        echo "--tensors $T/help-$p --platform $p --skip-done-in $OUT/help-gpu-d512.jsonl --protocol in-domain --models $m --seeds $s --out $P/help-$p-$m-$s.jsonl"
      done; done; done
    } | run_jobs paper-size "--dim 512 --layers 2 --epochs 20 --tag gpu-d512-e20"
    merge_into $OUT/cpu-zoo-gpu-d512.jsonl $P/zoo-*.jsonl
    merge_into $OUT/help-gpu-d512.jsonl $P/help-*.jsonl
    ;;
  zoo-lofo-e20)
    # Table 2 at the shipped size, trained as long as the paper-size study: d=128, L=2, 20 epochs (tagged
    # cpu-d128-e20), V2 and NNLP with each family held out in turn; NAR_LOFO_SEEDS="0 1 2" (default 0). Two
    # 1-thread lanes on 2 cores (NAR_TRAIN_LANES), about 2 h 20 min per seed; family by family, both models, so
    # that a lane stopped by NAR_LANE_SECONDS leaves whole families (the report compares the models per seed over
    # the families both ran).
    P=$RUNS/zoo-lofo-e20; mkdir -p $P
    lofo_jobs "$E20_ZOO" $P/lofo | NAR_TRAIN_LANES=${NAR_TRAIN_LANES:-2} run_jobs zoo-lofo-e20 "$E20_RUN"
    merge_into $OUT/cpu-zoo-d128-e20.jsonl $P/lofo-*.jsonl
    ;;
  zoo-in-e20)
    # Table 1 in the same study (cpu-d128-e20): V2 and NNLP in-domain at d=128, L=2 for 20 epochs, seeds 0-2, so
    # that both tables of the shipped size are trained equally long. Two lanes, about 50 minutes. (Its V2 seeds
    # were the shipped ensemble until zoo-shipped retrained it on the runtime graph's tokens.)
    P=$RUNS/zoo-in-e20; mkdir -p $P
    for m in v2 nnlp; do for s in 0 1 2; do
      echo "$E20_ZOO --protocol in-domain --models $m --seeds $s --out $P/in-$m-$s.jsonl"
    done; done | NAR_TRAIN_LANES=${NAR_TRAIN_LANES:-2} run_jobs zoo-in-e20 "$E20_RUN"
    merge_into $OUT/cpu-zoo-d128-e20.jsonl $P/in-*.jsonl
    ;;
  zoo-shipped)
    # The shipped ort-cpu-x86-1t ensemble and its Table 1 (study runtime-d128-e20): in-domain at the shipped size
    # (d=128, L=2, 20 epochs), V2 and NNLP seeds 0-2 and the FLOPs baselines, on the zoo's tokens of the graph
    # onnxruntime runs ($ZOO; the studies above keep the Identity nodes). Its V2 seeds keep their members; the
    # ensemble is exported at the end (a fresh clone, with the lines committed but no members, retrains the V2 seeds
    # for their members). Two lanes, 34 minutes.
    P=$RUNS/zoo-shipped; mkdir -p $P
    {
      echo "$RUNTIME_ZOO --protocol in-domain --models flops,flops_mac --out $P/flops.jsonl"
      for s in 0 1 2; do for m in v2 nnlp; do
        keep=; [ $m = v2 ] && keep="--checkpoints $(members_of ort-cpu-x86-1t)"
        echo "$RUNTIME_ZOO --protocol in-domain --models $m --seeds $s $keep --out $P/in-$m-$s.jsonl"
      done; done
    } | NAR_TRAIN_LANES=${NAR_TRAIN_LANES:-2} run_jobs zoo-shipped "$RUNTIME_RUN"
    merge_into $OUT/cpu-zoo-runtime-d128-e20.jsonl $P/*.jsonl
    ship ort-cpu-x86-1t $ZOO
    ;;
  zoo-lofo-runtime)
    # Table 2 in the study of the shipped ensemble (runtime-d128-e20): leave one family out on the runtime graph's
    # tokens ($ZOO), the size and schedule of zoo-lofo-e20, with the FLOPs baselines fitted on these tokens. It asks
    # whether V2's margin over NNLP on unseen structure, measured on the tokens that keep the Identity nodes, holds
    # on the tokens users' files give. NAR_LOFO_SEEDS as in zoo-lofo-e20; two lanes, 105 minutes a seed.
    P=$RUNS/zoo-lofo-runtime; mkdir -p $P
    {
      echo "$RUNTIME_ZOO --protocol lofo --models flops,flops_mac --out $P/flops.jsonl"
      lofo_jobs "$RUNTIME_ZOO" $P/lofo
    } | NAR_TRAIN_LANES=${NAR_TRAIN_LANES:-2} run_jobs zoo-lofo-runtime "$RUNTIME_RUN"
    merge_into $OUT/cpu-zoo-runtime-d128-e20.jsonl $P/*.jsonl
    ;;
  *) echo "usage: sh training/train/reproduce.sh tensors|zoo|lofo-a|lofo-b|ablation|help|help-e12|help-d256|reexport|paper-size|zoo-lofo-e20|zoo-in-e20|zoo-shipped|zoo-lofo-runtime" >&2
     exit 2 ;;
esac
