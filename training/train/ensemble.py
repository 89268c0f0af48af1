"""An ensemble of predictors for one platform: members trained with different seeds on the same split, an
interval calibrated on the validation split, and the reference data of the out-of-distribution check.

Output scale: each member's prediction is multiplied by one number fitted on the validation split, the s that
minimises the training loss there, mean((s * pred / y - 1)^2): s = sum(r) / sum(r^2) with r = pred / y. The loss
is relative, the readout a sum, and one global factor is what a short schedule leaves unsettled: on the complete
HELP tables (6 epochs) the validation MAPE still swung 2.9 -> 5.3 -> 3.3 % from epoch to epoch, and two of the
three Titan members predicted 3-4 % low on every space, the training graphs included. Converged members get
s ~ 1 (the CPU zoo's, 20 epochs: 0.998).

Interval: the members' (scaled) mean is the prediction; the half-width is spreadScale * std(members), with
spreadScale chosen so that `coverage` (default 90 %) of the validation graphs' true latencies fall inside. The
validation relative-error quantile is recorded too (relativeErrorQ), for runtimes that prefer a width proportional
to the prediction, and as a floor for the spread interval when members happen to agree.

OOD: the runtime standardises member 0's embedding with (mean, std) of the training embeddings, takes the
distance to the nearest of k centroids (k-means on the standardised training embeddings) divided by sqrt(D), and
flags the graph when that exceeds the threshold (the `oodQuantile` quantile of the same distance over the
validation graphs, which the centroids never saw).
"""
import numpy as np

from . import loop, metrics


def kmeans(points, k, seed=0, iterations=25):
    """Lloyd's k-means with k-means++-style seeding; returns the centroids [k', D] (k' <= k distinct)."""
    rng = np.random.default_rng(seed)
    points = np.asarray(points, dtype=np.float64)
    k = max(1, min(k, len(points)))
    centroids = [points[rng.integers(len(points))]]
    for _ in range(1, k):
        d2 = np.min(((points[:, None, :] - np.array(centroids)[None]) ** 2).sum(-1), axis=1)
        if d2.sum() <= 0:
            break
        centroids.append(points[rng.choice(len(points), p=d2 / d2.sum())])
    centroids = np.array(centroids)
    for _ in range(iterations):
        assign = nearest_distance(points, centroids, return_index=True)[1]
        moved = np.array([points[assign == c].mean(0) if np.any(assign == c) else centroids[c]
                          for c in range(len(centroids))])
        if np.allclose(moved, centroids):
            break
        centroids = moved
    return centroids


def nearest_distance(points, centroids, return_index=False):
    d2 = (points ** 2).sum(1)[:, None] - 2 * points @ centroids.T + (centroids ** 2).sum(1)[None]
    index = np.argmin(d2, axis=1)
    dist = np.sqrt(np.maximum(d2[np.arange(len(points)), index], 0.0))
    return (dist, index) if return_index else dist


STATIC_NAMES = ["batch", "GFLOPs", "Gparams", "Gmacs"]  # static_raw's columns (training/README.md)


class OodReference:
    """Two out-of-distribution rules: the embedding's standardised distance to the nearest training centroid above
    a validation quantile, and (with `static_raw`) a batch size, GFLOPs, Gparams or Gmacs outside the range of the
    graphs the predictor learnt from (the embedding alone let a ResNet-18 at 224 px pass, 10 % more GFLOPs than
    the CPU zoo's largest network, and predicted it at 10 ms with a 2-18 ms interval)."""

    def __init__(self, train_embeddings, val_embeddings, centroids=32, quantile=0.99, seed=0, static_raw=None):
        self.static_range = None
        if static_raw is not None:
            static_raw = np.asarray(static_raw, dtype=np.float64)
            self.static_range = {"names": STATIC_NAMES[:static_raw.shape[1]], "min": static_raw.min(0).tolist(),
                                 "max": static_raw.max(0).tolist()}
        train_embeddings = np.asarray(train_embeddings, dtype=np.float64)
        self.mean = train_embeddings.mean(0)
        self.std = train_embeddings.std(0) + 1e-6
        self.centroids = kmeans(self.standardise(train_embeddings), centroids, seed)
        self.quantile = quantile
        self.threshold = float(np.quantile(self.distance(val_embeddings), quantile))

    def standardise(self, embeddings):
        return (np.asarray(embeddings, dtype=np.float64) - self.mean) / self.std

    def distance(self, embeddings):
        z = self.standardise(embeddings)
        return nearest_distance(z, self.centroids) / np.sqrt(z.shape[1])

    def to_json(self, digits=6):
        r = lambda a: np.round(np.asarray(a, dtype=np.float64), digits).tolist()
        return {"method": "standardised-nearest-centroid", "embeddingDim": int(len(self.mean)),
                "mean": r(self.mean), "std": r(self.std), "centroids": r(self.centroids),
                "distanceScale": "1/sqrt(embeddingDim)", "quantile": self.quantile, "threshold": self.threshold,
                **({"staticRange": self.static_range} if self.static_range else {})}


