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
from . import metrics
from .batching import bucketed_batches, collate

V2_VARIANTS = {
    "full": {},
    "global_attention": {"attention": "global"},
    "plain_ffn": {"ffn": "plain"},
    "no_type_aware": {"type_aware": False},
    "no_static": {"use_static": False},
}

DEFAULTS = dict(epochs=50, lr=1e-3, batch_size=16, warmup=0.1, dim=512, layers=2, head_hidden=512,
                variant="full", max_steps=None, eval_nodes_budget=4_000_000, train_nodes_budget=16 * 400 * 400)


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


def relative_squared_error(pred, target):
    return ((pred / target - 1.0) ** 2).mean()


def linear_warmup_decay(total_steps, warmup_fraction):
    warmup = int(warmup_fraction * total_steps)

    def factor(step):
        if step < warmup:
            return step / max(1, warmup)
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))
    return factor


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
    indices = np.asarray(indices)
    preds = np.zeros(len(indices), dtype=np.float64)
    embeds = None
    position = {g: i for i, g in enumerate(indices.tolist())}
    for batch in evaluation_batches(data.node_counts, indices, nodes_budget):
        latency, embedding = model(*collate(data, batch, kind))
        if embeds is None:
            embeds = np.zeros((len(indices), embedding.shape[1]), dtype=np.float32)
        rows = [position[g] for g in batch.tolist()]
        preds[rows] = latency.numpy()
        embeds[rows] = embedding.numpy()
    return preds, embeds


def accumulate_gradients(model, data, batch, kind, targets, nodes_budget):
    """Backpropagates the batch's loss; returns it. A batch of large graphs is cut into parts whose padded
    adjacency stays under `nodes_budget` elements, each part's loss weighted by its share of the batch, so the
    accumulated gradient equals the whole batch's (memory stays bounded for graphs of thousands of nodes)."""
    loss = 0.0
    for part in evaluation_batches(data.node_counts, batch, nodes_budget):
        tokens, adjacency, mask, static, y = collate(data, part, kind, targets)
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
    model = build_model(model_name, data, config)
    steps_per_epoch = -(-len(train_idx) // config["batch_size"])
    total = steps_per_epoch * config["epochs"]
    if config["max_steps"] is not None:
        total = min(total, config["max_steps"])
    optimizer = torch.optim.Adam(model.parameters(), lr=config["lr"], betas=(0.9, 0.999), eps=1e-8,
                                 weight_decay=0.0)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, linear_warmup_decay(total, config["warmup"]))
    best = {"mape": float("inf"), "epoch": -1, "state": None}
    history = []
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
        if after_epoch is not None:
            after_epoch(model, epoch)
        if val_mape < best["mape"]:
            best = {"mape": val_mape, "epoch": epoch, "state": copy.deepcopy(model.state_dict())}
        epoch += 1
    last_state = copy.deepcopy(model.state_dict())
    model.load_state_dict(best["state"])
    model.eval()
    record = {"model": model_name, "variant": config["variant"] if model_name == "v2" else None, "seed": seed,
              "platform": platform, "config": {k: v for k, v in config.items()}, "steps": step, "epochs": epoch,
              "best_epoch": best["epoch"], "val_mape": best["mape"], "history": history,
              "parameters": sum(p.numel() for p in model.parameters()), "train_seconds": time.time() - started}
    return model, record, last_state
