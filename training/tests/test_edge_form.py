"""The edge-list forward (model/edges.py, `forward_edges`) against the dense forward that training uses: same
parameters, same graph, the same latency and embedding within 1e-5 relative in float32 (and within 1e-10 in
float64, where rounding cannot hide a small difference in the formula) - on random graphs with duplicate edges,
self-loops and isolated vertices, a graph without edges (E = 0, also N = 1), and with weights moved away from
their initial values so that every branch (biases, layer scale, LayerNorm affine) contributes."""
import unittest

import numpy as np
import torch

from training.model.edges import sum_by_source, symmetric_edges
from training.model.narformer_v2 import NARFormerV2
from training.model.nnlp import NNLP
from training.train.batching import dense_adjacency
from training.train.export import has_edge_form

torch.set_num_threads(1)
TOLERANCE = {torch.float32: 1e-5, torch.float64: 1e-10}


def trained_like(make, seed):
    """The model `make()` builds from `seed`, every parameter perturbed: initial values (zero biases, layer scale
    1e-4, unit LayerNorm) would hide a branch that the edge form computes differently."""
    torch.manual_seed(seed)
    model = make()
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=generator)
            if name.endswith("gamma"):
                p.copy_(0.5 + 0.2 * noise)  # a real layer scale, not the 1e-4 of initialisation
            else:
                p.add_(0.2 * noise * (p.abs().mean() + 0.05))
    return model.eval()


