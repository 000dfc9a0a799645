"""Factorise a trained detector's 1x1 conv_bn layers through fewer channels, fitted to real activations.

/usr/bin/python3 training/detector/lowrank.py --ckpt training/runs/detector_shipped/final.pt \
    --ranks s16.1.pw=48,s16.2.pw=48,lat8=16 --out training/runs/detector_lr/init.pt

A 1x1 conv from cin to cout channels followed by BatchNorm is one cout x cin matrix (the BatchNorm folded in). On
the images the engine sees, its outputs (before the ReLU) live close to a subspace of few dimensions (the deep
layers' outputs keep 97-98 % of their variance in 48 of 128 or 176 dimensions), so it is replaced by two 1x1 convs
through `rank` channels (model.py `low_rank`), fewer multiply-adds when rank < cin*cout / (cin + cout). No
channel of the network changes: every layer before and after keeps the source model's weights.

The fit, layer by layer in the order the graph runs them (each later layer sees the inputs the earlier
factorisations give it): P = the top `rank` principal directions of the source layer's outputs z = W x_src + b
on the source model's own inputs x_src; the first conv A = P^T Cov(z, x) Cov(x, x)^-1 is the least-squares map
from the factorised model's inputs x to those output coordinates; the second conv is P with the bias that puts
the mean back. Only means and covariances are accumulated, over ro-dashcam training frames at the default size
and web-plates training photos at their own size (the held-out frames stay held out). Prints, per layer, the
output error relative to the output variance. A fine-tune (feat_distill.py) can start from the result, and a
factorised checkpoint can have more of its layers factorised (e.g. the stride-8 ones after the deep part's
fine-tune; then feat_distill.py --train-top).
"""
import argparse
import os
import sys

import cv2
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
from common import splits  # noqa: E402
from evaluate import preprocess  # noqa: E402
from model import Detector, load_checkpoint, n_params  # noqa: E402

# the 1x1 conv_bn layers in the order the graph runs them
ORDER = ("s4.0.pw", "s8.0.pw", "s8.1.pw", "s16.0.pw", "s16.1.pw", "s16.2.pw", "s32.0.pw", "s32.1.pw", "s32.2.pw",
         "lat32", "lat16", "fuse16.pw", "lat8", "fuse8.pw", "head.0.pw")


def parse_ranks(text):
    ranks = {}
    for item in text.split(","):
        path, _, r = item.partition("=")
        if path not in ORDER or not r.isdigit():
            raise SystemExit(f"--ranks: {item!r} is not LAYER=RANK with LAYER one of {', '.join(ORDER)}")
        ranks[path] = int(r)
    return dict(sorted(ranks.items(), key=lambda kv: ORDER.index(kv[0])))


