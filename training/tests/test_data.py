"""Tensor-folder validation, dense adjacency, bucketing and the protocol splits."""
import json
import os
import shutil
import unittest

import numpy as np

from training.train import splits
from training.train.batching import bucketed_batches, collate, dense_adjacency
from training.train.synthetic import make_folder
from training.train.tensors import TensorFolder, TensorFolderError
from training.tests.common import temp_dir


class TensorFolderChecks(unittest.TestCase):
    def setUp(self):
        self.tmp = temp_dir()
        self.good = make_folder(os.path.join(self.tmp.name, "good"), graphs=9, seed=1)

    def tearDown(self):
        self.tmp.cleanup()

    def broken(self, edit):
        path = os.path.join(self.tmp.name, "broken")
        shutil.rmtree(path, ignore_errors=True)
        shutil.copytree(self.good, path)
        edit(path)
        return path

    def test_reads_a_good_folder(self):
        data = TensorFolder(self.good)
        self.assertEqual(data.graph_count, 9)
        self.assertEqual(int(data.node_counts.sum()), data.features.shape[0])
        labelled, column = data.labelled("synthetic-b")
        self.assertTrue(np.all(np.isfinite(column[labelled])))
        self.assertEqual(len(labelled), int(np.isfinite(data.latency[:, 1]).sum()))

    def test_missing_file(self):
        path = self.broken(lambda p: os.remove(os.path.join(p, "edges.npy")))
        with self.assertRaisesRegex(TensorFolderError, "missing edges.npy"):
            TensorFolder(path)

    def test_not_a_folder(self):
        with self.assertRaisesRegex(TensorFolderError, "not a folder"):
            TensorFolder(os.path.join(self.tmp.name, "nope"))

    def test_truncated_npy(self):
        def cut(p):
            f = os.path.join(p, "features.npy")
            with open(f, "r+b") as fh:
                fh.truncate(os.path.getsize(f) // 2)
        with self.assertRaisesRegex(TensorFolderError, "cannot read features.npy"):
            TensorFolder(self.broken(cut))

    def test_feature_width_must_match_meta(self):
        def edit(p):
            with open(os.path.join(p, "meta.json"), encoding="utf-8") as f:
                meta = json.load(f)
            meta["featureDim"] = 150
            with open(os.path.join(p, "meta.json"), "w", encoding="utf-8") as f:
                json.dump(meta, f)
        with self.assertRaisesRegex(TensorFolderError, "featureDim 150"):
            TensorFolder(self.broken(edit))

    def test_token_rows_must_be_float32(self):
        def edit(p):
            f = np.load(os.path.join(p, "features.npy"))
            np.save(os.path.join(p, "features.npy"), f.astype(np.float64))
        with self.assertRaisesRegex(TensorFolderError, "features.npy has dtype float64"):
            TensorFolder(self.broken(edit))

    def test_edge_outside_its_graph(self):
        def edit(p):
            e = np.load(os.path.join(p, "edges.npy"))
            e[0, 1] = 10_000
            np.save(os.path.join(p, "edges.npy"), e)
        with self.assertRaisesRegex(TensorFolderError, "edge 0 of graph 0 .* points outside"):
            TensorFolder(self.broken(edit))

    def test_offsets_must_cover_rows(self):
        def edit(p):
            o = np.load(os.path.join(p, "node_offsets.npy"))
            o[-1] -= 1
            np.save(os.path.join(p, "node_offsets.npy"), o)
        with self.assertRaisesRegex(TensorFolderError, "node_offsets.npy must rise from 0"):
            TensorFolder(self.broken(edit))

    def test_non_positive_latency(self):
        def edit(p):
            y = np.load(os.path.join(p, "latency.npy"))
            y[0, 0] = 0.0
            np.save(os.path.join(p, "latency.npy"), y)
        with self.assertRaisesRegex(TensorFolderError, "non-positive"):
            TensorFolder(self.broken(edit))

    def test_unknown_platform(self):
        with self.assertRaisesRegex(TensorFolderError, "no platform 'raspi4'"):
            TensorFolder(self.good).labelled("raspi4")


class Batching(unittest.TestCase):
    def test_dense_adjacency_is_symmetric_without_self_loops(self):
        a = dense_adjacency(np.array([[0, 1], [1, 2], [1, 2], [2, 2]]), 4)
        self.assertEqual(a.tolist(), [[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0]])

    def test_collate_pads_and_masks(self):
        with temp_dir() as tmp:
            data = TensorFolder(make_folder(tmp, graphs=5, seed=2))
            tokens, adjacency, mask, static = collate(data, np.array([0, 3]), "v2")
            n0, n3 = data.node_counts[0], data.node_counts[3]
            self.assertEqual(tokens.shape[1], max(n0, n3))
            self.assertEqual(mask.sum(1).tolist(), [n0, n3])
            short = 0 if n0 < n3 else 1
            self.assertEqual(float(tokens[short, min(n0, n3):].abs().sum()), 0.0)
            self.assertEqual(float(adjacency[short, min(n0, n3):].sum()), 0.0)
            self.assertTrue(np.array_equal(tokens[0, :n0].numpy(), data.graph_tokens(0)))
            _, _, _, raw = collate(data, np.array([1]), "nnlp")
            self.assertEqual(raw.shape, (1, 4))

    def test_buckets_group_similar_sizes(self):
        counts = np.random.default_rng(0).integers(5, 500, size=400)
        batches = bucketed_batches(counts, np.arange(400), 16, np.random.default_rng(1))
        self.assertEqual(sorted(np.concatenate(batches).tolist()), list(range(400)))
        padded = sum(len(b) * counts[b].max() for b in batches)
        random = sum(len(b) * counts[b].max() for b in np.array_split(np.random.default_rng(2).permutation(400), 25))
        self.assertLess(padded, 1.15 * counts.sum())
        self.assertGreater(random, 1.5 * counts.sum())


class Splits(unittest.TestCase):
    families = ["a"] * 50 + ["b"] * 30 + ["c"] * 20

    def test_in_domain_is_per_family_disjoint_and_fixed(self):
        idx = np.arange(100)
        train, val, test = splits.in_domain(idx, self.families, split_seed=4)
        self.assertEqual(len(set(train) | set(val) | set(test)), 100)
        self.assertEqual(len(train) + len(val) + len(test), 100)
        fam = np.array(self.families)
        self.assertEqual([int((fam[test] == f).sum()) for f in "abc"], [5, 3, 2])
        self.assertEqual([int((fam[val] == f).sum()) for f in "abc"], [4, 3, 2])
        again = splits.in_domain(idx, self.families, split_seed=4)
        self.assertTrue(all(np.array_equal(x, y) for x, y in zip((train, val, test), again)))

    def test_no_test_share_keeps_every_graph(self):
        train, val, test = splits.in_domain(np.arange(100), self.families, test_fraction=0.0, val_fraction=0.1)
        self.assertEqual((len(train), len(val), len(test)), (90, 10, 0))

    def test_leave_one_family_out(self):
        train, val, test = splits.leave_one_family_out(np.arange(100), self.families, "b")
        fam = np.array(self.families)
        self.assertTrue(np.all(fam[test] == "b") and len(test) == 30)
        self.assertFalse(np.any(fam[train] == "b") or np.any(fam[val] == "b"))
        self.assertEqual(len(train) + len(val), 70)
        with self.assertRaisesRegex(ValueError, "family 'z'"):
            splits.leave_one_family_out(np.arange(100), self.families, "z")


if __name__ == "__main__":
    unittest.main()
