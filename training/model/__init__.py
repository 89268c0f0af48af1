"""Latency predictors: NAR-Former V2 (narformer_v2), the NNLP GraphSAGE baseline (nnlp) and the FLOPs /
FLOPs+memory-access regression baselines (regression)."""
