"""Training of one neural predictor (V2 or NNLP) on one platform (spec §5.2-5.4).

Loss: relative squared error mean((ŷ/y - 1)^2). Adam (0.9/0.999, eps 1e-8, no weight decay); the learning rate
rises linearly over the first 10 % of all iterations and decays linearly to 0 (per iteration, as HF's
get_linear_schedule_with_warmup). Batch 16 graphs, bucketed by node count. After every epoch the VALIDATION
split is scored and the state with the best validation MAPE is kept (the reference selects on the test split;
we never do).
"""
import copy
import time

import numpy as np
import torch

from ..model.narformer_v2 import NARFormerV2
from ..model.nnlp import NNLP
from . import metrics, runtime
from .batching import bucketed_batches, collate

V2_VARIANTS = {
    "full": {},
    "global_attention": {"attention": "global"},
    "plain_ffn": {"ffn": "plain"},
    "no_type_aware": {"type_aware": False},
    "no_static": {"use_static": False},
}

DEFAULTS = dict(epochs=50, lr=1e-3, batch_size=16, warmup=0.1, dim=512, layers=2, head_hidden=512,
                variant="full", max_steps=None, collapse_restarts=2, eval_nodes_budget=4_000_000, train_nodes_budget=16 * 400 * 400)


COLLAPSE_RATIO = 0.01  # median prediction / label below this: the head has collapsed


def model_kind(model_name):
    return "nnlp" if model_name == "nnlp" else "v2"


def build_model(model_name, data, config):
    """A fresh model sized to the folder's token and static widths."""
    if model_name == "v2":
        if config["variant"] not in V2_VARIANTS:
            raise ValueError("unknown V2 variant %r (known: %s)" % (config["variant"], ", ".join(V2_VARIANTS)))
        return NARFormerV2(token_dim=data.features.shape[1], static_dim=data.static.shape[1], dim=config["dim"],
                           layers=config["layers"], head_hidden=config["head_hidden"],
                           **V2_VARIANTS[config["variant"]])
    if model_name == "nnlp":
        return NNLP(token_dim=data.nnlp_features.shape[1], static_dim=data.static_raw.shape[1], dim=config["dim"],
                    layers=config["layers"], head_hidden=config["head_hidden"])
    raise ValueError("unknown neural model %r (known: v2, nnlp)" % (model_name,))


def collapsed(pred, target):
    """Whether the predictions have collapsed to ~0. The softplus head then sits deep in its flat tail: the loss is
    stuck at 1 and its gradient vanishes, so training cannot recover by itself (seen at d=512, lr 1e-3, right after
    a short warm-up: 4 of 12 leave-one-family-out runs of the GPU study)."""
    return len(pred) > 0 and float(np.median(np.asarray(pred) / np.asarray(target))) < COLLAPSE_RATIO


def recover_from_collapse(model, optimizer, scheduler, best, epoch, step):
    """Back to the best state so far, fresh Adam moments, half the learning rate for the rest of the schedule."""
    model.load_state_dict(best["state"])
    optimizer.state.clear()
    scheduler.base_lrs = [lr * 0.5 for lr in scheduler.base_lrs]
    for group, lr in zip(optimizer.param_groups, scheduler.get_last_lr()):
        group["lr"] = lr * 0.5
    return {"epoch": epoch, "step": step, "restoredEpoch": best["epoch"],
            "lrScale": scheduler.base_lrs[0] / optimizer.defaults["lr"]}


def relative_squared_error(pred, target):
    return ((pred / target - 1.0) ** 2).mean()


def linear_warmup_decay(total_steps, warmup_fraction):
    warmup = int(warmup_fraction * total_steps)

    def factor(step):
        if step < warmup:
            return step / max(1, warmup)
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))
    return factor


def model_device(model):
    return next(model.parameters()).device


def on_device(tensors, device):
    return [t.to(device, non_blocking=True) for t in tensors] if device.type != "cpu" else tensors


def evaluation_batches(node_counts, indices, nodes_budget):
    """Deterministic node-sorted batches whose padded adjacency stays under `nodes_budget` elements."""
    order = np.asarray(indices)[np.argsort(node_counts[indices], kind="stable")]
    batches, current = [], []
    for g in order:
        n = int(node_counts[g])
        if current and (len(current) + 1) * n * n > nodes_budget:
            batches.append(np.array(current)); current = []
        current.append(g)
    if current:
        batches.append(np.array(current))
    return batches


