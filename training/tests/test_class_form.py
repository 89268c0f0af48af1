"""The class form (model/classes.py, `forward_classes`) against the edge form it stands in for at inference: the
same parameters on the same graph give the same latency and embedding (1e-5 relative in float32, 1e-10 in
float64) - on graphs whose token rows repeat (so that classes hold many vertices), with isolated vertices, without
edges, with one vertex - and the classes are what the graph alone decides (hand-checked numbering). Also the
re-export of an edge-form file in the class form from its own weights (train/convert_form.py)."""
import json
import os
import unittest

import numpy as np
import onnx
import torch

from training.model.classes import input_names, vertex_classes
from training.model.edges import symmetric_edges
from training.model.narformer_v2 import NARFormerV2
from training.tests.common import temp_dir
from training.tests.test_edge_form import TOLERANCE, OnV2Variants, random_graph, trained_like
from training.train import convert_form, export

torch.set_num_threads(1)


def repeated_tokens(rng, n, dim, kinds):
    """n token rows drawn from `kinds` distinct rows: repeated layers, as in real networks."""
    pool = rng.uniform(0, 2, size=(kinds, dim)).astype(np.float32)
    return pool[rng.integers(0, kinds, size=n)]


def class_inputs(tokens, edges, layers, dtype):
    """vertex_classes as the model's arguments: (tokens, degree, levels, count)."""
    c = vertex_classes(tokens, edges, layers)
    as_float = lambda a: torch.from_numpy(a).to(dtype)
    levels = [tuple(torch.from_numpy(c["class_%s_%d" % (part, l)]) for part in ("parent", "src", "dst"))
              for l in range(1, layers + 1)]
    return as_float(c["tokens"]), as_float(c["degree"]), levels, as_float(c["class_count"])


class VertexClasses(unittest.TestCase):
    def test_a_path_of_identical_vertices(self):
        # 0-1-2-3-4, every token equal: level 0 splits by degree (ends 1, inside 2); level 1 splits the inside
        # vertices next to an end from the middle one; level 2 changes nothing more.
        c = vertex_classes(np.ones((5, 3), np.float32), [[0, 1], [1, 2], [2, 3], [3, 4]], 2)
        np.testing.assert_array_equal(c["degree"], [[1.0], [2.0]])
        np.testing.assert_array_equal(c["class_parent_1"], [0, 1, 1])            # classes {0,4} {1,3} {2}
        np.testing.assert_array_equal(c["class_src_1"], [0, 1, 1, 2, 2])          # edges of vertices 0, 1, 2
        np.testing.assert_array_equal(c["class_dst_1"], [1, 0, 1, 1, 1])          # their neighbours' classes 0
        np.testing.assert_array_equal(c["class_parent_2"], [0, 1, 2])
        np.testing.assert_array_equal(c["class_dst_2"], [1, 0, 2, 1, 1])
        np.testing.assert_array_equal(c["class_count"], [[2.0], [2.0], [1.0]])
        self.assertEqual(sorted(list(c) + ["static"]), sorted(input_names(2)))

    def test_tokens_that_differ_split_classes_and_duplicate_edges_count_once(self):
        tokens = np.zeros((3, 2), np.float32)
        tokens[2, 1] = 1e-7
        c = vertex_classes(tokens, [[0, 1], [1, 0], [1, 2], [2, 2]], 1)
        self.assertEqual(len(c["tokens"]), 3)
        np.testing.assert_array_equal(c["degree"], [[1.0], [2.0], [1.0]])
        self.assertEqual(len(c["class_src_1"]), 4)

    def test_repetition_compresses(self):
        # Ten identical 4-vertex blocks in a chain: the classes do not grow with the chain.
        blocks, edges = 10, []
        for b in range(blocks):
            base = 4 * b
            edges += [[base, base + 1], [base + 1, base + 2], [base + 1, base + 3], [base + 2, base + 3]]
            if b:
                edges.append([base - 1, base])
        tokens = np.tile(np.eye(4, dtype=np.float32), (blocks, 1))
        c = vertex_classes(tokens, edges, 2)
        self.assertLess(len(c["class_count"]), 16)
        self.assertEqual(float(c["class_count"].sum()), 4 * blocks)
        self.assertLess(len(c["class_src_2"]), len(symmetric_edges(edges)[0]) / 2)


