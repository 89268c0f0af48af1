"""NAR-Former V2 for latency (spec §4.1-4.5), batched with padding.

Every graph of a batch is padded to the batch's largest node count N: `adjacency` [B,N,N] is the symmetric 0/1
adjacency without self-loops (zero rows/columns for padding) and `node_mask` [B,N] is 1 for real nodes. Padded
rows are zeroed after every layer, so a padded batch computes exactly what the reference's per-graph loop computes
(tests/test_model.py checks this against `forward_single`). `forward_edges` runs the same parameters on an
unpadded graph given as an edge list (model/edges.py): O(E d) instead of O(N^2 d). Inference and ONNX export use
it on one graph; training on a batch held as one disjoint graph (train/batching.py `collate_edges`), except the
global-attention ablation, which has no edge form and trains on the dense batches. `forward_classes` runs them on
the graph's vertex classes (model/classes.py): each class of vertices that every layer treats alike once, the
form the exporter writes for inference.

Ablation switches (paper Tables 5 and 6):
  attention="graph" | "global"   graph-aided scores masked by A, or the same scores over all real node pairs
                                 (self included) - only the mask changes, so the comparison isolates the prior;
  ffn="group" | "plain"          GFFN with 8 groups, or a dense 4x FFN;
  type_aware=True | False        degree gating of the tokens in every layer;
  use_static=True | False        the 40-dim static branch concatenated before the head.
"""
import math

import torch
from torch import nn
import torch.nn.functional as F

from . import edges
from .init import GraphLinear, group_linear_init, thomas_init

DROPOUT = 0.05