def calibrate_interval(y_true, member_preds, coverage=0.9):
    """spreadScale s with |y - mean| <= s * std for `coverage` of the validation graphs, and relativeErrorQ, the
    `coverage` quantile of |mean / y - 1| there (the floor of the interval where the members agree too closely)."""
    member_preds = np.asarray(member_preds, dtype=np.float64)
    mean = member_preds.mean(0)
    std = member_preds.std(0)
    err = np.abs(np.asarray(y_true) - mean)
    # the exact std, as the runtime uses it (an epsilon here would leave the graph at the quantile just outside):
    # a graph the members agree on exactly needs an infinite scale (err / 0), or none when its error is 0 too
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.sort(np.where(err == 0, 0.0, err / std))
    # the smallest scale that covers at least `coverage` of the graphs (no interpolation below the target)
    scale = float(ratio[max(0, int(np.ceil(coverage * len(ratio))) - 1)])
    if not np.isfinite(scale):
        # one member, or members agreeing on too many graphs: no spread reaches the target, and the relative
        # floor alone makes the interval (achievedOnValidation then says how much of the target it reaches)
        scale = 0.0
    rel = np.abs(mean / np.asarray(y_true) - 1.0)
    calibration = {"method": "member-spread", "coverage": coverage, "spreadScale": scale,
                   "relativeErrorQ": float(np.quantile(rel, coverage))}
    # measured on the interval the runtime shows (the spread or the relative floor, the wider), as the test split's
    # intervalCoverage is, so that the two figures of the manifest compare
    calibration["achievedOnValidation"] = interval_coverage(y_true, member_preds, calibration)
    return calibration


def interval_coverage(y_true, member_preds, calibration):
    """The share of graphs whose latency falls inside the interval the runtime shows (src/core/predict/
    interval.ts): mean ± max(spreadScale * std(members), relativeErrorQ * mean)."""
    member_preds = np.asarray(member_preds, dtype=np.float64)
    mean = member_preds.mean(0)
    half = np.maximum(calibration["spreadScale"] * member_preds.std(0), calibration["relativeErrorQ"] * np.abs(mean))
    return float(np.mean(np.abs(np.asarray(y_true) - mean) <= half + 1e-12))


def fit_output_scale(y_true, pred):
    """The s minimising mean((s * pred / y - 1)^2) over these graphs: sum(r) / sum(r^2), r = pred / y."""
    r = np.asarray(pred, dtype=np.float64) / np.asarray(y_true, dtype=np.float64)
    scale = float(r.sum() / (r * r).sum()) if len(r) and np.all(np.isfinite(r)) and np.any(r != 0) else float("nan")
    if not (np.isfinite(scale) and scale > 0):
        raise ValueError("no output scale fits these predictions (non-finite or all zero): a collapsed member?")
    return scale


def train_ensemble(model_name, data, platform, train_idx, val_idx, seeds, config=None, log=None, on_member=None):
    """Trains one member per seed; returns (members, records, summary). `on_member(model, record, last_state)`,
    when given, is called as each member finishes (checkpoints, protocol lines)."""
    if len(seeds) < 1:
        raise ValueError("an ensemble needs at least one seed")
    members, records = [], []
    for seed in seeds:
        model, record, last_state = loop.fit(model_name, data, platform, train_idx, val_idx, config, seed=seed,
                                             log=log)
        if on_member is not None:
            on_member(model, record, last_state)
        members.append(model)
        records.append(record)
    return members, records, summarise_ensemble(model_name, data, platform, members, train_idx, val_idx, seeds[0])


def summarise_ensemble(model_name, data, platform, members, train_idx, val_idx, ood_seed=0):
    """The members' output scales, validation metrics of their scaled mean, the calibrated interval and the OOD
    reference."""
    _, targets = data.labelled(platform)
    kind = loop.model_kind(model_name)
    raw_val = [loop.predict(model, data, val_idx, kind)[0] for model in members]
    scales = [fit_output_scale(targets[val_idx], pred) for pred in raw_val]
    val_preds = [s * pred for s, pred in zip(scales, raw_val)]
    _, train_embed = loop.predict(members[0], data, train_idx, kind)
    _, val_embed = loop.predict(members[0], data, val_idx, kind)
    summary = {"outputScales": scales,
               "validation": metrics.summary(targets[val_idx], np.mean(val_preds, axis=0)),
               "validationUnscaled": metrics.summary(targets[val_idx], np.mean(raw_val, axis=0)),
               "interval": calibrate_interval(targets[val_idx], val_preds),
               "ood": OodReference(train_embed, val_embed, seed=ood_seed,
                                   static_raw=data.static_raw[np.concatenate([train_idx, val_idx])])}
    return summary
