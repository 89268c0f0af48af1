"""Evaluation metrics of spec §5.5: MAPE (%), Acc(δ) (% of graphs with relative error <= δ, inclusive) and
Kendall tau-b (scipy). All take true and predicted latencies in the same unit."""
import numpy as np
from scipy.stats import kendalltau

# Relative errors are compared against δ with this slack so that 0.1 computed as |1.1-1|/1 still counts as 10 %.
_INCLUSIVE_SLACK = 1e-9


def _validate(y_true, y_pred):
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError("metrics need two 1-D arrays of the same length, got %s and %s"
                         % (y_true.shape, y_pred.shape))
    if len(y_true) == 0:
        raise ValueError("metrics need at least one sample")
    if np.any(~(y_true > 0)):
        raise ValueError("true latencies must be positive and finite")
    return y_true, y_pred


def relative_errors(y_true, y_pred):
    y_true, y_pred = _validate(y_true, y_pred)
    return np.abs(y_pred - y_true) / y_true


def mape(y_true, y_pred):
    return float(100.0 * relative_errors(y_true, y_pred).mean())


def accuracy_within(y_true, y_pred, delta):
    return float(100.0 * np.mean(relative_errors(y_true, y_pred) <= delta + _INCLUSIVE_SLACK))


def kendall_tau(y_true, y_pred):
    y_true, y_pred = _validate(y_true, y_pred)
    if len(y_true) < 2:
        return float("nan")
    tau = kendalltau(y_true, y_pred).correlation  # tau-b is scipy's default variant
    return float(tau)


def summary(y_true, y_pred):
    return {"n": int(len(np.asarray(y_true))), "mape": mape(y_true, y_pred),
            "acc10": accuracy_within(y_true, y_pred, 0.10), "acc5": accuracy_within(y_true, y_pred, 0.05),
            "acc1": accuracy_within(y_true, y_pred, 0.01), "kendall": kendall_tau(y_true, y_pred)}


def summary_by_family(y_true, y_pred, families):
    """{"all": summary, "families": {family: summary}}."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    families = np.asarray(families)
    out = {"all": summary(y_true, y_pred), "families": {}}
    for family in sorted(set(families.tolist())):
        sel = families == family
        out["families"][family] = summary(y_true[sel], y_pred[sel])
    return out