class GroupLinear(nn.Module):
    """in->out split into `groups` contiguous chunks, each with its own weight and bias, then one LayerNorm
    (shared affine parameters) applied to every output chunk separately; no channel shuffle."""

    def __init__(self, d_in, d_out, groups):
        super().__init__()
        if d_in % groups or d_out % groups:
            raise ValueError("GroupLinear: %d->%d is not divisible into %d groups" % (d_in, d_out, groups))
        self.groups = groups
        self.weight = nn.Parameter(torch.empty(groups, d_in // groups, d_out // groups))
        self.bias = nn.Parameter(torch.empty(groups, d_out // groups))
        self.norm = nn.LayerNorm(d_out // groups, eps=1e-5)
        group_linear_init(self.weight, self.bias)

    def forward(self, x):
        return self.merged(self.grouped(self.split(x)), x.shape[:-1])

    def split(self, x):
        """[..., in] -> [g, M, in/g]: each group's chunk of every row (M rows)."""
        return x.reshape(-1, self.groups, self.weight.shape[1]).transpose(0, 1)

    def grouped(self, chunks):
        """[g, M, in/g] -> [g, M, out/g]: each group's linear, then the LayerNorm of each output chunk."""
        return self.norm(torch.matmul(chunks, self.weight) + self.bias.unsqueeze(1))

    def merged(self, chunks, lead):
        """[g, M, out/g] -> [..., out]: the chunks side by side again."""
        return chunks.transpose(0, 1).reshape(lead + (self.groups * self.weight.shape[2],))


class GroupFFN(nn.Module):
    def __init__(self, dim, ratio=4, groups=8):
        super().__init__()
        self.up = GroupLinear(dim, dim * ratio, groups)
        self.down = GroupLinear(dim * ratio, dim, groups)
        self.drop = nn.Dropout(DROPOUT)

    def forward(self, x):
        # The down projection's input chunk j is exactly the up projection's output group j, so the hidden
        # [g, M, 4d/g] layout goes straight from one to the other: only the d-wide ends are transposed, not the
        # 4d-wide middle (two transposes fewer, an eighth of a large graph's inference time at d=256).
        hidden = self.drop(F.relu(self.up.grouped(self.up.split(x))))
        return self.drop(self.down.merged(self.down.grouped(hidden), x.shape[:-1]))


class PlainFFN(nn.Module):
    """Ablation: the dense FFN that GFFN replaces (8x the parameters of its projections)."""

    def __init__(self, dim, ratio=4):
        super().__init__()
        self.up = GraphLinear(dim, dim * ratio)
        self.down = GraphLinear(dim * ratio, dim)
        self.drop = nn.Dropout(DROPOUT)

    def forward(self, x):
        return self.drop(self.down(self.drop(F.relu(self.up(x)))))


class V2Block(nn.Module):
    """Type-aware enhancement -> graph-aided attention (no residual) -> pre-LN (G)FFN with layer scale."""

    def __init__(self, d_in, dim, attention="graph", ffn="group", type_aware=True):
        super().__init__()
        if attention not in ("graph", "global"):
            raise ValueError("attention must be 'graph' or 'global', not %r" % (attention,))
        if ffn not in ("group", "plain"):
            raise ValueError("ffn must be 'group' or 'plain', not %r" % (ffn,))
        self.attention = attention
        self.scale = 1.0 / math.sqrt(d_in)
        self.degree_gate = GraphLinear(1, d_in) if type_aware else None
        self.qk = GraphLinear(d_in, d_in)
        self.lin_l = GraphLinear(d_in, dim)
        self.lin_r = GraphLinear(d_in, dim, bias=False)
        self.drop = nn.Dropout(DROPOUT)
        self.norm = nn.LayerNorm(dim, eps=1e-5)
        self.ffn = GroupFFN(dim) if ffn == "group" else PlainFFN(dim)
        self.gamma = nn.Parameter(torch.full((dim,), 1e-4))

    def forward(self, x, adjacency, node_mask):
        mask = node_mask.unsqueeze(-1)                                   # [B,N,1]
        if self.degree_gate is not None:
            degree = adjacency.sum(-1, keepdim=True)                     # [B,N,1]
            x = x * torch.sigmoid(self.degree_gate(degree))
        phi = torch.sigmoid(self.qk(x))
        scores = torch.matmul(phi, phi.transpose(-1, -2)) * self.scale
        if self.attention == "graph":
            scores = scores * adjacency
        else:
            scores = scores * (mask * node_mask.unsqueeze(-2))
        weights = scores / (scores.sum(-1, keepdim=True) + 1e-6)         # linear row normalisation, no softmax
        return self.update(x, torch.matmul(weights, x), mask)

    def forward_edges(self, x, src, dst, distinct=True):
        """The same block on an unpadded graph x [N,d_in] given as an edge list (model/edges.py), O(E d).

        With `distinct` (inference), vertices with identical rows are computed once: real networks repeat the
        same layer over and over (a 3,411-vertex ViT has 37 distinct gated token rows), so the per-vertex
        linears, the bulk of inference, run on the distinct rows and are gathered back. The neighbour linear
        moves before the aggregation (W (sum_u w_u x_u) + b = sum_u w_u (W x_u) + b), so it too runs on distinct
        rows, and the (G)FFN runs on the distinct rows of its input. The numbers are the dense path's up to
        float summation order."""
        if self.attention != "graph":
            raise ValueError("the edge form exists only for graph-aided attention, not %r" % (self.attention,))
        if self.degree_gate is not None:
            x = x * torch.sigmoid(self.degree_gate(edges.degree(x, src)))
        rows, spread = edges.distinct_rows(x, distinct)
        phi = spread(torch.sigmoid(self.qk(rows)))
        left = spread(F.linear(rows, self.lin_l.weight))
        right = spread(self.lin_r(rows))
        h = edges.graph_attention(left, phi, src, dst, self.scale) + self.lin_l.bias + right
        h = self.drop(F.relu(F.normalize(h, p=2.0, dim=-1, eps=1e-12)))
        rows, spread = edges.distinct_rows(h, distinct)
        return h + self.gamma * spread(self.ffn(self.norm(rows)))

    def forward_classes(self, x, degree, parent, src, dst):
        """The same block on the class form (model/classes.py): x [K_{l-1},d_in] and degree [K_{l-1},1] per class
        of the previous level -> [K_l,dim] per class of this level, `parent` [K_l] naming each one's previous
        class and src/dst the edges of each class's representative (src: this level, dst: the previous one)."""
        if self.attention != "graph":
            raise ValueError("the class form exists only for graph-aided attention, not %r" % (self.attention,))
        if self.degree_gate is not None:
            x = x * torch.sigmoid(self.degree_gate(degree))
        phi = torch.sigmoid(self.qk(x))
        left = F.linear(x, self.lin_l.weight)
        aggregated = edges.graph_attention(left, phi, src, dst, self.scale, source_phi=phi.index_select(0, parent))
        h = aggregated + self.lin_l.bias + self.lin_r(x).index_select(0, parent)
        h = self.drop(F.relu(F.normalize(h, p=2.0, dim=-1, eps=1e-12)))
        return h + self.gamma * self.ffn(self.norm(h))

    def update(self, x, aggregated, mask=None):
        """Root + neighbour linears, L2 norm, ReLU, then the (G)FFN with layer scale; `mask` zeroes padding."""
        h = self.lin_l(aggregated) + self.lin_r(x)
        h = F.normalize(h, p=2.0, dim=-1, eps=1e-12)
        h = self.drop(F.relu(h))
        if mask is not None:
            h = h * mask
        out = h + self.gamma * self.ffn(self.norm(h))
        return out * mask if mask is not None else out


class Head(nn.Module):
    """Three linears; the output softplus(-z) = -log sigmoid(z) is positive (ln 2 at initialisation)."""

    def __init__(self, d_in, hidden):
        super().__init__()
        self.fc1 = nn.Linear(d_in, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, 1)
        self.drop = nn.Dropout(DROPOUT)

    def forward(self, u):
        z = self.fc3(self.drop(F.relu(self.fc2(self.drop(F.relu(self.fc1(u)))))))
        return F.softplus(-z).squeeze(-1)


class NARFormerV2(nn.Module):
    def __init__(self, token_dim=152, static_dim=40, dim=512, layers=2, head_hidden=512,
                 attention="graph", ffn="group", type_aware=True, use_static=True):
        super().__init__()
        self.config = dict(token_dim=token_dim, static_dim=static_dim, dim=dim, layers=layers,
                           head_hidden=head_hidden, attention=attention, ffn=ffn, type_aware=type_aware,
                           use_static=use_static)
        self.blocks = nn.ModuleList(
            V2Block(token_dim if i == 0 else dim, dim, attention, ffn, type_aware) for i in range(layers))
        self.static = nn.Linear(static_dim, dim) if use_static else None
        self.static_drop = nn.Dropout(DROPOUT)
        self.head = Head(dim * 2 if use_static else dim, head_hidden)
        thomas_init(self)

    def embed(self, tokens, adjacency, node_mask):
        """Sum readout of the last layer: the graph embedding [B, dim] (also used for the OOD check)."""
        x = tokens * node_mask.unsqueeze(-1)
        for block in self.blocks:
            x = block(x, adjacency, node_mask)
        return x.sum(1)

    def forward(self, tokens, adjacency, node_mask, static):
        """Returns (latency_ms [B], embedding [B, dim])."""
        embedding = self.embed(tokens, adjacency, node_mask)
        return self.head(self.readout_input(embedding, static)), embedding

    def forward_edges(self, tokens, src, dst, static, graph=None, distinct=True):
        """One unpadded graph as an edge list (model/edges.py): tokens [N,F], src/dst int64 [E], static [1,S] ->
        (latency_ms [1], embedding [1,dim]); the same numbers as `forward` on its dense adjacency, in O(E d).
        Training passes a batch as one disjoint graph: `graph` [N] int64 gives each vertex's batch position,
        static is [B,S], and distinct=False (see V2Block.forward_edges)."""
        x = tokens
        for block in self.blocks:
            x = block.forward_edges(x, src, dst, distinct)
        embedding = edges.graph_sums(x, graph, static.shape[0])
        return self.head(self.readout_input(embedding, static)), embedding

    def forward_classes(self, tokens, degree, levels, count, static):
        """One graph in the class form (model/classes.py): tokens [K0,F] and degree [K0,1] per class 0, `levels`
        one (class_parent, class_src, class_dst) per layer, count [K_L,1] the vertices per last class, static
        [1,S] -> (latency_ms [1], embedding [1,dim]): the numbers of `forward_edges`, per class instead of per
        vertex."""
        if len(levels) != len(self.blocks):
            raise ValueError("%d class levels for %d layers" % (len(levels), len(self.blocks)))
        x = tokens
        for block, (parent, src, dst) in zip(self.blocks, levels):
            x = block.forward_classes(x, degree, parent, src, dst)
            degree = degree.index_select(0, parent)
        embedding = (x * count).sum(0, keepdim=True)
        return self.head(self.readout_input(embedding, static)), embedding

    def readout_input(self, embedding, static):
        """The head's input: the graph embedding, with the static branch appended when the model has one."""
        if self.static is None:
            return embedding
        return torch.cat([embedding, F.relu(self.static_drop(self.static(static)))], dim=-1)

    def forward_single(self, tokens, adjacency, static):
        """One unpadded graph (tokens [N,F], adjacency [N,N], static [S]) - the reference's per-graph loop."""
        ones = torch.ones(1, tokens.shape[0], dtype=tokens.dtype)
        latency, embedding = self.forward(tokens[None], adjacency[None], ones, static[None])
        return latency[0], embedding[0]
