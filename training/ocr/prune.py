"""Make a slimmer reader from a trained one: keep the most important output channels of each convolution and copy
their weights, so that a fine-tune (train.py --init OUT --teacher SRC) starts close to the source model instead of
from scratch.

/usr/bin/python3 training/ocr/prune.py --ckpt training/runs/ocr_web4/last.pt --chans 16,24,24,44,44,64,64,88 \
    --out training/runs/ocr_slim/init.pt

A channel's importance is |BN gamma| (how much of it reaches the ReLU) times the L2 norm of the weights that read
it in the next layer (for the last convolution: the character and region heads). No residual connections tie
channels together in this net, so each convolution is pruned on its own.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from training.ocr.export import load  # noqa: E402
from training.ocr.model import PlateOCR, count_params  # noqa: E402


def readers_norm(net, i):
    """[C] L2 norm, per input channel, of everything that reads conv i's output."""
    f = net.features
    if i + 1 < len(f):
        w = f[i + 1][0].weight                       # [out, in, k, k]
        return w.pow(2).sum(dim=(0, 2, 3)).sqrt()
    wc = net.chars.weight.flatten(1)                 # [classes, C]
    wr = net.region.weight                           # [regions, C]
    return (wc.pow(2).sum(0) + wr.pow(2).sum(0)).sqrt()


def prune(net, chans):
    """A PlateOCR with the given channels whose weights are the kept slices of net's."""
    assert net.head == "ctc", "only the ctc head can be pruned"
    slim = PlateOCR(net.region.out_features, slots=net.slots, n_chars=net.n_chars, head=net.head, chans=chans)
    keep_in = torch.arange(3)
    kept = []
    for i, n in enumerate(chans):
        conv, bn = net.features[i][0], net.features[i][1]
        score = bn.weight.detach().abs() * readers_norm(net, i).detach()
        keep = torch.sort(torch.topk(score, n).indices).values
        kept.append(keep)
        sc, sb = slim.features[i][0], slim.features[i][1]
        with torch.no_grad():
            sc.weight.copy_(conv.weight[keep][:, keep_in])
            for name in ("weight", "bias", "running_mean", "running_var"):
                getattr(sb, name).copy_(getattr(bn, name)[keep])
            sb.num_batches_tracked.copy_(bn.num_batches_tracked)
        keep_in = keep
    with torch.no_grad():
        slim.chars.weight.copy_(net.chars.weight[:, keep_in])
        slim.chars.bias.copy_(net.chars.bias)
        slim.region.weight.copy_(net.region.weight[:, keep_in])
        slim.region.bias.copy_(net.region.bias)
    return slim, kept


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--chans", required=True, help="8 comma-separated channel counts")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    net, ck = load(a.ckpt)
    chans = tuple(int(v) for v in a.chans.split(","))
    if any(n > o for n, o in zip(chans, net.chans)):
        raise SystemExit(f"cannot grow {net.chans} to {chans}")
    slim, _ = prune(net, chans)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    torch.save({"model": slim.state_dict(), "step": 0, "elapsed": 0.0, "regions": ck["regions"],
                "alphabet": ck["alphabet"], "width": ck.get("width", 1.0), "head": "ctc", "chans": list(chans),
                "pruned_from": a.ckpt}, a.out)
    print(f"{net.chans} -> {chans}: {count_params(net)} -> {count_params(slim)} parameters; wrote {a.out}")


if __name__ == "__main__":
    main()
