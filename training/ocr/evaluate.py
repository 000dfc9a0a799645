"""Evaluate the plate reader with the engine's crop convention.

    /usr/bin/python3 training/ocr/evaluate.py [--ckpt training/runs/ocr/last.pt] [--onnx models/ocr.onnx]

Prints exact match and character accuracy on
  * the legible held-out real plates (splits.ro_plate_rows('val'), legible only: 59 crops, plain engine crop of
    the hand-drawn box, no jitter),
  * the 48 hand-read plates from other countries of bench/web-plates-texts.jsonl (web-plates held-out sources; the
    crop of the hand-drawn box),
  * a fixed-seed synthetic validation set, per region (rendered fresh; seed 12345, never in the training cache).
With --onnx, the same crops also go through the exported model in onnxruntime-web (Node) so the shipped artefact is
what is measured; the ONNX figures are printed next to the PyTorch ones.

Character accuracy = 1 - CER (Levenshtein distance / length of the true text, summed over plates).
"""
import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
from training.ocr import data as D  # noqa: E402
from training.ocr.export import load  # noqa: E402
from training.synth.render import REGIONS  # noqa: E402


def lev(a, b):
    d = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, d[0] = d[0], i
        for j, cb in enumerate(b, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (ca != cb))
    return d[len(b)]


def score(preds, texts):
    exact = sum(p == t for p, t in zip(preds, texts))
    errs = sum(lev(p, t) for p, t in zip(preds, texts))
    n = sum(len(t) for t in texts)
    return exact / max(1, len(texts)), 1 - errs / max(1, n)


def read_torch(net, xs):
    out = []
    with torch.no_grad():
        for i in range(0, len(xs), 256):
            x = torch.from_numpy(np.stack(xs[i:i + 256])).permute(0, 3, 1, 2).float() / 255.0
            probs, _ = net.slot_probs(x)
            out += [D.decode(p) for p in probs.argmax(-1).numpy()]
    return out


def read_onnx(onnx_path, xs, workdir="training/runs/eval"):
    os.makedirs(workdir, exist_ok=True)
    arr = np.stack(xs).astype(np.uint8)
    arr.tofile(os.path.join(workdir, "crops.u8"))
    with open(os.path.join(workdir, "crops.json"), "w") as f:
        json.dump({"shape": list(arr.shape)}, f)
    here = os.path.dirname(os.path.abspath(__file__))
    res = subprocess.run(["node", os.path.join(here, "read_onnx.mjs"), onnx_path, os.path.join(workdir, "crops.u8"),
                          os.path.join(workdir, "crops.json")], check=True, capture_output=True, text=True)
    return json.loads(res.stdout)


def real_set(net, onnx, title, data, groups=()):
    """Exact match and char-acc on the plain engine crops of a real set (RealPlates / RealWebPlates), per group
    (name, [bool per item]), through PyTorch and, with `onnx`, the exported model; then the misreads."""
    xs, texts = zip(*[data.exact(i) for i in range(len(data))])
    preds = read_torch(net, list(xs))
    em, ca = score(preds, texts)
    print("\n%s: n=%d  exact %.1f %%  char-acc %.1f %%" % (title, len(texts), 100 * em, 100 * ca))
    for name, sel in groups:
        p = [x for x, s in zip(preds, sel) if s]
        t = [x for x, s in zip(texts, sel) if s]
        if t:
            e, c = score(p, t)
            print("  %-5s n=%d  exact %.1f %%  char-acc %.1f %%" % (name, len(t), 100 * e, 100 * c))
    if onnx:
        po = read_onnx(onnx, list(xs))
        e, c = score(po, texts)
        agree = sum(p == q for p, q in zip(po, preds))
        print("  ONNX (onnxruntime-web): exact %.1f %%  char-acc %.1f %%  (same reading as PyTorch on %d/%d)" % (
            100 * e, 100 * c, agree, len(texts)))
    print("  errors (truth -> read): " + ", ".join("%s->%s" % (t, p) for t, p in zip(texts, preds) if t != p))


def jittered_exact(net, data, amount, draws=4):
    """Exact match on a real set's crops with every box edge moved by up to `amount` (uniform), mean of `draws`."""
    texts = [it[2] for it in data.items]
    ems = []
    for d in range(draws):
        rng = np.random.default_rng(100 + d)
        xs = [D.crop(it[0], D.jitter(rng, it[1], amount)) for it in data.items]
        ems.append(score(read_torch(net, xs), texts)[0])
    return float(np.mean(ems))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default="training/runs/ocr/last.pt")
    ap.add_argument("--onnx", default=None)
    ap.add_argument("--per_region", type=int, default=40)
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--show_errors", action="store_true")
    ap.add_argument("--jitter", type=float, nargs="*", default=[],
                    help="also read the real held-out crops with each box edge moved at random by up to this "
                         "fraction (uniform; the mean of 4 draws): how much the reading depends on the detector's box")
    a = ap.parse_args()
    torch.set_num_threads(1)
    net, ck = load(a.ckpt)
    if "from_onnx" in ck:
        print("checkpoint %s: recovered from %s (%s)" % (a.ckpt, ck["from_onnx"]["path"], ck["from_onnx"]["version"]))
    else:
        print("checkpoint %s: step %d, %.1f min of training" % (a.ckpt, ck["step"], ck["elapsed"] / 60))

    real = D.RealPlates("val")
    night = ["night" in it[3]["file"] for it in real.items]
    real_set(net, a.onnx, "REAL held-out (ro-dashcam val, legible)", real,
             (("day", [not n for n in night]), ("night", night)))
    web = D.RealWebPlates("val")
    real_set(net, a.onnx, "REAL held-out, other countries (bench/web-plates-texts.jsonl)", web)
    for amount in a.jitter:
        print("\nbox jitter +-%.2f: " % amount + "  ".join(
            "%s exact %.1f %%" % (name, 100 * jittered_exact(net, ds, amount)) for name, ds in (("ro", real), ("other countries", web))))

    rng = np.random.default_rng(a.seed)
    bgs = D.Backgrounds(np.random.default_rng(a.seed + 1), n=60)
    by_region = defaultdict(lambda: ([], []))
    for region in REGIONS:
        for _ in range(a.per_region):
            img, text, reg = D.synth_sample(rng, bgs, region=region)
            by_region[reg][0].append(img)
            by_region[reg][1].append(text)
    print("\nSYNTHETIC validation (seed %d, %d per region):" % (a.seed, a.per_region))
    all_p, all_t, all_x = [], [], []
    for reg in REGIONS:
        x, t = by_region[reg]
        p = read_torch(net, x)
        e, c = score(p, t)
        all_p += p
        all_t += t
        all_x += x
        print("  %-8s exact %5.1f %%  char-acc %5.1f %%" % (reg, 100 * e, 100 * c))
    e, c = score(all_p, all_t)
    print("  %-8s exact %5.1f %%  char-acc %5.1f %%  (n=%d)" % ("ALL", 100 * e, 100 * c, len(all_t)))
    if a.onnx:
        po = read_onnx(a.onnx, all_x)
        e, c = score(po, all_t)
        print("  ONNX     exact %5.1f %%  char-acc %5.1f %%" % (100 * e, 100 * c))


if __name__ == "__main__":
    main()
