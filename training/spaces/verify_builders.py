"""Checks that the rebuilt networks are the measured ones: parameter / MAC counts against values published with
the benchmarks, ONNX node counts against the structure the benchmark code defines, byte-identical re-export,
and clear errors on malformed architectures. Prints one JSON object: {"checks": [{name, ok, expected, got,
source}], "ok": bool}.

    /usr/bin/python3 training/spaces/verify_builders.py [--rebuild ID ...  --dataset-dir DIR]

With --rebuild, also prints sha256 of the graph-only bytes of each named sample of DIR's samples.jsonl (the test
compares them with the committed shard records).
"""
import argparse
import hashlib
import json
import os
import sys
import warnings
from collections import Counter

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import onnx  # noqa: E402
import torch  # noqa: E402

import export  # noqa: E402
import fbnet  # noqa: E402
import nb201  # noqa: E402
import ofa  # noqa: E402

torch.set_num_threads(1)
NASLIB = "NASLib tests/test_nb201_search_space.py (cost_info, cifar10-valid)"
NB201_EXTREMES = "NAS-Bench-201 published min/max params & FLOPs (spec search-spaces.md §4.1)"
NASFLAT = "nasflat_latency fbnet_zcp/fbnet_zcps/*.json params (HWNB FBNet_Infer, cifar100, 1x3x32x32)"
OFA_README = "once-for-all README model zoo (params M, MFLOPs rounded as published)"

ALL = {op: "|{0}~0|+|{0}~0|{0}~1|+|{0}~0|{0}~1|{0}~2|".format(op) for op in nb201.OPS}
NB201_CASES = [
    # (label, arch, classes, params, MFLOPs (conv + Linear incl. bias, / 1e6), source)
    ("idx 0", "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|",
     10, 129306, 15.64737, NASLIB),
    ("idx 1462 all nor_conv_3x3", ALL["nor_conv_3x3"], 10, 1531546, 220.11969, NB201_EXTREMES),
    ("idx 1462 all nor_conv_3x3, CIFAR-100", ALL["nor_conv_3x3"], 100, 1537396, 220.12554, NB201_EXTREMES),
    ("idx 1651 all none", ALL["none"], 10, 73306, 7.78305, NB201_EXTREMES),
    ("idx 1835 all skip", ALL["skip_connect"], 10, 73306, 7.78305, NB201_EXTREMES),
]
SPEC_MACS = "conv + Linear MACs computed independently from HWNB's layer table (spec search-spaces.md §4.2/§4.3)"
FBNET_CASES = [
    # (label, op indices, params, conv + FC MACs, source of params)
    ("HELP idx 0", [7, 8, 1, 8, 4, 8, 8, 8, 7, 4, 1, 4, 7, 3, 2, 7, 3, 2, 4, 2, 4, 5], 1790500, 67605376, NASFLAT),
    ("HELP idx 1", [5, 3, 5, 5, 0, 4, 7, 5, 5, 2, 0, 2, 4, 5, 1, 3, 7, 2, 6, 0, 4, 0], 1695572, 61564288, NASFLAT),
    ("HELP idx 2", [8, 2, 1, 5, 1, 8, 4, 6, 6, 2, 5, 2, 5, 1, 2, 5, 2, 8, 2, 3, 5, 0], 1737316, 47184384, NASFLAT),
]


def ofa_config(depths, stages, r):
    ks, e = [3] * 20, [3] * 20
    for s, blocks in enumerate(stages):
        for j, (k, x) in enumerate(blocks):
            ks[4 * s + j], e[4 * s + j] = k, x
    return {"ks": ks, "e": e, "d": depths, "r": r}


OFA_CASES = [
    # (label, config, width, params in 0.1 M, MACs in M, source)
    ("flops@595M_top1@80.0", ofa_config([3, 4, 4, 4, 4], [
        [(3, 3), (5, 4), (3, 3)], [(5, 4), (5, 4), (3, 6), (5, 3)], [(7, 6), (5, 6), (3, 3), (5, 4)],
        [(3, 6), (5, 6), (7, 6), (3, 4)], [(3, 6), (3, 6), (5, 6), (3, 3)]], 236), 1.2, 91, 595, OFA_README),
    ("note8_lat@22ms_top1@70.4", ofa_config([2] * 5, [
        [(3, 3), (3, 3)], [(5, 3), (5, 3)], [(7, 4), (3, 3)], [(5, 3), (3, 4)], [(3, 6), (7, 6)]], 140),
     1.0, 43, 67, OFA_README),
    ("note8_lat@31ms_top1@72.8", ofa_config([2, 2, 3, 3, 4], [
        [(5, 3), (3, 3)], [(5, 4), (5, 3)], [(3, 4), (3, 4), (5, 4)], [(3, 4), (5, 3), (7, 4)],
        [(3, 6), (3, 3), (5, 3), (5, 3)]], 152), 1.0, 46, 101, OFA_README),
]


def op_counts(module, shape):
    model = onnx.load_from_string(export.export_bytes(module, shape))
    return Counter(n.op_type for n in model.graph.node), model


def check(checks, name, expected, got, source):
    checks.append({"name": name, "ok": expected == got, "expected": expected, "got": got, "source": source})


def nb201_checks(checks):
    for label, arch, classes, params, mflops, source in NB201_CASES:
        module = nb201.TinyNetwork(arch, classes)
        macs, count = export.count_macs_params(module, (1, 3, 32, 32), linear_bias_flops=True)
        check(checks, "nb201 %s params" % label, params, count, source)
        check(checks, "nb201 %s MFLOPs" % label, mflops, round(macs / 1e6, 5), source)
        if classes == 10:
            convs = sum(op.startswith("nor_conv") for op, _ in sum(nb201.parse_arch(arch), []))
            ops, _ = op_counts(nb201.TinyNetwork(arch, classes), (1, 3, 32, 32))
            check(checks, "nb201 %s ONNX Conv nodes" % label, 15 * convs + 7, ops["Conv"],
                  "15 x conv edges + 7 (stem + 2 x 3 in reduction blocks), AutoDL TinyNetwork code")
            check(checks, "nb201 %s ONNX Gemm nodes" % label, 1, ops["Gemm"], "Linear classifier")


