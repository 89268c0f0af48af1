"""Train / validation / test splits of the protocol (spec §5.6, with a validation split the reference lacks).

- in-domain (paper Table 1): per family, a fixed permutation (split_seed) puts 10 % of the labelled graphs in
  the test split; the validation split is carved from the rest (val_fraction per family). The permutation
  depends on split_seed only, so every model and every training seed sees the same test graphs.
- leave-one-family-out (Table 2): the held-out family is the test split; validation is carved per family from
  the other families.
The test split is never used for model selection.
"""
import numpy as np


def _carve(indices, fraction, rng):
    """Splits `indices` (one family) into (rest, carved) with round(fraction * n) carved; with a fraction > 0,
    at least one graph on each side when the family has two or more graphs."""
    perm = rng.permutation(indices)
    k = int(round(fraction * len(perm)))
    if fraction <= 0 or len(perm) < 2:
        k = 0
    else:
        k = min(max(k, 1), len(perm) - 1)
    return perm[k:], perm[:k]


def _by_family(indices, families):
    families = np.asarray(families)
    groups = {}
    for i in indices:
        groups.setdefault(families[i], []).append(i)
    return {f: np.array(sorted(v)) for f, v in sorted(groups.items())}


def in_domain(indices, families, test_fraction=0.1, val_fraction=0.1, split_seed=0):
    rng = np.random.default_rng(split_seed)
    train, val, test = [], [], []
    for family, members in _by_family(indices, families).items():
        rest, carved_test = _carve(members, test_fraction, rng)
        rest, carved_val = _carve(rest, val_fraction, rng)
        train.append(rest); val.append(carved_val); test.append(carved_test)
    return tuple(np.sort(np.concatenate(x)).astype(np.int64) for x in (train, val, test))


def leave_one_family_out(indices, families, held_out, val_fraction=0.1, split_seed=0):
    groups = _by_family(indices, families)
    if held_out not in groups:
        raise ValueError("family %r has no labelled graphs (families: %s)" % (held_out, ", ".join(groups)))
    if len(groups) < 2:
        raise ValueError("leave-one-family-out needs at least two families")
    rng = np.random.default_rng(split_seed)
    train, val = [], []
    for family, members in groups.items():
        if family == held_out:
            continue
        rest, carved_val = _carve(members, val_fraction, rng)
        train.append(rest); val.append(carved_val)
    return (np.sort(np.concatenate(train)).astype(np.int64), np.sort(np.concatenate(val)).astype(np.int64),
            groups[held_out].astype(np.int64))
