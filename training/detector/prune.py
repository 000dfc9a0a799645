"""Make a slimmer detector from a trained one: keep the most important channels of each width group and copy their
weights, so a fine-tune (train.py --init OUT --teacher SRC) starts close to the source model.

/usr/bin/python3 training/detector/prune.py --ckpt training/runs/detector_hn/final.pt \
    --width 16,32,48,96,160 --neck 40 --out training/runs/detector_slim/init.pt

Residual blocks tie channels together, so channels are chosen per group (c1..c5 = the stem and the four stages,
"n" = the neck), the same set in every layer of the group. A channel's importance is the sum of |BN gamma| over the
layers that write it, times the L2 norm of the 1x1 weights that read it.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import Detector, load_checkpoint, n_params  # noqa: E402

GROUPS = ("c1", "c2", "c3", "c4", "c5", "n")
# DWBlocks and 1x1 conv_bn layers: (module path, group read, group written)
BLOCKS = [("s4.0", "c1", "c2"), ("s8.0", "c2", "c3"), ("s8.1", "c3", "c3"), ("s16.0", "c3", "c4"),
          ("s16.1", "c4", "c4"), ("s16.2", "c4", "c4"), ("s32.0", "c4", "c5"), ("s32.1", "c5", "c5"),
          ("s32.2", "c5", "c5"), ("fuse16", "n", "n"), ("fuse8", "n", "n"), ("head.0", "n", "n")]
LATERALS = [("lat32", "c5", "n"), ("lat16", "c4", "n"), ("lat8", "c3", "n")]


def plan():
    """{parameter or buffer name: (group of dim 0 or None, group of dim 1 or None)}."""
    p = {"stem.0.weight": ("c1", None), "stem.0.bias": ("c1", None)}
    for k in ("weight", "bias", "running_mean", "running_var"):
        p[f"stem.1.{k}"] = ("c1", None)
    for path, gi, go in BLOCKS:
        p[f"{path}.dw.0.weight"] = (gi, None)
        p[f"{path}.pw.0.weight"] = (go, gi)
        for k in ("weight", "bias", "running_mean", "running_var"):
            p[f"{path}.dw.1.{k}"] = (gi, None)
            p[f"{path}.pw.1.{k}"] = (go, None)
    for path, gi, go in LATERALS:
        p[f"{path}.0.weight"] = (go, gi)
        for k in ("weight", "bias", "running_mean", "running_var"):
            p[f"{path}.1.{k}"] = (go, None)
    p["head.1.weight"] = (None, "n")
    p["head.1.bias"] = (None, None)
    return p


# the BN gammas of the layers that write each group's channels (the depthwise BNs only pass them on)
WRITERS = ["stem.1.weight"] + [f"{path}.pw.1.weight" for path, _, _ in BLOCKS] + \
    [f"{path}.1.weight" for path, _, _ in LATERALS]


def importance(state):
    p = plan()
    writes = {g: 0 for g in GROUPS}
    reads = {g: 0 for g in GROUPS}
    for name in WRITERS:
        writes[p[name][0]] = writes[p[name][0]] + state[name].float().abs()
    for name, (_, g1) in p.items():
        if g1:  # the 1x1 convolutions that read a group (pointwise, laterals, the head)
            reads[g1] = reads[g1] + state[name].float().pow(2).sum(dim=(0, 2, 3))
    return {g: writes[g] * reads[g].sqrt() for g in GROUPS}


def prune(det, width, neck):
    sizes = dict(zip(GROUPS, list(width) + [neck]))
    state = det.state_dict()
    score = importance(state)
    keep = {g: torch.sort(torch.topk(score[g], sizes[g]).indices).values for g in GROUPS}
    slim = Detector(width=tuple(width), neck=neck)
    new = slim.state_dict()
    p = plan()
    for name, t in state.items():
        if name.endswith("num_batches_tracked"):
            new[name] = t.clone()
            continue
        g0, g1 = p[name]
        if g0:
            t = t[keep[g0]]
        if g1:
            t = t[:, keep[g1]]
        assert t.shape == new[name].shape, (name, t.shape, new[name].shape)
        new[name] = t.clone()
    slim.load_state_dict(new)
    return slim


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--width", required=True, help="5 comma-separated channel counts")
    ap.add_argument("--neck", type=int, required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    det, _ = load_checkpoint(a.ckpt)
    assert set(plan()) | {k for k in det.state_dict() if k.endswith("num_batches_tracked")} == set(det.state_dict())
    width = tuple(int(v) for v in a.width.split(","))
    slim = prune(det, width, a.neck)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    torch.save({"model": slim.state_dict(), "ema": slim.state_dict(), "step": 0, "arch": slim.arch,
                "pruned_from": a.ckpt}, a.out)
    print(f"{det.arch} -> {slim.arch}: {n_params(det)} -> {n_params(slim)} parameters; wrote {a.out}")


if __name__ == "__main__":
    main()