@torch.no_grad()
def predict(model, data, indices, kind, nodes_budget=DEFAULTS["eval_nodes_budget"]):
    """(latency_ms, embeddings) for `indices`, in the order of `indices`."""
    model.eval()
    device = model_device(model)
    indices = np.asarray(indices)
    preds = np.zeros(len(indices), dtype=np.float64)
    embeds = None
    position = {g: i for i, g in enumerate(indices.tolist())}
    for batch in evaluation_batches(data.node_counts, indices, nodes_budget):
        latency, embedding = model(*on_device(collate(data, batch, kind), device))
        if embeds is None:
            embeds = np.zeros((len(indices), embedding.shape[1]), dtype=np.float32)
        rows = [position[g] for g in batch.tolist()]
        preds[rows] = latency.cpu().numpy()
        embeds[rows] = embedding.cpu().numpy()
    return preds, embeds


def accumulate_gradients(model, data, batch, kind, targets, nodes_budget):
    """Backpropagates the batch's loss; returns it. A batch of large graphs is cut into parts whose padded
    adjacency stays under `nodes_budget` elements, each part's loss weighted by its share of the batch, so the
    accumulated gradient equals the whole batch's (memory stays bounded for graphs of thousands of nodes)."""
    loss = 0.0
    device = model_device(model)
    for part in evaluation_batches(data.node_counts, batch, nodes_budget):
        tokens, adjacency, mask, static, y = on_device(collate(data, part, kind, targets), device)
        pred, _ = model(tokens, adjacency, mask, static)
        part_loss = relative_squared_error(pred, y) * (len(part) / len(batch))
        part_loss.backward()
        loss += float(part_loss)
    return loss


def fit(model_name, data, platform, train_idx, val_idx, config=None, seed=0, log=None, after_epoch=None):
    """Trains one model; returns (model with the best-validation state, record dict, last state dict).
    `after_epoch(model, epoch)`, when given, is called after each epoch's validation (the model in eval mode)."""
    config = {**DEFAULTS, **(config or {})}
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    kind = model_kind(model_name)
    _, targets = data.labelled(platform)
    if len(train_idx) == 0 or len(val_idx) == 0:
        raise ValueError("training needs non-empty train and validation splits (got %d and %d graphs)"
                         % (len(train_idx), len(val_idx)))
    model = build_model(model_name, data, config).to(runtime.device())
    steps_per_epoch = -(-len(train_idx) // config["batch_size"])
    total = steps_per_epoch * config["epochs"]
    if config["max_steps"] is not None:
        total = min(total, config["max_steps"])
    optimizer = torch.optim.Adam(model.parameters(), lr=config["lr"], betas=(0.9, 0.999), eps=1e-8,
                                 weight_decay=0.0)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, linear_warmup_decay(total, config["warmup"]))
    best = {"mape": float("inf"), "epoch": -1, "state": None}
    history, collapses = [], []
    step, epoch, started = 0, 0, time.time()
    while step < total:
        model.train()
        losses = []
        for batch in bucketed_batches(data.node_counts, train_idx, config["batch_size"], rng):
            if step >= total:
                break
            optimizer.zero_grad()
            loss = accumulate_gradients(model, data, batch, kind, targets, config["train_nodes_budget"])
            optimizer.step()
            scheduler.step()
            losses.append(loss)
            step += 1
        val_pred, _ = predict(model, data, val_idx, kind, config["eval_nodes_budget"])
        val_mape = metrics.mape(targets[val_idx], val_pred)
        history.append({"epoch": epoch, "steps": step, "train_loss": float(np.mean(losses)), "val_mape": val_mape})
        if log:
            log("epoch %d step %d/%d loss %.5f val MAPE %.3f%%" % (epoch, step, total, history[-1]["train_loss"],
                                                                    val_mape))
        if val_mape < best["mape"]:
            best = {"mape": val_mape, "epoch": epoch, "state": copy.deepcopy(model.state_dict())}
        if collapsed(val_pred, targets[val_idx]) and best["epoch"] < epoch and len(collapses) < config["collapse_restarts"]:
            collapses.append(recover_from_collapse(model, optimizer, scheduler, best, epoch, step))
            if log:
                log("epoch %d: predictions collapsed to ~0; restarted from epoch %d at %.3g x the learning rate"
                    % (epoch, best["epoch"], collapses[-1]["lrScale"]))
        if after_epoch is not None:
            after_epoch(model, epoch)
        epoch += 1
    last_state = copy.deepcopy(model.state_dict())
    model.load_state_dict(best["state"])
    model.eval()
    record = {"model": model_name, "variant": config["variant"] if model_name == "v2" else None, "seed": seed,
              "platform": platform, "config": {k: v for k, v in config.items()}, "steps": step, "epochs": epoch,
              "best_epoch": best["epoch"], "val_mape": best["mape"], "history": history,
              "parameters": sum(p.numel() for p in model.parameters()), "train_seconds": time.time() - started,
              "collapses": collapses,
              "device": str(runtime.device())}
    return model, record, last_state
