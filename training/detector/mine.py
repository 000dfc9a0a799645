"""Mine hard negatives for the detector from the TRAINING ro-dashcam frames (never the held-out videos).

    /usr/bin/python3 training/detector/mine.py [--ckpt training/runs/detector/final.pt] [--out training/runs/detector/mined.json]

Runs the detector at 640 and 960 (threshold 0.3) over every training frame and keeps the detections that overlap
no labelled plate (IoU < 0.1). Many of those are real plates that carry no label (distant, blurred, cut by the
edge), so training on them as negatives would teach the detector to miss plates. The plate reader decides
(classify()): a crop it reads no text in is a hard negative; one with text is an "ignore" region (neither positive
nor negative). Looked at by eye, a stricter reader test (>= 4 confident characters) left many blurred night plates
among the negatives.
Writes {file: [{"box": [x0,y0,x1,y1], "score", "text", "pmin", "kind": "neg"|"ignore"}, ...]} in frame pixels.
"""
import argparse
import json
import os
import sys
import time

import cv2
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
from common import splits  # noqa: E402
from evaluate import iou_matrix, load_runner, nms  # noqa: E402
from training.ocr import data as OD  # noqa: E402
from training.ocr.export import load as load_ocr  # noqa: E402


def classify(text, pmin):
    """'neg' (train as background) only when the reader sees no plate text (at most 2 characters): lights,
    reflections, blobs, edges, some signs. Anything with more text (plates, but also shop signs) is 'ignore'.
    `pmin` is kept in the output for inspection; by eye, 3-character reads were often blurred real plates."""
    del pmin
    return "neg" if len(text) <= 2 else "ignore"


def read_crops(net, crops):
    """-> list of (text, min char probability) from the OCR's slot probabilities."""
    out = []
    with torch.no_grad():
        for i in range(0, len(crops), 128):
            x = torch.from_numpy(np.stack(crops[i:i + 128])).permute(0, 3, 1, 2).float() / 255.0
            probs, _ = net.slot_probs(x)
            p, idx = probs.max(-1)
            for pi, ii in zip(p.numpy(), idx.numpy()):
                text = OD.decode(ii)
                chars = [float(q) for q, k in zip(pi, ii) if k != OD.EMPTY]
                out.append((text, min(chars) if chars else 0.0))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=os.path.join(HERE, "..", "runs", "detector", "final.pt"))
    ap.add_argument("--ocr", default=os.path.join(HERE, "..", "runs", "ocr", "last.pt"))
    ap.add_argument("--out", default=os.path.join(HERE, "..", "runs", "detector", "mined.json"))
    ap.add_argument("--threshold", type=float, default=0.3)
    ap.add_argument("--sizes", type=int, nargs="+", default=[640, 960])
    ap.add_argument("--append", action="store_true",
                    help="keep what --out already holds (an earlier round's mining) and add this round's finds")
    args = ap.parse_args()
    torch.set_num_threads(1)
    runner, _ = load_runner(args.ckpt)
    ocr, _ = load_ocr(args.ocr)
    t0 = time.time()
    rows = splits.ro_rows("train")
    found = []  # (file, box, score)
    for n, r in enumerate(rows):
        img = cv2.cvtColor(cv2.imread(os.path.join(splits.DATA, "ro-dashcam", r["file"])), cv2.COLOR_BGR2RGB)
        gts = np.array(r["plates"], np.float32).reshape(-1, 4)
        bx_all, sc_all = [], []
        for s in args.sizes:
            bx, sc = runner.detect(img, [s], args.threshold)
            bx_all.append(bx)
            sc_all.append(sc)
        bx, sc = np.concatenate(bx_all), np.concatenate(sc_all)
        if len(bx):
            k = nms(bx, sc, iou=0.3)
            bx, sc = bx[k], sc[k]
        for b, s in zip(bx, sc):
            if len(gts) and iou_matrix(b[None], gts).max() >= 0.1:
                continue
            found.append((r["file"], img, b, float(s)))
        if n % 100 == 0:
            print(f"{n}/{len(rows)} frames, {len(found)} unmatched detections, {time.time() - t0:.0f} s", flush=True)
    reads = read_crops(ocr, [OD.crop(img, b) for _, img, b, _ in found])
    out = {}
    if args.append and os.path.exists(args.out):
        with open(args.out) as fh:
            out = json.load(fh)
    n_neg = n_ign = 0
    for (f, _, b, s), (text, pmin) in zip(found, reads):
        kind = classify(text, pmin)
        out.setdefault(f, []).append({"box": [round(float(v), 1) for v in b], "score": round(s, 3), "text": text,
                                      "pmin": round(pmin, 3), "kind": kind})
        n_ign += kind == "ignore"
        n_neg += kind == "neg"
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump(out, fh)
    print(f"{len(rows)} training frames: {n_neg} hard negatives, {n_ign} probable unlabelled plates (ignore), "
          f"in {len(out)} frames; {time.time() - t0:.0f} s -> {args.out}")


if __name__ == "__main__":
    main()
