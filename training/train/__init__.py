"""Training, evaluation, protocol runs, reports and ONNX export of the latency predictors (see README.md)."""
