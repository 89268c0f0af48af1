"""The NNLP baseline of NNLQP (spec §4.6): two GraphSAGE layers on the 44-dim rows, sum readout, static branch
on the raw [batch, GFLOPs, Gparams, Gmacs] vector, and the same head as V2.

SAGEConv (mean aggregation, root weight, normalize=True) on a dense padded batch:
h_i = L2norm(W_l * mean_{j in N(i)} x_j + b_l + W_r * x_i), then ReLU and dropout 0.05. `forward_edges` is the
same model on an unpadded graph given as an edge list (model/edges.py): one graph for inference and ONNX export,
a batch held as one disjoint graph for training.
"""
import torch
from torch import nn
import torch.nn.functional as F

from . import edges
from .init import GraphLinear, thomas_init
from .narformer_v2 import DROPOUT, Head


class DenseSAGE(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.lin_l = GraphLinear(d_in, d_out)
        self.lin_r = GraphLinear(d_in, d_out, bias=False)

    def forward(self, x, adjacency):
        degree = adjacency.sum(-1, keepdim=True)
        mean = torch.matmul(adjacency, x) / degree.clamp(min=1.0)  # isolated nodes aggregate to zero, as in PyG
        return self.combine(x, mean)

    def forward_edges(self, x, src, dst):
        """One unpadded graph as an edge list (model/edges.py), O(E d)."""
        return self.combine(x, edges.neighbour_mean(x, src, dst))

    def combine(self, x, mean):
        return F.normalize(self.lin_l(mean) + self.lin_r(x), p=2.0, dim=-1, eps=1e-12)


class NNLP(nn.Module):
    def __init__(self, token_dim=44, static_dim=4, dim=512, layers=2, head_hidden=512, norm_sf=True):
        super().__init__()
        self.config = dict(token_dim=token_dim, static_dim=static_dim, dim=dim, layers=layers,
                           head_hidden=head_hidden, norm_sf=norm_sf)
        self.convs = nn.ModuleList(DenseSAGE(token_dim if i == 0 else dim, dim) for i in range(layers))
        self.drop = nn.Dropout(DROPOUT)
        self.static = nn.Linear(static_dim, dim) if norm_sf else None
        self.head = Head(dim + (dim if norm_sf else static_dim), head_hidden)
        thomas_init(self)

    def embed(self, tokens, adjacency, node_mask):
        mask = node_mask.unsqueeze(-1)
        x = tokens * mask
        for conv in self.convs:
            x = self.drop(F.relu(conv(x, adjacency))) * mask
        return x.sum(1)

    def forward(self, tokens, adjacency, node_mask, static):
        embedding = self.embed(tokens, adjacency, node_mask)
        return self.head(self.readout_input(embedding, static)), embedding

    def forward_edges(self, tokens, src, dst, static, graph=None, distinct=True):
        """One unpadded graph as an edge list: tokens [N,F], src/dst int64 [E], static [1,S] -> (latency_ms [1],
        embedding [1,dim]), the numbers of `forward` on its dense adjacency. A training batch is one disjoint
        graph with `graph` [N] (each vertex's batch position) and static [B,S]; `distinct` is V2's and unused."""
        x = tokens
        for conv in self.convs:
            x = self.drop(F.relu(conv.forward_edges(x, src, dst)))
        embedding = edges.graph_sums(x, graph, static.shape[0])
        return self.head(self.readout_input(embedding, static)), embedding

    def readout_input(self, embedding, static):
        side = F.relu(self.drop(self.static(static))) if self.static is not None else static
        return torch.cat([embedding, side], dim=-1)
