"""NAR-Former V2 and NNLP: parameter counts (spec §9), the padded batch against an independent per-graph
implementation of the spec formulas, the ablation switches, and the initialisation rules of §4.4."""
import math
import unittest

import numpy as np
import torch
import torch.nn.functional as F

from training.model.narformer_v2 import NARFormerV2
from training.model.nnlp import NNLP
from training.train.batching import collate, dense_adjacency
from training.train.synthetic import make_folder
from training.train.tensors import TensorFolder
from training.tests.common import temp_dir

torch.set_num_threads(1)


def count(model):
    return sum(p.numel() for p in model.parameters())


def reference_v2(model, x, a, s):
    """Spec §4.1-4.5 written out for one unpadded graph, reading the model's weights (eval mode)."""
    for block in model.blocks:
        if block.degree_gate is not None:
            deg = a.sum(1, keepdim=True)
            x = x * torch.sigmoid(deg @ block.degree_gate.weight.T + block.degree_gate.bias)
        phi = torch.sigmoid(x @ block.qk.weight.T + block.qk.bias)
        mask = a if block.attention == "graph" else torch.ones_like(a)
        scores = (phi @ phi.T) / math.sqrt(x.shape[1]) * mask
        p = scores / (scores.sum(1, keepdim=True) + 1e-6)
        h = (p @ x) @ block.lin_l.weight.T + block.lin_l.bias + x @ block.lin_r.weight.T
        h = torch.relu(h / h.norm(dim=1, keepdim=True).clamp(min=1e-12))
        ln = F.layer_norm(h, (h.shape[1],), block.norm.weight, block.norm.bias, 1e-5)
        x = h + block.gamma * block.ffn(ln)
    v = x.sum(0)
    u = torch.cat([v, torch.relu(model.static.weight @ s + model.static.bias)]) if model.static is not None else v
    return model.head(u[None])[0], v


class GroupFFNFormula(unittest.TestCase):
    def test_each_group_written_out(self):
        # Group j of each projection: its chunk of the input through its own weight and bias, then the shared
        # LayerNorm on that output chunk; the down projection reads the up projection's hidden vector in chunks.
        from training.model.narformer_v2 import GroupFFN
        torch.manual_seed(0)
        ffn = GroupFFN(32).eval()
        with torch.no_grad():
            for p in ffn.parameters():
                p.add_(0.3 * torch.randn(p.shape))
            x = torch.randn(7, 32)

            def projection(layer, v):
                width = layer.weight.shape[1]
                return torch.cat([F.layer_norm(v[:, j * width:(j + 1) * width] @ layer.weight[j] + layer.bias[j],
                                               (layer.weight.shape[2],), layer.norm.weight, layer.norm.bias, 1e-5)
                                  for j in range(layer.groups)], dim=1)
            expected = projection(ffn.down, torch.relu(projection(ffn.up, x)))
            torch.testing.assert_close(ffn(x), expected, rtol=1e-5, atol=1e-6)
            torch.testing.assert_close(ffn(x[None])[0], expected, rtol=1e-5, atol=1e-6)  # leading batch axis


