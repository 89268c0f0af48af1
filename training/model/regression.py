"""The FLOPs-only and FLOPs+memory-access baselines (first two columns of the paper's Table 2).

Form: a log-linear least-squares fit on the training graphs,
    log(latency_ms) = a + sum_k b_k * log(x_k + eps),
with x = [GFLOPs] ("flops") or [GFLOPs, Gmacs] ("flops_mac"; Gmacs is the memory-access total of spec §1.8).
Why log-linear rather than linear: latency spans three orders of magnitude across families and the metrics are
relative (MAPE, Acc(δ)); a squared error in log space is a relative error, and a power law lets the fit bend
(small networks are dominated by per-op overhead, large ones by FLOPs). The fitted exponents are reported.
"""
import numpy as np

EPS = 1e-6
COLUMNS = {"flops": (1,), "flops_mac": (1, 3)}  # columns of static_raw: [batch, GFLOPs, Gparams, Gmacs]


class LogLinearBaseline:
    def __init__(self, kind):
        if kind not in COLUMNS:
            raise ValueError("unknown regression baseline %r (known: %s)" % (kind, ", ".join(COLUMNS)))
        self.kind = kind
        self.coef = None

    def _design(self, static_raw):
        static_raw = np.asarray(static_raw, dtype=np.float64)
        cols = [np.log(np.maximum(static_raw[:, c], 0.0) + EPS) for c in COLUMNS[self.kind]]
        return np.stack([np.ones(len(static_raw))] + cols, axis=1)

    def fit(self, static_raw, latency_ms):
        latency_ms = np.asarray(latency_ms, dtype=np.float64)
        if len(latency_ms) < len(COLUMNS[self.kind]) + 1:
            raise ValueError("%s baseline needs at least %d training graphs, got %d"
                             % (self.kind, len(COLUMNS[self.kind]) + 1, len(latency_ms)))
        if np.any(~(latency_ms > 0)):
            raise ValueError("%s baseline: latencies must be positive and finite" % self.kind)
        self.coef, *_ = np.linalg.lstsq(self._design(static_raw), np.log(latency_ms), rcond=None)
        return self

    def predict(self, static_raw):
        if self.coef is None:
            raise RuntimeError("%s baseline used before fit()" % self.kind)
        return np.exp(self._design(static_raw) @ self.coef)

    def describe(self):
        names = ["log GFLOPs", "log Gmacs"][: len(COLUMNS[self.kind])]
        return {"kind": self.kind, "form": "log-linear least squares",
                "intercept": float(self.coef[0]),
                "exponents": {n: float(c) for n, c in zip(names, self.coef[1:])}}