def random_graph(rng, n, edge_count, isolated=0):
    """Directed edges among the first n - isolated vertices, with some duplicates, reversed copies and self-loops."""
    linked = n - isolated
    if linked < 2 or edge_count == 0:
        return np.zeros((0, 2), dtype=np.int64)
    edges = rng.integers(0, linked, size=(edge_count, 2))
    extra = edges[rng.integers(0, len(edges), size=max(1, edge_count // 5))]
    return np.concatenate([edges, extra[:, ::-1], extra, [[0, 0]]]).astype(np.int64)


# Small V2 models (builder, seed) that every inference form is compared on: the full model, one without the
# static branch and the degree gate and with the plain FFN, and one of three layers.
V2_VARIANTS = {
    "full": (lambda: NARFormerV2(token_dim=24, static_dim=6, dim=32, head_hidden=32), 0),
    "bare": (lambda: NARFormerV2(token_dim=24, static_dim=6, dim=32, head_hidden=32, use_static=False,
                                 type_aware=False, ffn="plain"), 1),
    "three layers": (lambda: NARFormerV2(token_dim=16, static_dim=4, dim=16, layers=3, head_hidden=16), 2),
}


class OnV2Variants:
    """Mixin: `self.check(builder, seed)` on each of V2_VARIANTS."""

    def test_v2_full(self):
        self.check(*V2_VARIANTS["full"])

    def test_v2_without_static_gating_and_with_plain_ffn(self):
        self.check(*V2_VARIANTS["bare"])

    def test_v2_three_layers(self):
        self.check(*V2_VARIANTS["three layers"])


class SymmetricEdges(unittest.TestCase):
    def test_the_nonzero_pairs_of_the_dense_adjacency_in_row_major_order(self):
        rng = np.random.default_rng(0)
        for n in (1, 2, 7, 40):
            edges = random_graph(rng, n, 3 * n, isolated=n // 4)
            src, dst = symmetric_edges(edges)
            rows, cols = np.nonzero(dense_adjacency(edges, n))
            self.assertEqual(src.dtype, np.int64)
            np.testing.assert_array_equal(src, rows)
            np.testing.assert_array_equal(dst, cols)

    def test_no_edges(self):
        src, dst = symmetric_edges(np.zeros((0, 2), dtype=np.int64))
        self.assertEqual((src.shape, dst.shape), ((0,), (0,)))
        src, dst = symmetric_edges([[3, 3]])  # only a self-loop
        self.assertEqual(len(src), 0)


class SumBySource(unittest.TestCase):
    def test_repeated_sources_accumulate_and_the_gradient_is_right(self):
        src = torch.tensor([2, 0, 2, 2], dtype=torch.int64)
        values = torch.arange(8, dtype=torch.float64).reshape(4, 2)
        self.assertEqual(sum_by_source(values, src, 4).tolist(), [[2, 3], [0, 0], [10, 13], [0, 0]])
        values.requires_grad_(True)
        self.assertTrue(torch.autograd.gradcheck(lambda v: sum_by_source(v, src, 4), (values,)))


class EdgeFormEqualsDense(OnV2Variants, unittest.TestCase):
    def compare(self, model, n, edges, seed, dtype):
        token_dim, static_dim = model.config["token_dim"], model.config["static_dim"]
        generator = torch.Generator().manual_seed(seed)
        tokens = (torch.rand((n, token_dim), generator=generator) * 2.0).to(dtype)
        static = torch.randn((1, static_dim), generator=generator).to(dtype)
        src, dst = (torch.from_numpy(a) for a in symmetric_edges(edges))
        adjacency = torch.from_numpy(dense_adjacency(edges, n)).to(dtype)
        with torch.no_grad():
            dense_latency, dense_embedding = model(tokens[None], adjacency[None], torch.ones(1, n, dtype=dtype), static)
            latency, embedding = model.forward_edges(tokens, src, dst, static)
        self.assertEqual(tuple(latency.shape), (1,))
        self.assertEqual(tuple(embedding.shape), tuple(dense_embedding.shape))
        what = "%s n=%d E=%d" % (dtype, n, len(src))
        rel = abs(float(latency[0] - dense_latency[0])) / abs(float(dense_latency[0]))
        self.assertLessEqual(rel, TOLERANCE[dtype], "latency %s: %g" % (what, rel))
        worst = float((embedding - dense_embedding).abs().max()) / float(dense_embedding.abs().max())
        self.assertLessEqual(worst, TOLERANCE[dtype], "embedding %s: %g" % (what, worst))
        return len(src)

    def check(self, make, seed):
        for dtype in (torch.float32, torch.float64):
            model = trained_like(make, seed).to(dtype)
            rng = np.random.default_rng(seed)
            cases = [(1, 0, 0), (5, 0, 0), (2, 1, 0), (12, 20, 3), (30, 45, 5), (60, 150, 0), (250, 400, 20)]
            seen_empty = False
            for i, (n, edge_count, isolated) in enumerate(cases):
                count = self.compare(model, n, random_graph(rng, n, edge_count, isolated), seed * 100 + i, dtype)
                seen_empty |= count == 0
            self.assertTrue(seen_empty, "a graph without edges was compared")

    def test_nnlp(self):
        self.check(lambda: NNLP(token_dim=12, static_dim=4, dim=32, head_hidden=32), 3)

    def test_global_attention_has_no_edge_form(self):
        model = NARFormerV2(token_dim=8, static_dim=4, dim=16, head_hidden=16, attention="global").eval()
        src = dst = torch.zeros(0, dtype=torch.int64)
        with self.assertRaisesRegex(ValueError, "only for graph-aided attention"):
            model.forward_edges(torch.rand(3, 8), src, dst, torch.rand(1, 4))

    def test_the_exporter_falls_back_to_the_dense_form_only_for_global_attention(self):
        small = dict(token_dim=8, static_dim=4, dim=16, head_hidden=16)
        self.assertTrue(has_edge_form([NARFormerV2(**small), NNLP(**small)]))
        self.assertFalse(has_edge_form([NARFormerV2(**small), NARFormerV2(attention="global", **small)]))

    def test_the_comparison_can_fail(self):
        # Dropping one direction of an edge changes a degree and a row sum: the tolerance must notice.
        model = trained_like(lambda: NARFormerV2(token_dim=24, static_dim=6, dim=32, head_hidden=32), 4)
        edges = random_graph(np.random.default_rng(5), 20, 30)
        src, dst = symmetric_edges(edges)
        tokens, static = torch.rand(20, 24) * 2.0, torch.randn(1, 6)
        with torch.no_grad():
            dense, _ = model(tokens[None], torch.from_numpy(dense_adjacency(edges, 20))[None], torch.ones(1, 20), static)
            partial, _ = model.forward_edges(tokens, torch.from_numpy(src[1:]), torch.from_numpy(dst[1:]), static)
        self.assertGreater(abs(float(partial[0] - dense[0])) / abs(float(dense[0])), TOLERANCE[torch.float32])


if __name__ == "__main__":
    unittest.main()