class ParameterCounts(unittest.TestCase):
    def test_v2_latency_reference_size(self):
        self.assertEqual(count(NARFormerV2(token_dim=152, static_dim=40, dim=512, layers=2)), 2310921)

    def test_nnlp_with_norm_sf(self):
        self.assertEqual(count(NNLP(token_dim=44, static_dim=4, dim=512, layers=2)), 1360897)

    def test_plain_ffn_has_more_parameters_than_gffn(self):
        # GFFN: about 1/8 of the dense FFN's projection weights (paper Table 5 row 5)
        grouped = count(NARFormerV2(ffn="group"))
        plain = count(NARFormerV2(ffn="plain"))
        dense = 512 * 2048 + 2048 + 2048 * 512 + 512
        gffn = (512 * 2048 // 8 + 2048 + 2 * 256) + (2048 * 512 // 8 + 512 + 2 * 64)
        self.assertEqual(plain - grouped, 2 * (dense - gffn))

    def test_no_static_and_no_type_aware_remove_their_parameters(self):
        full = count(NARFormerV2())
        self.assertEqual(full - count(NARFormerV2(use_static=False)), 40 * 512 + 512 + 512 * 512)
        self.assertEqual(full - count(NARFormerV2(type_aware=False)), 2 * 152 + 2 * 512)


class BatchedEqualsPerGraph(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = temp_dir()
        cls.data = TensorFolder(make_folder(cls.tmp.name, graphs=12, seed=3))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def check(self, model, kind="v2"):
        torch.manual_seed(0)
        model.eval()
        with torch.no_grad():  # trained-looking biases, norms and layer scales: zero biases would hide leaks
            for p in model.parameters():
                if p.dim() == 1:
                    p.add_(0.2 * torch.randn_like(p))
        indices = np.arange(self.data.graph_count)
        tokens, adjacency, mask, static = collate(self.data, indices, kind)
        self.assertGreater(int(mask.sum(1).max() - mask.sum(1).min()), 5, "the batch must actually pad")
        with torch.no_grad():
            latency, embedding = model(tokens, adjacency, mask, static)
            for i, g in enumerate(indices):
                x = torch.from_numpy(np.array(self.data.graph_tokens(g, kind)))
                a = torch.from_numpy(dense_adjacency(self.data.graph_edges(g), len(x)))
                s = torch.from_numpy(self.data.static[g] if kind == "v2" else self.data.static_raw[g])
                if kind == "v2":
                    ref_latency, ref_embedding = reference_v2(model, x, a, s)
                else:
                    ref_latency, ref_embedding = model(x[None], a[None], torch.ones(1, len(x)), s[None])
                    ref_latency, ref_embedding = ref_latency[0], ref_embedding[0]
                self.assertLess(abs(float(latency[i] - ref_latency)) / float(ref_latency), 2e-6)
                self.assertLess(float((embedding[i] - ref_embedding).abs().max()), 1e-5 * float(ref_embedding.abs().max()))

    def test_v2_full(self):
        self.check(NARFormerV2(dim=64, head_hidden=64))

    def test_v2_without_static_and_gating(self):
        self.check(NARFormerV2(dim=64, head_hidden=64, use_static=False, type_aware=False, ffn="plain"))

    def test_v2_global_attention_ignores_padding(self):
        self.check(NARFormerV2(dim=64, head_hidden=64, attention="global"))

    def test_nnlp_padding_does_not_leak(self):
        self.check(NNLP(dim=64, head_hidden=64), kind="nnlp")

    def test_graph_attention_uses_only_neighbours(self):
        # Changing a node that is not adjacent to anything else must not change other nodes' aggregation:
        # with graph-aided attention an isolated node's features reach the readout only through itself.
        model = NARFormerV2(token_dim=8, static_dim=4, dim=16, head_hidden=16).eval()
        x = torch.randn(1, 4, 8)
        a = torch.zeros(1, 4, 4)
        a[0, 0, 1] = a[0, 1, 0] = a[0, 1, 2] = a[0, 2, 1] = 1.0
        mask = torch.ones(1, 4)
        with torch.no_grad():
            h1 = model.blocks[0](x, a, mask)
            x2 = x.clone(); x2[0, 3] += 5.0
            h2 = model.blocks[0](x2, a, mask)
            glob = NARFormerV2(token_dim=8, static_dim=4, dim=16, head_hidden=16, attention="global").eval()
            glob.load_state_dict(model.state_dict())
            g1, g2 = glob.blocks[0](x, a, mask), glob.blocks[0](x2, a, mask)
        self.assertTrue(torch.allclose(h1[0, :3], h2[0, :3]))
        self.assertFalse(torch.allclose(g1[0, :3], g2[0, :3]))


class Initialisation(unittest.TestCase):
    def test_rules_of_spec_4_4(self):
        torch.manual_seed(1)
        m = NARFormerV2()
        self.assertTrue(torch.all(m.blocks[0].gamma == 1e-4))
        fc1 = m.head.fc1  # thomas init: bias bound 1/sqrt(out_features)=1/sqrt(512), weight 1/sqrt(1024)
        self.assertLessEqual(float(fc1.weight.abs().max()), 1 / math.sqrt(1024) + 1e-7)
        self.assertGreater(float(fc1.bias.abs().max()), 1 / math.sqrt(1024) + 1e-3)
        self.assertLessEqual(float(fc1.bias.abs().max()), 1 / math.sqrt(512) + 1e-7)
        up = m.blocks[1].ffn.up  # xavier on (8, 64, 256): fan_in 64*256, fan_out 2048
        bound = math.sqrt(6.0 / (64 * 256 + 2048))
        self.assertLessEqual(float(up.weight.abs().max()), bound + 1e-7)
        self.assertGreater(float(up.weight.abs().max()), 0.9 * bound)
        self.assertTrue(torch.all(up.bias == 0))
        qk = m.blocks[1].qk  # PyTorch default: kaiming-uniform a=sqrt(5) -> bound 1/sqrt(fan_in)
        self.assertLessEqual(float(qk.weight.abs().max()), 1 / math.sqrt(512) + 1e-7)

    def test_output_is_softplus_of_minus_z(self):
        torch.manual_seed(2)
        m = NARFormerV2(dim=64, head_hidden=64).eval()
        x = torch.randn(2, 3, 152); a = torch.zeros(2, 3, 3); a[:, 0, 1] = a[:, 1, 0] = 1
        with torch.no_grad():
            m.head.fc3.weight.zero_()
            m.head.fc3.bias.fill_(0.0)
            y0, _ = m(x, a, torch.ones(2, 3), torch.zeros(2, 40))  # z = 0 -> ln 2
            m.head.fc3.bias.fill_(-3.0)
            y1, _ = m(x, a, torch.ones(2, 3), torch.zeros(2, 40))  # z = -3 -> log(1 + e^3)
        self.assertTrue(torch.allclose(y0, torch.full((2,), math.log(2))))
        self.assertTrue(torch.allclose(y1, torch.full((2,), math.log1p(math.exp(3.0)))))


if __name__ == "__main__":
    unittest.main()