def fbnet_checks(checks):
    for label, ops_idx, params, macs, source in FBNET_CASES:
        module, shape = fbnet.build(ops_idx)
        counted_macs, count = export.count_macs_params(module, shape)
        check(checks, "fbnet %s params" % label, params, count, source)
        check(checks, "fbnet %s conv + FC MACs" % label, macs, counted_macs, SPEC_MACS)
        plan = fbnet.layer_plan()
        blocks = [fbnet.BLOCKS[i] for i in ops_idx]
        expected_convs = 2 + sum(3 if b[0] != "skip" else int(c_in != c_out or s != 1)
                                 for b, (c_in, c_out, s) in zip(blocks, plan))
        shuffles = sum(b[3] == 2 for b in blocks)
        ops, _ = op_counts(*fbnet.build(ops_idx))
        code = "HW-NAS-Bench fbnet_models/model_infer.py block definitions"
        check(checks, "fbnet %s ONNX Conv nodes" % label, expected_convs, ops["Conv"], code)
        check(checks, "fbnet %s ONNX Transpose nodes (channel shuffles)" % label, shuffles, ops["Transpose"], code)


def ofa_checks(checks):
    for label, config, width, params_01m, mmacs, source in OFA_CASES:
        module, shape = ofa.build(config, width)
        macs, count = export.count_macs_params(module, shape)
        check(checks, "ofa %s params (0.1 M)" % label, params_01m, round(count / 1e5), source)
        check(checks, "ofa %s MACs (M)" % label, mmacs, round(macs / 1e6), source)
        blocks = sum(config["d"])
        se_blocks = config["d"][1] + config["d"][3] + config["d"][4]
        ops, _ = op_counts(*ofa.build(config, width))
        check(checks, "ofa %s ONNX Conv nodes" % label, 1 + 2 + 3 * blocks + 2 * se_blocks + 2, ops["Conv"],
              "once-for-all ofa_mbv3.py: stem, first block, MBConv (+2 SE convs), final expand, feature mix")


def determinism_checks(checks):
    for label, (module_fn, shape) in {
        "nb201": (lambda: nb201.build(NB201_CASES[0][1])[0], (1, 3, 32, 32)),
        "fbnet": (lambda: fbnet.build(FBNET_CASES[0][1])[0], (1, 3, 32, 32)),
        "ofa": (lambda: ofa.build(OFA_CASES[1][1])[0], (1, 3, 140, 140)),
    }.items():
        a = export.export_bytes(module_fn(), shape)
        b = export.export_bytes(module_fn(), shape)
        check(checks, "%s re-export byte-identical" % label, True, a == b, "requirement")
        counted, macs, params = export.export_counted(module_fn(), shape)
        check(checks, "%s export-time MAC/param count equals a plain forward's" % label,
              list(export.count_macs_params(module_fn(), shape)), [macs, params], "consistency")
        check(checks, "%s export-time counting leaves the graph unchanged" % label, True, counted == a,
              "consistency")


def error_checks(checks):
    bad = [
        ("nb201", lambda: nb201.parse_arch("|nor_conv_3x3~0|+|bogus~0|none~1|+|none~0|none~1|none~2|"), "bad edge"),
        ("nb201", lambda: nb201.parse_arch("|none~0|+|none~0|none~0|+|none~0|none~1|none~2|"), "one edge from each"),
        ("fbnet", lambda: fbnet.parse_ops([0] * 21), "22 op indices"),
        ("ofa", lambda: ofa.parse_config({"ks": [3] * 20, "e": [3] * 20, "d": [2] * 5}), "needs ks"),
        ("ofa", lambda: ofa.parse_config({"ks": [4] * 20, "e": [3] * 20, "d": [2] * 5, "r": 128}), "kernel"),
    ]
    for space, fn, phrase in bad:
        try:
            fn()
            got = "no error"
        except ValueError as err:
            got = phrase if phrase in str(err) else str(err)
        check(checks, "%s rejects malformed arch (%s)" % (space, phrase), phrase, got, "requirement")


def rebuild_hashes(dataset_dir, ids):
    sys.path.insert(0, os.path.join(HERE, "..", "common"))
    from build_dataset import export_graph
    with open(os.path.join(dataset_dir, "samples.jsonl")) as f:
        samples = {s["id"]: s for s in map(json.loads, f)}
    out = {}
    for sid in ids:
        s = samples[sid]
        graph, _ = export_graph(s["family"], s["config"])
        out[sid] = hashlib.sha256(graph).hexdigest()
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rebuild", nargs="*", default=[])
    parser.add_argument("--dataset-dir")
    parser.add_argument("--only", choices=["nb201", "fbnet", "ofa", "determinism", "errors"])
    args = parser.parse_args()
    if args.rebuild:
        print(json.dumps({"sha256": rebuild_hashes(args.dataset_dir, args.rebuild),
                          "exporter": {"torch": torch.__version__, "onnx": onnx.__version__}}))
        return 0
    checks = []
    steps = {"nb201": nb201_checks, "fbnet": fbnet_checks, "ofa": ofa_checks, "determinism": determinism_checks,
             "errors": error_checks}
    for name, step in steps.items():
        if args.only in (None, name):
            step(checks)
    ok = all(c["ok"] for c in checks)
    print(json.dumps({"ok": ok, "checks": checks}, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