def load_images(n_ro, n_web, size):
    """Float NCHW 0..255 tensors: ro-dashcam training frames at `size`, web-plates training photos at 320."""
    out = []
    ro = splits.ro_rows("train")
    for r in ro[:: max(1, len(ro) // n_ro)][:n_ro]:
        img = cv2.cvtColor(cv2.imread(os.path.join(splits.DATA, "ro-dashcam", r["file"])), cv2.COLOR_BGR2RGB)
        out.append(preprocess(img, size)[0])
    web = splits.web_rows("train")
    for r in web[:: max(1, len(web) // n_web)][:n_web]:
        img = cv2.cvtColor(cv2.imread(os.path.join(splits.DATA, "web-plates", r["file"])), cv2.COLOR_BGR2RGB)
        out.append(preprocess(img, 320)[0])
    return [torch.from_numpy(x)[None].permute(0, 3, 1, 2).float() for x in out]


def folded(seq):
    """(W [cout, cin], b [cout]) of a 1x1 conv + BatchNorm (eval)."""
    conv, bn = seq[0], seq[1]
    s = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    w = conv.weight[:, :, 0, 0] * s[:, None]
    b = bn.bias - s * bn.running_mean + (s * conv.bias if conv.bias is not None else 0)
    return w.double(), b.double()


class Moments:
    """Running sums for the means and (cross-)covariances of two paired sets of row vectors."""

    def __init__(self):
        self.n, self.sums = 0, None

    def add(self, a, b):
        a, b = a.double(), b.double()
        parts = (a.sum(0), b.sum(0), a.T @ a, b.T @ b, a.T @ b)
        self.sums = parts if self.sums is None else tuple(x + y for x, y in zip(self.sums, parts))
        self.n += len(a)

    def stats(self):
        sa, sb, aa, bb, ab = (x / self.n for x in self.sums)
        return sa, sb, aa - torch.outer(sa, sa), bb - torch.outer(sb, sb), ab - torch.outer(sa, sb)


@torch.no_grad()
def collect(src, det, path, images):
    """Moments of (the source's input, the factorised model's input) at layer `path`."""
    got = {}
    hooks = [m.get_submodule(path).register_forward_pre_hook(
        lambda _m, inp, key=key: got.__setitem__(key, inp[0].permute(0, 2, 3, 1).reshape(-1, inp[0].shape[1]).clone()))
        for key, m in (("src", src), ("det", det))]
    mom = Moments()
    for x in images:
        src.forward_raw(x)
        det.forward_raw(x)
        mom.add(got["src"], got["det"])
    for h in hooks:
        h.remove()
    return mom


@torch.no_grad()
def fit(w, b, mom, rank, ridge=1e-4):
    """(A [rank, cin], P [cout, rank], bias [cout], relative output error) for z = W x_src + b ~ P (A x) + bias."""
    m_src, m_x, c_src, c_x, c_src_x = mom.stats()
    c_z = w @ c_src @ w.T
    evals, evecs = torch.linalg.eigh(c_z)
    p = evecs[:, -rank:].flip(1)                       # top `rank` output directions
    c_zx = w @ c_src_x                                 # Cov(z, x)
    reg = c_x + ridge * torch.trace(c_x) / len(c_x) * torch.eye(len(c_x), dtype=c_x.dtype)
    a = p.T @ c_zx @ torch.linalg.inv(reg)
    m_z = w @ m_src + b
    bias = m_z - p @ (a @ m_x)
    # E|z - z_hat|^2 / E|z - m_z|^2, from the moments: z - z_hat = (W x_src - m) - P A (x - m_x)
    pa = p @ a
    err = torch.trace(c_z) - 2 * torch.trace(pa @ c_zx.T) + torch.trace(pa @ c_x @ pa.T)
    return a.float(), p.float(), bias.float(), (err / torch.trace(c_z)).item()


def factorise(src, ranks, images, log=print):
    """A copy of `src` (eval mode) with the layers of `ranks` ({path: rank}, in ORDER) factorised, fitted on
    `images` (float NCHW 0..255 tensors). Returns (the factorised detector, {path: relative output error})."""
    det = Detector(**src.arch).eval()
    det.load_state_dict(src.state_dict())
    errors = {}
    for path, rank in ranks.items():
        w, b = folded(src.get_submodule(path))
        cout, cin = w.shape
        if rank >= cin * cout / (cin + cout):
            log(f"  note: {path} rank {rank} is no cheaper than {cin}->{cout}")
        a, p, bias, errors[path] = fit(w, b, collect(src, det, path, images), rank)
        new = det.set_low_rank(path, rank).eval()
        with torch.no_grad():
            new[0].weight.copy_(a[:, :, None, None])
            new[1].weight.copy_(p[:, :, None, None])
            new[1].bias.copy_(bias)
        log(f"{path:10s} {cin:3d}->{rank:3d}->{cout:3d}  MACs/pixel {cin * cout} -> {rank * (cin + cout)}  "
            f"output error {errors[path]:.4f} of its variance")
    return det, errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--ranks", required=True, help="LAYER=RANK,... e.g. s16.1.pw=48,lat8=16")
    ap.add_argument("--out", required=True)
    ap.add_argument("--size", type=int, default=960, help="the size ro-dashcam frames are seen at")
    ap.add_argument("--ro", type=int, default=40, help="ro-dashcam training frames")
    ap.add_argument("--web", type=int, default=120, help="web-plates training photos")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    ranks = parse_ranks(args.ranks)
    src, state = load_checkpoint(args.ckpt)
    done = [p for p in ranks if p in src.arch.get("ranks", {})]
    if done:  # a factorised checkpoint (e.g. after a fine-tune) can have more of its layers factorised, not these
        raise SystemExit(f"--ckpt has {', '.join(done)} factorised already")
    images = load_images(args.ro, args.web, args.size)
    print(f"{len(images)} images; {n_params(src)} params", flush=True)
    det, _ = factorise(src, ranks, images, lambda m: print(m, flush=True))
    sd = det.state_dict()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save({"model": sd, "ema": sd, "arch": det.arch, "source": args.ckpt, "args": vars(args)}, args.out)
    print(f"wrote {args.out}: {n_params(det)} params", flush=True)


if __name__ == "__main__":
    main()