class ClassFormEqualsEdgeForm(OnV2Variants, unittest.TestCase):
    def compare(self, model, tokens, edges, seed, dtype):
        layers = model.config["layers"]
        generator = torch.Generator().manual_seed(seed)
        static = torch.randn((1, model.config["static_dim"]), generator=generator).to(dtype)
        src, dst = (torch.from_numpy(a) for a in symmetric_edges(edges))
        with torch.no_grad():
            expected, expected_embedding = model.forward_edges(torch.from_numpy(tokens).to(dtype), src, dst, static,
                                                               distinct=False)
            latency, embedding = model.forward_classes(*class_inputs(tokens, edges, layers, dtype), static)
        what = "%s n=%d E=%d" % (dtype, len(tokens), len(src))
        rel = abs(float(latency[0] - expected[0])) / abs(float(expected[0]))
        self.assertLessEqual(rel, TOLERANCE[dtype], "latency %s: %g" % (what, rel))
        worst = float((embedding - expected_embedding).abs().max()) / float(expected_embedding.abs().max())
        self.assertLessEqual(worst, TOLERANCE[dtype], "embedding %s: %g" % (what, worst))

    def check(self, make, seed):
        for dtype in (torch.float32, torch.float64):
            model = trained_like(make, seed).to(dtype)
            dim = model.config["token_dim"]
            rng = np.random.default_rng(seed)
            cases = [(1, 0, 0, 1), (5, 0, 0, 2), (2, 1, 0, 1), (12, 20, 3, 3), (60, 150, 0, 4), (250, 400, 20, 6)]
            for i, (n, edge_count, isolated, kinds) in enumerate(cases):
                tokens = repeated_tokens(rng, n, dim, kinds)
                self.compare(model, tokens, random_graph(rng, n, edge_count, isolated), seed * 100 + i, dtype)

    def test_classes_merged_wrongly_change_the_prediction(self):
        # Vertices 0 and 2 of a path 0-1-2-3 share token and degree only if the path is cut: counting the
        # classes of the cut graph on the whole graph must not pass.
        model = trained_like(lambda: NARFormerV2(token_dim=4, static_dim=2, dim=16, head_hidden=16), 3)
        tokens = np.ones((4, 4), np.float32)
        whole = [[0, 1], [1, 2], [2, 3]]
        static = torch.randn(1, 2)
        src, dst = (torch.from_numpy(a) for a in symmetric_edges(whole))
        with torch.no_grad():
            expected, _ = model.forward_edges(torch.from_numpy(tokens), src, dst, static, distinct=False)
            wrong, _ = model.forward_classes(*class_inputs(tokens, [[0, 1], [2, 3]], 2, torch.float32), static)
        self.assertGreater(abs(float(wrong[0] - expected[0])) / abs(float(expected[0])), TOLERANCE[torch.float32])

    def test_global_attention_has_no_class_form(self):
        model = NARFormerV2(token_dim=4, static_dim=2, dim=16, head_hidden=16, attention="global").eval()
        with self.assertRaisesRegex(ValueError, "only for graph-aided attention"):
            model.forward_classes(*class_inputs(np.ones((2, 4), np.float32), [[0, 1]], 2, torch.float32),
                                  torch.zeros(1, 2))


class ConvertForm(unittest.TestCase):
    """convert_form recovers the members of an edge-form file from its initializers and re-exports them."""

    def setUp(self):
        self.members = [trained_like(lambda: NARFormerV2(token_dim=12, static_dim=4, dim=16, head_hidden=16), s)
                        for s in range(3)]
        self.scales = [1.0, 1.1, 0.9]
        self.tmp = temp_dir()
        self.dir = self.tmp.name
        self.onnx = os.path.join(self.dir, "p.onnx")
        module = export.export_onnx(self.members, self.onnx, 12, 4, "edges", self.scales)
        rng = np.random.default_rng(0)
        samples = []
        with torch.no_grad():
            for n, kinds in ((1, 1), (30, 3)):
                src, dst = (torch.from_numpy(a) for a in symmetric_edges(random_graph(rng, n, 2 * n)))
                inputs = (torch.from_numpy(repeated_tokens(rng, n, 12, kinds)), src, dst, torch.randn(1, 4))
                samples.append({"inputs": {k: export.packed(v) for k, v in zip(export.INPUT_FORMS["edges"], inputs)},
                                "outputs": {k: export.packed(v) for k, v in zip(export.OUTPUT_NAMES, module(*inputs))}})
        self.parity = os.path.join(self.dir, "parity.json")
        with open(self.parity, "w") as f:
            json.dump({"inputForm": "edges", "samples": samples}, f)
        self.entry = {"id": "p", "file": "p.onnx", "sha256": export.sha256_of(self.onnx), "inputForm": "edges",
                      "inputs": {"names": export.INPUT_FORMS["edges"], "tokenDim": 12, "staticDim": 4},
                      "architecture": {"model": "v2", "variant": "full", "dim": 16, "layers": 2, "headHidden": 16}}
        export.update_manifest(os.path.join(self.dir, "manifest.json"), self.entry)

    def tearDown(self):
        self.tmp.cleanup()

    def test_the_recovered_members_are_the_exported_ones(self):
        members, scales = convert_form.recover_members(self.onnx, self.entry)
        self.assertEqual([round(v, 6) for v in scales], self.scales)
        for got, want in zip(members, self.members):
            for (name, a), b in zip(got.state_dict().items(), want.state_dict().values()):
                torch.testing.assert_close(a, b, rtol=0, atol=0, msg=name)

    def test_conversion_writes_the_class_form_and_its_parity(self):
        worst = convert_form.convert(self.onnx, self.parity, "classes")
        self.assertLessEqual(worst, 1e-5)
        with open(os.path.join(self.dir, "manifest.json")) as f:
            entry = json.load(f)["predictors"][0]
        self.assertEqual((entry["inputForm"], entry["inputs"]["names"]), ("classes", input_names(2)))
        self.assertEqual(entry["sha256"], export.sha256_of(self.onnx))
        self.assertEqual([i.name for i in onnx.load(self.onnx).graph.input], input_names(2))
        with open(self.parity) as f:
            parity = json.load(f)
        self.assertEqual(parity["inputForm"], "classes")
        self.assertEqual(sorted(parity["samples"][1]["inputs"]), sorted(input_names(2)))

    def test_a_wrong_file_is_refused_and_nothing_is_written(self):
        with open(self.parity) as f:
            parity = json.load(f)
        parity["samples"][1]["outputs"]["latency_ms"]["data"][0] *= 1.01
        with open(self.parity, "w") as f:
            json.dump(parity, f)
        before = export.sha256_of(self.onnx)
        with self.assertRaisesRegex(ValueError, "miss the saved outputs"):
            convert_form.convert(self.onnx, self.parity, "classes")
        self.assertEqual(export.sha256_of(self.onnx), before)


if __name__ == "__main__":
    unittest.main()
