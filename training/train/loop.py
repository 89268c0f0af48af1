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
from .batching import bucketed_batches, collate, collate_edges

V2_VARIANTS = {
    "full": {},
    "global_attention": {"attention": "global"},
    "plain_ffn": {"ffn": "plain"},
    "no_type_aware": {"type_aware": False},
    "no_static": {"use_static": False},
}

# Batches are run in the edge form (one disjoint graph, O(E d)) unless form="dense" or the model has no edge form
# (the global-attention ablation). A batch is cut into parts for memory, which changes no gradient: dense parts
# keep their padded adjacency under *_nodes_budget elements, edge-form parts under edge_vertices_budget vertices.
DEFAULTS = dict(epochs=50, lr=1e-3, batch_size=16, warmup=0.1, dim=512, layers=2, head_hidden=512,
                variant="full", max_steps=None, collapse_restarts=2, form="edges", eval_nodes_budget=4_000_000,
                train_nodes_budget=16 * 400 * 400, edge_vertices_budget=32_768)


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


def batch_form(model, requested="edges"):
    """'edges' when asked for and every block of the model has the edge form, else 'dense'."""
    has_edges = all(getattr(block, "attention", "graph") == "graph" for block in getattr(model, "blocks", []))
    return "edges" if requested == "edges" and has_edges else "dense"


def batch_parts(node_counts, indices, budget, form="dense"):
    """Deterministic node-sorted parts of `indices`: dense, each part's padded adjacency (graphs x N^2) stays
    under `budget` elements; edge form, each part's vertex count does. A part holds at least one graph."""
    order = np.asarray(indices)[np.argsort(node_counts[indices], kind="stable")]
    parts, current, vertices = [], [], 0
    for g in order:
        n = int(node_counts[g])
        cost = (len(current) + 1) * n * n if form == "dense" else vertices + n
        if current and cost > budget:
            parts.append(np.array(current)); current, vertices = [], 0
        current.append(g)
        vertices += n
    if current:
        parts.append(np.array(current))
    return parts


def run_part(model, data, part, kind, form, targets=None):
    """(latency [P], embedding [P,dim], targets [P] or None) of the graphs `part`, in that order."""
    device = model_device(model)
    if form == "edges":
        tokens, src, dst, graph, static, *y = on_device(collate_edges(data, part, kind, targets), device)
        latency, embedding = model.forward_edges(tokens, src, dst, static, graph=graph, distinct=False)
    else:
        tokens, adjacency, mask, static, *y = on_device(collate(data, part, kind, targets), device)
        latency, embedding = model(tokens, adjacency, mask, static)
    return latency, embedding, (y[0] if y else None)


def part_budget(form, purpose="eval", config=DEFAULTS):
    """The size limit of one part of a batch (batch_parts): vertices in the edge form, padded adjacency elements
    in the dense form (training parts smaller: they keep activations for the backward pass)."""
    if form == "edges":
        return config["edge_vertices_budget"]
    return config["eval_nodes_budget"] if purpose == "eval" else config["train_nodes_budget"]


@torch.no_grad()
def predict(model, data, indices, kind, nodes_budget=None, form=None):
    """(latency_ms, embeddings) for `indices`, in the order of `indices` (form: see batch_form)."""
    model.eval()
    form = form or batch_form(model)
    indices = np.asarray(indices)
    preds = np.zeros(len(indices), dtype=np.float64)
    embeds = None
    position = {g: i for i, g in enumerate(indices.tolist())}
    for part in batch_parts(data.node_counts, indices, nodes_budget or part_budget(form), form):
        latency, embedding, _ = run_part(model, data, part, kind, form)
        if embeds is None:
            embeds = np.zeros((len(indices), embedding.shape[1]), dtype=np.float32)
        rows = [position[g] for g in part.tolist()]
        preds[rows] = latency.cpu().numpy()
        embeds[rows] = embedding.cpu().numpy()
    return preds, embeds


def accumulate_gradients(model, data, batch, kind, targets, nodes_budget=None, form=None):
    """Backpropagates the batch's loss; returns it. A batch of large graphs is cut into parts (batch_parts), each
    part's loss weighted by its share of the batch, so the accumulated gradient equals the whole batch's (memory
    stays bounded for graphs of thousands of nodes)."""
    form = form or batch_form(model)
    loss = 0.0
    for part in batch_parts(data.node_counts, batch, nodes_budget or part_budget(form, "train"), form):
        pred, _, y = run_part(model, data, part, kind, form, targets)
        part_loss = relative_squared_error(pred, y) * (len(part) / len(batch))
        part_loss.backward()
        loss += float(part_loss.detach())  # detached: newer PyTorch warns on a float() of a graph tensor
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
    form = batch_form(model, config["form"])
    train_budget, eval_budget = part_budget(form, "train", config), part_budget(form, "eval", config)
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
            loss = accumulate_gradients(model, data, batch, kind, targets, train_budget, form)
            optimizer.step()
            scheduler.step()
            losses.append(loss)
            step += 1
        val_pred, _ = predict(model, data, val_idx, kind, eval_budget, form)
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
              "collapses": collapses, "form": form,
              "device": str(runtime.device())}
    return model, record, last_state
