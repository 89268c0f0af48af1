"""A shipped ensemble's members on disk: one `member-<seed>.pt` per trained model, holding its selected state, its
training record and the split it was trained on.

Two writers: train_predictor (members trained one after the other) and protocol.py's in-domain runs with
`--checkpoints` (members trained as parallel protocol jobs, one lane each). train_predictor
`--from-checkpoints` exports them; the split fingerprint makes sure the export calibrates the interval and the
OOD threshold on the validation graphs those members never trained on.
"""
import glob
import hashlib
import os

import numpy as np
import torch

from . import loop, runtime


class MemberError(ValueError):
    pass


def split_fingerprint(split):
    """Sizes and a hash of the (train, validation, test) indices: equal only for the same split."""
    digest = hashlib.sha256()
    for part in split:
        digest.update(np.asarray(part, dtype=np.int64).tobytes())
        digest.update(b"|")
    return {"train": int(len(split[0])), "validation": int(len(split[1])), "test": int(len(split[2])),
            "sha256": digest.hexdigest()}


def path_of(folder, seed):
    return os.path.join(folder, "member-%d.pt" % seed)


# The settings that make two members different models (budgets and the batch form change no number).
TRAINING_KEYS = ("epochs", "lr", "batch_size", "warmup", "dim", "layers", "head_hidden", "variant", "max_steps")


def same_training(saved_config, config):
    full = {**loop.DEFAULTS, **config}
    return all(saved_config.get(k, loop.DEFAULTS[k]) == full[k] for k in TRAINING_KEYS)


def saved_for(folder, seed, split, config=None):
    """Whether member-<seed>.pt exists and was trained on this split (one without a fingerprint does not count)
    and, when `config` is given, with these training settings: a member of another schedule or size in the
    same folder is not this run's member (it is retrained and replaced)."""
    path = path_of(folder, seed)
    if not os.path.exists(path):
        return False
    saved = torch.load(path, map_location="cpu")
    return saved.get("split") == split_fingerprint(split) and (
        config is None or same_training(saved["record"]["config"], config))


def save(folder, model, record, split):
    """Writes the model's current state (callers pass it holding the selected state) as member-<seed>.pt."""
    os.makedirs(folder, exist_ok=True)
    path = path_of(folder, record["seed"])
    torch.save({"state": runtime.to_cpu(model.state_dict()), "record": record, "split": split_fingerprint(split)},
               path)
    return path


def load(folder, model_name, data, split):
    """The members saved in `folder` (ordered by seed) as eval-mode models, and their records. Raises MemberError
    when there are none, when one holds another model, or when one was trained on another split."""
    paths = sorted(glob.glob(os.path.join(folder, "member-*.pt")), key=lambda p: int(p.split("-")[-1][:-3]))
    if not paths:
        raise MemberError("no member-<seed>.pt in %s" % folder)
    expected = split_fingerprint(split)
    members, records = [], []
    for path in paths:
        saved = torch.load(path, map_location="cpu")
        record = saved["record"]
        if record["model"] != model_name:
            raise MemberError("%s holds a %s member, not %s" % (path, record["model"], model_name))
        # Members saved before the fingerprint existed carry none; they came from train_predictor's own split.
        if "split" in saved and saved["split"] != expected:
            raise MemberError("%s was trained on another split (%s) than this export's (%s): same --split-seed "
                              "and --test-fraction as its training?" % (path, describe(saved["split"]),
                                                                       describe(expected)))
        model = loop.build_model(model_name, data, {**loop.DEFAULTS, **record["config"]})
        model.load_state_dict(saved["state"])
        model.eval()
        members.append(model)
        records.append(record)
    return members, records


def describe(fingerprint):
    return "train %d, validation %d, test %d, sha256 %s" % (fingerprint["train"], fingerprint["validation"],
                                                           fingerprint["test"], fingerprint["sha256"][:12])
