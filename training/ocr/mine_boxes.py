"""The detector's own boxes around the reader's TRAINING plates, so the reader can learn from the crops it will
really be given (models/ocr.md, "A reader trained on the detector's own boxes").

    /usr/bin/python3 training/ocr/mine_boxes.py --ckpt training/runs/detector_hn/final.pt \
        --ckpt training/runs/detector_slim3/final.pt --out training/runs/ocr_boxes.json
    /usr/bin/python3 training/ocr/mine_boxes.py --ckpt training/runs/detector_hn/final.pt --ro-sizes --web-sizes \
        --zoom --add-to training/runs/ocr_boxes.json --out training/runs/ocr_boxes_zoom.json

Each detector looks at every TRAINING ro-dashcam frame at --ro-sizes (the engine's fast and default passes, and one
between) and at every TRAINING web-plates photo at --web-sizes (the engine detects a 300x300 photo at 384), decodes
as the engine does (evaluate.py: threshold, NMS), and each detection that overlaps a labelled plate at IoU >= --iou
is kept as one more box for that plate. --zoom: also the ro-dashcam frames through the zoom of
training/detector/zoom_eval.py (a 640 pass, then windows at the 1280 scale around its candidates; its defaults).
Held-out frames and photos are never looked at.

Output: {"<file>|<x0>,<y0>,<x1>,<y1>": [[x0, y0, x1, y1], ...]} keyed by the labelled box (data.box_key), read by
data.RealPlates / data.RealWebPlates (`det_boxes`).
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
sys.path.insert(0, os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "detector"))
import evaluate as E  # noqa: E402  (training/detector/evaluate.py)
import zoom_eval as Z  # noqa: E402
from training.common import splits  # noqa: E402
from training.ocr import data as D  # noqa: E402


def mine(runner, rows, base, sizes, threshold, iou, out):
    """Adds, for every plate of `rows` ({"file", "plates"}), the matching detections at each size to `out`."""
    n = 0
    for r in rows if sizes else []:
        img = cv2.cvtColor(cv2.imread(os.path.join(base, r["file"])), cv2.COLOR_BGR2RGB)
        gts = np.array(r["plates"], np.float32).reshape(-1, 4)
        if not len(gts):
            continue
        for size in sizes:
            bx, _ = runner.detect(img, [size], threshold)
            if not len(bx):
                continue
            m = E.iou_matrix(bx, gts)
            for i in range(len(bx)):
                j = int(np.argmax(m[i]))
                if m[i, j] >= iou:
                    out.setdefault(D.box_key(r["file"], r["plates"][j]), []).append([round(float(v), 1) for v in bx[i]])
                    n += 1
    return n


class ZoomRunner:
    """zoom_eval.Zoom with its default settings behind Runner.detect's signature (the size is the zoom's own)."""

    def __init__(self, runner):
        a = argparse.Namespace(first=640, window=[256, 128], scale=1280, candidate=0.3, max=8)
        self.zoom = Z.Zoom(runner, a)

    def detect(self, img, _sizes, threshold):
        bx, sc = self.zoom.detect(img, None, None)
        k = sc >= threshold
        return bx[k], sc[k]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", action="append", required=True, help="a detector checkpoint (repeat for several)")
    ap.add_argument("--ro-sizes", type=int, nargs="*", default=[640, 800, 960])
    ap.add_argument("--web-sizes", type=int, nargs="*", default=[384])
    ap.add_argument("--add-to", default="", help="start from this earlier output (its boxes are kept)")
    ap.add_argument("--threshold", type=float, default=0.3)
    ap.add_argument("--iou", type=float, default=0.5)
    ap.add_argument("--zoom", action="store_true", help="also the zoom's boxes on the ro-dashcam frames")
    ap.add_argument("--out", default="training/runs/ocr_boxes.json")
    a = ap.parse_args()
    torch.set_num_threads(1)
    out = D.load_det_boxes(a.add_to)
    t0 = time.time()
    for ck in a.ckpt:
        runner, _ = E.load_runner(ck)
        n_ro = mine(runner, splits.ro_rows("train"), os.path.join(splits.DATA, "ro-dashcam"), a.ro_sizes,
                    a.threshold, a.iou, out)
        n_web = mine(runner, splits.web_rows("train"), os.path.join(splits.DATA, "web-plates"), a.web_sizes,
                     a.threshold, a.iou, out)
        if a.zoom:
            n_ro += mine(ZoomRunner(runner), splits.ro_rows("train"), os.path.join(splits.DATA, "ro-dashcam"),
                         ["zoom"], a.threshold, a.iou, out)
        print("%s: %d ro-dashcam boxes, %d web-plates boxes (%.0f s)" % (ck, n_ro, n_web, time.time() - t0),
              flush=True)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(out, f)
    print("%d plates with detector boxes -> %s" % (len(out), a.out))


if __name__ == "__main__":
    main()
