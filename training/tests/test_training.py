"""Loss, schedule, training with validation selection, regression baselines, ensemble interval and OOD, and the
protocol runner + report on a small synthetic folder."""
import io
import json
import os
import sys
import unittest
from contextlib import redirect_stdout

import numpy as np
import torch

from training.model.regression import LogLinearBaseline
from training.train import (ensemble, export, loop, merge_runs, pack_tensors, protocol, report, report_markdown, splits,
                            train_predictor)
from training.train.synthetic import make_folder
from training.train.tensors import TensorFolder
from training.tests.common import temp_dir

torch.set_num_threads(1)


def lines_of(path):
    with open(path, encoding="utf-8") as f:
        return f.readlines()


SMALL = {"dim": 32, "layers": 2, "head_hidden": 32}


class LossAndSchedule(unittest.TestCase):
    def test_relative_squared_error(self):
        loss = loop.relative_squared_error(torch.tensor([1.1, 1.5, 4.0]), torch.tensor([1.0, 3.0, 4.0]))
        self.assertAlmostEqual(float(loss), (0.01 + 0.25 + 0.0) / 3, places=6)

    def test_warmup_then_linear_decay_to_zero(self):
        f = loop.linear_warmup_decay(100, 0.1)
        self.assertEqual([f(0), f(5), f(10), f(55), f(100)], [0.0, 0.5, 1.0, 0.5, 0.0])
        steps = [f(i) for i in range(101)]
        self.assertEqual(max(steps), 1.0)
        self.assertTrue(all(a <= b for a, b in zip(steps[:10], steps[1:11])))
        self.assertTrue(all(a >= b for a, b in zip(steps[10:], steps[11:])))


class Training(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = temp_dir()
        cls.data = TensorFolder(make_folder(cls.tmp.name, graphs=96, seed=5))
        labelled, cls.y = cls.data.labelled("synthetic-a")
        cls.split = splits.in_domain(labelled, cls.data.families, split_seed=0)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_v2_learns_and_keeps_the_best_validation_epoch(self):
        train, val, _ = self.split
        model, record, last_state = loop.fit("v2", self.data, "synthetic-a", train, val, {**SMALL, "epochs": 15}, 0)
        losses = [h["train_loss"] for h in record["history"]]
        self.assertLess(losses[-1], 0.5 * losses[0])
        val_mapes = [h["val_mape"] for h in record["history"]]
        self.assertEqual(record["best_epoch"], int(np.argmin(val_mapes)))
        pred, embed = loop.predict(model, self.data, val, "v2")
        self.assertAlmostEqual(100 * np.mean(np.abs(pred - self.y[val]) / self.y[val]), min(val_mapes), places=3)
        self.assertEqual(embed.shape, (len(val), 32))
        self.assertEqual(record["steps"], 15 * -(-len(train) // 16))
        self.assertEqual(record["collapses"], [])

    def test_a_collapsed_head_restarts_from_the_best_state_at_half_the_learning_rate(self):
        train, val, _ = self.split

        def saturate_head(model, epoch):  # after epoch 0: softplus(-60) ~ 1e-26, the gradient vanishes with it
            if epoch == 0:
                with torch.no_grad():
                    model.head.fc3.bias.fill_(60.0)
        model, record, _ = loop.fit("v2", self.data, "synthetic-a", train, val, {**SMALL, "epochs": 5}, 0,
                                    after_epoch=saturate_head)
        self.assertEqual(len(record["collapses"]), 1)
        event = record["collapses"][0]
        self.assertEqual((event["epoch"], event["restoredEpoch"], event["lrScale"]), (1, 0, 0.5))
        val_mapes = [h["val_mape"] for h in record["history"]]
        self.assertGreater(val_mapes[1], 99.0)
        self.assertLess(max(val_mapes[2:]), 99.0)  # training goes on from the restored state
        self.assertNotEqual(record["best_epoch"], 1)
        pred, _ = loop.predict(model, self.data, val, "v2")
        self.assertFalse(loop.collapsed(pred, self.y[val]))

    def test_nnlp_trains_and_max_steps_stops_early(self):
        train, val, _ = self.split
        _, record, _ = loop.fit("nnlp", self.data, "synthetic-a", train, val, {**SMALL, "epochs": 5, "max_steps": 7}, 1)
        self.assertEqual(record["steps"], 7)
        self.assertEqual(record["variant"], None)

    def gradient(self, model, kind, batch, budget, form):
        model.zero_grad()
        loss = loop.accumulate_gradients(model, self.data, batch, kind, self.y, budget, form)
        return loss, torch.cat([p.grad.reshape(-1) for p in model.parameters()])

    def assert_same_gradient(self, a, b, what):
        self.assertAlmostEqual(a[0], b[0], places=5, msg=what)
        self.assertLess(float((a[1] - b[1]).abs().max()), 1e-5 * float(a[1].abs().max()), what)

    def test_split_batches_accumulate_the_same_gradient(self):
        model = loop.build_model("v2", self.data, {**loop.DEFAULTS, **SMALL}).eval()  # eval: no dropout noise
        batch = np.arange(16)
        for form in ("dense", "edges"):
            # one part / one graph per part
            whole, split = (self.gradient(model, "v2", batch, budget, form) for budget in (10 ** 9, 1))
            self.assert_same_gradient(whole, split, form)
            self.assertEqual(len(loop.batch_parts(self.data.node_counts, batch, 1, form)), 16)

    def test_edge_form_batches_give_the_dense_loss_and_gradient(self):
        # The edge form (one disjoint graph per batch) is what V2 and NNLP train on; the dense padded batch is the
        # reference formula. Same parameters, same batch: the same loss and gradient, for both models.
        for name in ("v2", "nnlp"):
            model = loop.build_model(name, self.data, {**loop.DEFAULTS, **SMALL}).eval()
            self.assertEqual(loop.batch_form(model), "edges")
            batch = np.arange(16)
            kind = loop.model_kind(name)
            self.assert_same_gradient(self.gradient(model, kind, batch, 10 ** 9, "dense"),
                                      self.gradient(model, kind, batch, 10 ** 9, "edges"), name)

    def test_global_attention_trains_dense(self):
        model = loop.build_model("v2", self.data, {**loop.DEFAULTS, **SMALL, "variant": "global_attention"})
        self.assertEqual(loop.batch_form(model), "dense")
        train, val, _ = self.split
        _, record, _ = loop.fit("v2", self.data, "synthetic-a", train, val,
                                {**SMALL, "variant": "global_attention", "epochs": 1, "max_steps": 2}, 0)
        self.assertEqual(record["form"], "dense")

    def test_unknown_model_and_variant(self):
        with self.assertRaisesRegex(ValueError, "unknown neural model 'gcn'"):
            loop.build_model("gcn", self.data, {**loop.DEFAULTS, **SMALL})
        with self.assertRaisesRegex(ValueError, "unknown V2 variant 'tiny'"):
            loop.build_model("v2", self.data, {**loop.DEFAULTS, **SMALL, "variant": "tiny"})


class Regression(unittest.TestCase):
    def test_recovers_a_power_law(self):
        rng = np.random.default_rng(0)
        raw = np.stack([np.ones(50), rng.uniform(0.1, 10, 50), rng.uniform(0.01, 1, 50), rng.uniform(0.01, 2, 50)], 1)
        y = 3.0 * raw[:, 1] ** 0.8 * raw[:, 3] ** 0.3
        both = LogLinearBaseline("flops_mac").fit(raw, y)
        self.assertAlmostEqual(both.describe()["exponents"]["log GFLOPs"], 0.8, places=3)
        self.assertAlmostEqual(both.describe()["exponents"]["log Gmacs"], 0.3, places=3)
        self.assertLess(np.max(np.abs(both.predict(raw) / y - 1)), 1e-3)
        flops_only = LogLinearBaseline("flops").fit(raw, y)
        self.assertGreater(np.mean(np.abs(flops_only.predict(raw) / y - 1)), 0.01)

    def test_bad_use(self):
        with self.assertRaisesRegex(ValueError, "unknown regression baseline"):
            LogLinearBaseline("params")
        with self.assertRaisesRegex(ValueError, "positive"):
            LogLinearBaseline("flops").fit(np.ones((3, 4)), [1.0, -1.0, 2.0])
        with self.assertRaisesRegex(RuntimeError, "before fit"):
            LogLinearBaseline("flops").predict(np.ones((1, 4)))


class EnsembleParts(unittest.TestCase):
    def test_interval_calibration_reaches_its_coverage(self):
        rng = np.random.default_rng(0)
        y = rng.uniform(1, 10, 200)
        members = y[None] * (1 + rng.normal(0, 0.05, (3, 200)))
        cal = ensemble.calibrate_interval(y, members, coverage=0.9)
        mean = members.mean(0)
        # the spread interval alone: the runtime rule without the relative floor
        alone = lambda c, ys, ms: ensemble.interval_coverage(ys, ms, {**c, "relativeErrorQ": 0.0})
        spread_alone = alone(cal, y, members)
        self.assertGreaterEqual(spread_alone, 0.9)  # the smallest scale reaching the target, not far above it
        self.assertLess(spread_alone, 0.93)
        self.assertGreaterEqual(np.mean(np.abs(mean / y - 1) <= cal["relativeErrorQ"] + 1e-12), 0.9)
        # the recorded figure is the runtime interval's (the wider of the two), the same rule as the test split's
        self.assertEqual(cal["achievedOnValidation"], ensemble.interval_coverage(y, members, cal))
        self.assertGreater(cal["achievedOnValidation"], spread_alone)
        small = ensemble.calibrate_interval(y[:24], members[:, :24], coverage=0.9)  # 22 of 24 = 0.917 >= 0.9
        self.assertAlmostEqual(alone(small, y[:24], members[:, :24]), 22 / 24)
        self.assertGreater(cal["spreadScale"], 0)
        single = ensemble.calibrate_interval(y, members[:1])  # one member: no spread, the relative floor alone
        self.assertEqual(single["spreadScale"], 0.0)
        # the floor is relative to the prediction, its quantile to the label: near the target, not exactly on it
        self.assertAlmostEqual(single["achievedOnValidation"], 0.9, delta=0.03)

    def test_output_scale_minimises_the_relative_loss_and_undoes_a_global_bias(self):
        rng = np.random.default_rng(3)
        y = rng.uniform(1, 10, 300)
        low = 0.96 * y * (1 + rng.normal(0, 0.03, 300))  # a member 4 % low everywhere, 3 % noise
        s = ensemble.fit_output_scale(y, low)
        loss = lambda k: np.mean((k * low / y - 1) ** 2)
        self.assertLess(loss(s), min(loss(s * 0.999), loss(s * 1.001)))  # the minimum, not just better
        self.assertAlmostEqual(s, 1 / 0.96, delta=0.01)
        self.assertAlmostEqual(ensemble.fit_output_scale(y, y), 1.0)
        with self.assertRaisesRegex(ValueError, "collapsed member"):
            ensemble.fit_output_scale(y, np.zeros_like(y))
        with self.assertRaisesRegex(ValueError, "collapsed member"):
            ensemble.fit_output_scale(y, np.full_like(y, np.nan))

    def test_interval_coverage_counts_the_runtime_interval_with_its_relative_floor(self):
        members = np.array([[10.0, 10.0], [9.0, 11.0]]).T  # [members, graphs]: graph 0 agreed, graph 1 std 1
        calibration = {"spreadScale": 2.0, "relativeErrorQ": 0.05}
        # graph 0: 10 ± the floor 0.5; graph 1: 10 ± 2 * 1
        self.assertEqual(ensemble.interval_coverage([10.4, 11.9], members, calibration), 1.0)
        self.assertEqual(ensemble.interval_coverage([10.6, 11.9], members, calibration), 0.5)
        self.assertEqual(ensemble.interval_coverage([10.6, 12.1], members, calibration), 0.0)

    def test_the_exported_module_multiplies_each_member_by_its_scale(self):
        class Constant(torch.nn.Module):  # a member that predicts `value` for any graph
            def __init__(self, value):
                super().__init__()
                self.value = value

            def forward_edges(self, tokens, src, dst, static, graph=None, distinct=True):
                return torch.full((1,), self.value), torch.zeros(1, 4)
        module = export.EnsembleModule([Constant(2.0), Constant(4.0)], "edges", scales=[1.5, 0.5])
        mean, _, members = module(torch.zeros(3, 152), torch.zeros(0, dtype=torch.int64),
                                  torch.zeros(0, dtype=torch.int64), torch.zeros(1, 40))
        self.assertEqual(members.tolist(), [[3.0, 2.0]])
        self.assertEqual(mean.tolist(), [2.5])
        with self.assertRaisesRegex(ValueError, "1 output scales for 2 members"):
            export.EnsembleModule([Constant(2.0), Constant(4.0)], "edges", scales=[1.0])

    def test_ood_flags_shifted_embeddings(self):
        rng = np.random.default_rng(1)
        train = rng.normal(0, 1, (300, 16))
        val = rng.normal(0, 1, (60, 16))
        ood = ensemble.OodReference(train, val, centroids=8, quantile=0.95)
        self.assertLessEqual(np.mean(ood.distance(val) > ood.threshold), 0.06)
        self.assertTrue(np.all(ood.distance(rng.normal(6, 1, (20, 16))) > ood.threshold))
        js = ood.to_json()
        self.assertEqual((len(js["centroids"]), len(js["centroids"][0])), (8, 16))
        self.assertNotIn("staticRange", js)

    def test_ood_reference_carries_the_training_graphs_static_range(self):
        rng = np.random.default_rng(2)
        static_raw = np.array([[1, 0.5, 0.01, 0.2], [1, 3.3, 0.02, 1.6], [1, 0.01, 0.001, 0.005]])
        ood = ensemble.OodReference(rng.normal(0, 1, (40, 4)), rng.normal(0, 1, (10, 4)), centroids=4,
                                    static_raw=static_raw)
        self.assertEqual(ood.to_json()["staticRange"], {"names": ["batch", "GFLOPs", "Gparams", "Gmacs"],
                                                        "min": [1, 0.01, 0.001, 0.005], "max": [1, 3.3, 0.02, 1.6]})


class PackTensors(unittest.TestCase):
    def test_pack_then_unpack_gives_the_folder_back_byte_for_byte(self):
        with temp_dir() as tmp:
            folder = make_folder(os.path.join(tmp, "src", "t"), graphs=12, seed=3)
            with redirect_stdout(io.StringIO()):
                pack_tensors.main(["pack", os.path.join(tmp, "src"), os.path.join(tmp, "packed"), "t"])
                pack_tensors.main(["unpack", os.path.join(tmp, "packed"), os.path.join(tmp, "back")])
            packed = os.listdir(os.path.join(tmp, "packed", "t"))
            self.assertIn("features.npy.xz", packed)
            self.assertNotIn("features.npy", packed)
            for name in os.listdir(folder):
                with open(os.path.join(folder, name), "rb") as a, open(os.path.join(tmp, "back", "t", name), "rb") as b:
                    self.assertEqual(a.read(), b.read(), name)


def _add_entry(args):
    export.update_manifest(*args)


class Manifest(unittest.TestCase):
    def test_side_by_side_exports_keep_every_entry(self):
        # Two platforms' ensembles trained in parallel lanes may finish together: no entry may be lost.
        import multiprocessing
        with temp_dir() as d:
            path = os.path.join(d, "manifest.json")
            entries = [{"id": "p%d" % i, "platform": "p%d" % i} for i in range(12)]
            with multiprocessing.get_context("fork").Pool(6) as pool:
                pool.map(_add_entry, [(path, e) for e in entries])
            with open(path, encoding="utf-8") as f:
                self.assertEqual([p["id"] for p in json.load(f)["predictors"]], sorted(e["id"] for e in entries))
            self.assertEqual(os.listdir(d), ["manifest.json"])


class ReportChecks(unittest.TestCase):
    def test_unseen_structure_averages_cover_the_families_every_model_has(self):
        cell = lambda mape, acc: {"mape": {"avg": mape}, "acc10": {"avg": acc}}
        entry = {"inDomain": {}, "lofo": {"v2": {"a": cell(10, 60), "b": cell(30, 20)}, "nnlp": {"a": cell(20, 40)}}}
        lofo = report.checks(entry, None)["lofo"]
        self.assertEqual(lofo["families"], ["a"])
        self.assertEqual(lofo["missing"], {"nnlp": ["b"]})
        self.assertEqual(lofo["averages"]["v2"], {"mape": 10.0, "acc10": 60.0})
        self.assertEqual(lofo["acc10MarginOverNnlp"]["points"], 20.0)

    def test_margin_per_seed_compares_each_seed_on_the_families_both_models_ran(self):
        def runs(acc):  # {seed: Acc(10%)} -> protocol lines of one cell
            return [{"seed": s, "selected": {"all": {"acc10": a}}} for s, a in acc.items()]
        by = {("lofo", "a", "v2", "full", None): runs({0: 60, 1: 50}),
              ("lofo", "a", "nnlp", None, None): runs({0: 40, 1: 45}),
              ("lofo", "b", "v2", "full", None): runs({0: 30}),  # seed 1 of V2 on b cut short
              ("lofo", "b", "nnlp", None, None): runs({0: 20, 1: 90}),
              ("lofo", "a", "v2", "plain_ffn", None): runs({0: 0}),  # an ablation variant is not V2
              ("lofo", "a", "nnlp", None, "ablation"): runs({0: 0}),  # nor is a tagged run part of the table
              ("in-domain", None, "v2", "full", None): runs({0: 99})}
        self.assertEqual(report.margin_per_seed(by), [{"seed": 0, "points": 15.0, "families": 2},
                                                      {"seed": 1, "points": 5.0, "families": 1}])

    def test_margin_seed_spread_reads_only_the_seeds_that_held_out_every_family(self):
        per_seed = [{"seed": 0, "points": 10.0, "families": 3}, {"seed": 1, "points": 4.0, "families": 3},
                    {"seed": 2, "points": 40.0, "families": 1}]  # a seed cut short is not in the spread
        spread = report.margin_seed_spread(per_seed, 3)
        self.assertEqual((spread["seeds"], spread["mean"]), (2, 7.0))
        self.assertAlmostEqual(spread["std"], 18 ** 0.5)
        self.assertAlmostEqual(spread["standardError"], 3.0)
        self.assertIsNone(report.margin_seed_spread(per_seed[:1], 3))
        line = report_markdown.seed_spread_line(spread, 8.0)
        self.assertIn("+7.00 ± 4.24 points", line)
        self.assertIn("the target is 0.3 standard errors above that mean", line)

    def test_a_seed_that_has_not_held_out_every_family_is_held_back_from_the_tables(self):
        def runs(*seeds):
            return [{"seed": s, "selected": {"all": {"acc10": 50}}} for s in seeds]
        by = {("lofo", "a", "v2", "full", None): runs(0, 1, 2),
              ("lofo", "b", "v2", "full", None): runs(0, 1),  # seed 2 stopped after family a
              ("lofo", "a", "nnlp", None, None): runs(0),
              ("lofo", "b", "nnlp", None, None): runs(0),
              ("lofo", "c", "nnlp", None, None): runs(0),  # every NNLP seed has c, none of V2's: not a V2 gap
              ("lofo", "c", "v2", "plain_ffn", "ablation"): runs(5),  # a variant's seeds are its own
              ("in-domain", None, "v2", "full", None): runs(7)}  # in-domain seeds are never held back
        kept, back = report.hold_back_incomplete_seeds(by)
        self.assertEqual(back, [{"model": "v2", "variant": "full", "tag": None, "seed": 2, "families": ["a"], "of": 2}])
        self.assertEqual([r["seed"] for r in kept[("lofo", "a", "v2", "full", None)]], [0, 1])
        self.assertEqual({k: len(v) for k, v in kept.items() if k != ("lofo", "a", "v2", "full", None)},
                         {k: len(v) for k, v in by.items() if k != ("lofo", "a", "v2", "full", None)})
        line = report_markdown.held_back_lines({"lofoSeedsHeldBack": back})[0]
        self.assertIn("NAR-Former V2 seed 2 (1 of 2: a)", line)
        self.assertEqual(report_markdown.held_back_lines({"lofoSeedsHeldBack": []}), [])

    def test_the_report_averages_complete_seeds_only(self):
        def line(model, held, seed, acc10):
            scores = {"mape": 100.0 - acc10, "acc10": acc10, "acc5": acc10 / 2, "kendall": 0.5}
            return {"dataset": "d", "platform": "p", "mode": "extended", "protocol": "lofo", "heldOut": held,
                    "model": model, "variant": "full" if model == "v2" else None, "seed": seed,
                    "config": {"epochs": 1, "dim": 8, "layers": 1}, "parameters": 10,
                    "split": {"train": 10, "validation": 2, "test": 5}, "selected": {"all": scores, "families": {}}}
        lines = [line(m, f, 0, 40) for m in ("v2", "nnlp") for f in ("a", "b")] + [line("v2", "a", 1, 100)]
        entry = report.build(lines)["d / p (extended tokens)"]
        self.assertEqual(entry["checks"]["lofo"]["acc10MarginOverNnlp"]["points"], 0.0)
        self.assertEqual(entry["lofo"]["v2"]["a"]["acc10"]["n"], 1)
        self.assertEqual([b["seed"] for b in entry["lofoSeedsHeldBack"]], [1])
        summary = "\n".join(report_markdown.summary_lines({"d / p (extended tokens)": entry}))
        self.assertIn("(1 seed per family, 1 epoch; not yet complete: seed 1); +0.0 points: not met", summary)

    def test_a_study_shares_the_regression_baselines_of_its_own_split_only(self):
        def line(model, train, tag=None):
            return {"dataset": "d", "platform": "p", "mode": "extended", "protocol": "in-domain", "heldOut": None,
                    "model": model, "split": {"train": train, "validation": 10, "test": 10},
                    **({"tag": tag} if tag else {})}
        lines = [line("flops", 100), line("flops_mac", 100), line("v2", 100),
                 line("v2", 100, "same-data"), line("v2", 40, "older-data")]
        out = report.sections(lines)
        models = lambda title: sorted(r["model"] for r in out[title][1])
        self.assertEqual(models("d / p (extended tokens) — study same-data"), ["flops", "flops_mac", "v2"])
        self.assertEqual(models("d / p (extended tokens) — study older-data"), ["v2"])
        # A study that fits its own baselines (other tokens of the same graphs) gets only those.
        out = report.sections(lines + [line("flops", 100, "own-tokens"), line("v2", 100, "own-tokens")])
        own = out["d / p (extended tokens) — study own-tokens"][1]
        self.assertEqual(sorted((r["model"], bool(r.get("sharedBaseline"))) for r in own),
                         [("flops", False), ("flops_mac", True), ("v2", False)])

    def test_in_domain_detail_counts_families_and_the_seed_spread_of_the_difference(self):
        mape = lambda avg, std, n=3: {"mape": {"avg": avg, "std": std, "n": n}}
        v2 = {"all": mape(7.0, 0.3), "families": {"a": mape(5, 0), "b": mape(9, 0), "c": mape(4, 0)}}
        nnlp = {"all": mape(6.8, 0.4), "families": {"a": mape(6, 0), "b": mape(8, 0)}}
        detail = report.in_domain_detail(v2, nnlp)
        self.assertEqual((detail["familiesV2LowerMape"], detail["families"]), (1, 2))  # c: no NNLP cell
        self.assertAlmostEqual(detail["mapeDiffSeedSpread"], 0.5)
        one_seed = dict(nnlp, all=mape(6.8, 0.0, n=1))
        self.assertIsNone(report.in_domain_detail(v2, one_seed)["mapeDiffSeedSpread"])


class MergeRuns(unittest.TestCase):
    def test_each_run_once_first_occurrence_wins_order_kept(self):
        line = lambda held, seed, mape: json.dumps({"protocol": "lofo", "heldOut": held, "model": "v2", "variant": "full",
                                                    "seed": seed, "platform": "p", "tag": "t", "mape": mape})
        merged = merge_runs.merge([line("a", 0, 1), "\n", line("b", 0, 2), line("a", 0, 9), line("a", 1, 3)])
        self.assertEqual([json.loads(m)["mape"] for m in merged], [1, 2, 3])

    def test_the_lanes_merge_keeps_new_runs_when_nothing_is_committed_yet(self):
        # reproduce.sh runs under `set -e`; its merge once lost every finished run of a lane whose committed file
        # did not exist yet. The function is taken from the script itself and run the way the script runs it.
        import re
        import subprocess
        script = os.path.join(os.path.dirname(__file__), "..", "train", "reproduce.sh")
        with open(script, encoding="utf-8") as f:
            function = re.search(r"^merge_into\(\) \{.*?^\}", f.read(), re.S | re.M).group(0)
        line = lambda seed: json.dumps({"protocol": "lofo", "heldOut": "a", "model": "v2", "variant": "full",
                                        "seed": seed, "platform": "p"}) + "\n"
        with temp_dir() as tmp:
            jobs = []
            for seed in (0, 1):
                jobs.append(os.path.join(tmp, "job-%d.jsonl" % seed))
                with open(jobs[-1], "w", encoding="utf-8") as f:
                    f.write(line(seed))
            committed = os.path.join(tmp, "committed.jsonl")
            run = lambda *files: subprocess.run(["sh", "-ec", function + '\nmerge_into "$@"', "sh", committed, *files],
                                                check=True, env=dict(os.environ, PYTHON=sys.executable),
                                                cwd=os.path.join(os.path.dirname(__file__), "..", ".."))
            run(*jobs)
            with open(committed, encoding="utf-8") as f:
                self.assertEqual([json.loads(l)["seed"] for l in f], [0, 1])
            run(jobs[1], jobs[0])  # a second merge adds nothing twice
            with open(committed, encoding="utf-8") as f:
                self.assertEqual([json.loads(l)["seed"] for l in f], [0, 1])


class ProtocolAndReport(unittest.TestCase):
    def test_runs_resume_and_render(self):
        with temp_dir() as tmp:
            folder = make_folder(os.path.join(tmp, "t"), graphs=60, seed=7)
            runs = os.path.join(tmp, "runs.jsonl")
            args = ["--tensors", folder, "--platform", "synthetic-a", "--protocol", "in-domain,lofo",
                    "--models", "v2,nnlp,flops", "--variants", "full,no_static", "--seeds", "0-1", "--epochs", "1",
                    "--dim", "16", "--out", runs, "--quiet", "--families", "beta", "--threads", "1", "--paper-selection"]
            with redirect_stdout(io.StringIO()) as out:
                protocol.main(args)
            first = json.loads(out.getvalue())
            # per split: v2 2 variants x 2 seeds + nnlp 2 seeds + flops 1 = 7; splits: in-domain + lofo(beta)
            self.assertEqual(first["written"], 14)
            with redirect_stdout(io.StringIO()) as out:
                protocol.main(args)
            self.assertEqual(json.loads(out.getvalue())["written"], 0)
            with open(runs, encoding="utf-8") as f:
                lines = [json.loads(l) for l in f]
            lofo = [l for l in lines if l["protocol"] == "lofo"]
            self.assertTrue(all(l["heldOut"] == "beta" and set(l["selected"]["families"]) == {"beta"} for l in lofo))
            noise = os.path.join(tmp, "noise.json")
            with open(noise, "w", encoding="utf-8") as f:
                json.dump({"platform": "synthetic-a", "passes": [3, 4], "subset": 20, "compared": 20,
                           "medianDisagreement": 0.04, "p90Disagreement": 0.1, "maxDisagreement": 0.2,
                           "passMape": 0.05}, f)
            with redirect_stdout(io.StringIO()):
                report.main([runs, "--noise", noise, "--out", os.path.join(tmp, "bench")])
            with open(os.path.join(tmp, "bench", "latency.md"), encoding="utf-8") as f:
                md = f.read()
            with open(os.path.join(tmp, "bench", "latency.json"), encoding="utf-8") as f:
                js = json.load(f)
            section = js["sections"]["synthetic / synthetic-a (reference tokens)"]
            v2_runs = [l for l in lines if l["protocol"] == "in-domain" and l["model"] == "v2" and l["variant"] == "full"]
            self.assertAlmostEqual(section["inDomain"]["v2"]["all"]["mape"]["avg"],
                                   np.mean([l["selected"]["all"]["mape"] for l in v2_runs]))
            self.assertEqual(section["inDomain"]["v2"]["all"]["mape"]["n"], 2)
            v2_mapes = [l["selected"]["all"]["mape"] for l in v2_runs]
            self.assertAlmostEqual(section["inDomain"]["v2"]["all"]["mape"]["std"], np.std(v2_mapes))
            self.assertIn("%.2f ± %.2f" % (np.mean(v2_mapes), np.std(v2_mapes)), md)
            self.assertIn("median 4.0 %, p90 10.0 %. One pass as a predictor of the other scores 5.0 % MAPE", md)
            target = section["checks"]["noiseTarget"]
            self.assertEqual(target["met"], np.mean(v2_mapes) <= 8.0)
            nnlp_lofo = [l for l in lofo if l["model"] == "nnlp"]
            v2_lofo = [l for l in lofo if l["model"] == "v2" and l["variant"] == "full"]
            margin = section["checks"]["lofo"]["acc10MarginOverNnlp"]["points"]
            self.assertAlmostEqual(margin, np.mean([l["selected"]["all"]["acc10"] for l in v2_lofo])
                                   - np.mean([l["selected"]["all"]["acc10"] for l in nnlp_lofo]))
            self.assertIn("### Checks", md)
            # The summary row repeats the section's numbers: V2 vs NNLP in-domain (seeds, epochs) and the margin.
            nnlp_in = np.mean([l["selected"]["all"]["mape"] for l in lines
                               if l["protocol"] == "in-domain" and l["model"] == "nnlp"])
            row = next(l for l in md.splitlines() if l.startswith("| synthetic / synthetic-a (reference tokens) |"))
            self.assertIn("%.2f ± %.2f vs %.2f" % (np.mean(v2_mapes), np.std(v2_mapes), nnlp_in), row)
            self.assertIn("(2 seeds, 1 epoch)", row)
            self.assertIn("%+.1f points: %s" % (margin, "met" if margin >= 8 else "not met"), row)
            # A tagged study (the ablation at fewer epochs) is not skipped by, nor mixed with, the untagged runs.
            tagged = ["--tensors", folder, "--platform", "synthetic-a", "--protocol", "in-domain", "--models", "v2",
                      "--variants", "full,no_static", "--seeds", "0", "--epochs", "1", "--dim", "16", "--out", runs,
                      "--quiet", "--threads", "1", "--tag", "ablation"]
            with redirect_stdout(io.StringIO()) as out:
                protocol.main(tagged)
            self.assertEqual(json.loads(out.getvalue())["written"], 2)
            with redirect_stdout(io.StringIO()):
                report.main([runs, "--out", os.path.join(tmp, "bench2")])
            with open(os.path.join(tmp, "bench2", "latency.json"), encoding="utf-8") as f:
                section2 = json.load(f)["sections"]["synthetic / synthetic-a (reference tokens)"]
            self.assertEqual(section2["ablation"]["in-domain"]["full"]["mape"]["n"], 1)
            self.assertEqual(section2["inDomain"]["v2"]["all"]["mape"]["n"], 2)
            self.assertIn("| beta |", md)
            self.assertIn("### Leave one family out", md)
            self.assertIn("− static features", md)
            # the reference's test-selected epoch can only be as good as or better than the validation-selected one
            for l in v2_runs:
                self.assertLessEqual(l["testSelected"]["all"]["mape"], l["selected"]["all"]["mape"] + 1e-9)
            self.assertIn("epoch chosen on the test split", md)

    def test_in_domain_runs_keep_members_that_export_as_the_ensemble(self):
        with temp_dir() as tmp:
            folder = make_folder(os.path.join(tmp, "t"), graphs=60, seed=7)
            runs, members_dir = os.path.join(tmp, "runs.jsonl"), os.path.join(tmp, "members")
            args = ["--tensors", folder, "--platform", "synthetic-a", "--protocol", "in-domain", "--models", "v2",
                    "--seeds", "0-1", "--epochs", "1", "--dim", "16", "--out", runs, "--quiet", "--threads", "1",
                    "--checkpoints", members_dir]
            with redirect_stdout(io.StringIO()) as out:
                protocol.main(args)
            self.assertEqual(json.loads(out.getvalue())["written"], 2)
            self.assertEqual(sorted(os.listdir(members_dir)), ["member-0.pt", "member-1.pt"])
            # A lost member is retrained (the result line stays as it was); a saved one is skipped.
            os.remove(os.path.join(members_dir, "member-1.pt"))
            with redirect_stdout(io.StringIO()) as out:
                protocol.main(args)
            self.assertEqual(json.loads(out.getvalue())["written"], 0)
            self.assertTrue(os.path.exists(os.path.join(members_dir, "member-1.pt")))
            self.assertEqual(len(lines_of(runs)), 2)
            # Members of another schedule in the same folder are not this run's: retrained, lines kept.
            longer = list(args)
            longer[args.index("--epochs") + 1] = "2"
            with redirect_stdout(io.StringIO()) as out:
                protocol.main(longer)
            self.assertEqual(json.loads(out.getvalue())["written"], 0)
            for seed in (0, 1):
                saved = torch.load(os.path.join(members_dir, "member-%d.pt" % seed), map_location="cpu")
                self.assertEqual(saved["record"]["config"]["epochs"], 2)
            self.assertEqual(len(lines_of(runs)), 2)
            export_args = ["--tensors", folder, "--platform", "synthetic-a", "--test-fraction", "0.1", "--dim", "16",
                           "--from-checkpoints", members_dir, "--out", os.path.join(tmp, "models"), "--quiet",
                           "--threads", "1"]
            with redirect_stdout(io.StringIO()) as out:
                train_predictor.main(export_args)
            with open(os.path.join(tmp, "models", "manifest.json"), encoding="utf-8") as f:
                entry = json.load(f)["predictors"][0]
            self.assertEqual([m["seed"] for m in entry["ensemble"]["members"]], [0, 1])
            self.assertEqual(entry["trainedOn"]["test"], json.loads(lines_of(runs)[0])["split"]["test"])
            # Members trained on another split would calibrate on graphs they trained on: refused.
            with self.assertRaisesRegex(SystemExit, "trained on another split"):
                train_predictor.main([a if a != "0.1" else "0.2" for a in export_args])
            with self.assertRaisesRegex(SystemExit, "--checkpoints keeps ensemble members"):
                protocol.main(args[:5] + ["in-domain,lofo"] + args[6:])

    def test_study_descriptions_name_each_section_and_its_summary_row(self):
        with temp_dir() as tmp:
            folder = make_folder(os.path.join(tmp, "t"), graphs=60, seed=7)
            runs = os.path.join(tmp, "runs.jsonl")
            with redirect_stdout(io.StringIO()):
                protocol.main(["--tensors", folder, "--platform", "synthetic-a", "--protocol", "in-domain",
                               "--models", "v2,nnlp", "--seeds", "0", "--epochs", "1", "--dim", "16", "--out", runs,
                               "--quiet", "--threads", "1"])
            studies = os.path.join(tmp, "studies.json")
            with open(studies, "w", encoding="utf-8") as f:
                json.dump({"synthetic": {"": {"role": "headline", "about": "One epoch on 60 graphs."}}}, f)
            with redirect_stdout(io.StringIO()):
                report.main([runs, "--studies", studies, "--out", tmp])
            with open(os.path.join(tmp, "latency.md"), encoding="utf-8") as f:
                md = f.read()
            self.assertIn("| synthetic / synthetic-a (reference tokens) (headline) |", md)
            self.assertIn("*Headline.* One epoch on 60 graphs.", md)
            with open(studies, "w", encoding="utf-8") as f:
                json.dump({"synthetic": {"": {"role": "headline"}}}, f)
            with self.assertRaisesRegex(SystemExit, "needs exactly a \"role\" and an \"about\""):
                report.main([runs, "--studies", studies, "--out", tmp])

    def test_rejects_unknown_names(self):
        with self.assertRaisesRegex(SystemExit, "unknown model 'gcn'"):
            protocol.main(["--tensors", "x", "--platform", "p", "--models", "gcn", "--out", "o"])
        with self.assertRaisesRegex(SystemExit, "not a folder"):
            protocol.main(["--tensors", "/nonexistent", "--platform", "p", "--out", "o"])


if __name__ == "__main__":
    unittest.main()
