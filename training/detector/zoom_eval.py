"""The "zoom" experiment (models/detector.md, "Zoom"): instead of one pass over a 1280x720 frame at 960, a pass at
640 finds candidates (cells >= --candidate after NMS) and the detector looks again at each through a small window
at a larger scale. Prints, on the held-out ro-dashcam frames, recall@0.5 and false positives per frame (and those
on no audited unlabelled plate) at thresholds 0.5 and 0.6, next to plain passes at 640 and 960, and the pixels
the detector ran on per frame.

    /usr/bin/python3 training/detector/zoom_eval.py --ckpt training/runs/detector_hn/final.pt \
        --window 256 128 --scale 1280 --candidate 0.3

Rules (what src/engine would do): candidates best first; one larger than 0.6 of the window (either side), or past
--max windows, keeps its first-pass box; one whose centre lies 20 window-px inside an earlier window is left to
it; any other gets a window centred on it, moved inside the frame. A window's detections centred within 12
window-px of an edge inside the frame are dropped (their context is cut). Everything is merged by NMS.
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import evaluate as E  # noqa: E402

BIG, COVERED, EDGE = 0.6, 20, 12


def one_pass(runner, img, size, threshold):
    """A plain pass at `size` (the engine's decoding: threshold, then NMS): boxes, scores, input pixels."""
    s, b, f = runner.raw(img, size)
    bx, sc = E.decode(s, b, f, threshold, img.shape[1], img.shape[0])
    k = E.nms(bx, sc)
    return bx[k], sc[k], s.size * E.STRIDE ** 2


class Plain:
    def __init__(self, runner, size):
        self.runner, self.size = runner, size
        self.pixels = []

    def detect(self, img, _sizes, thr):
        bx, sc, pixels = one_pass(self.runner, img, self.size, thr)
        self.pixels.append(pixels)
        return bx, sc


class Zoom:
    def __init__(self, runner, a):
        self.runner, self.a = runner, a
        self.pixels, self.windows = [], []

    def window(self, img, box, f):
        (ww, wh), (h, w) = self.a.window, img.shape[:2]
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        sw, sh = min(w, round(ww / f)), min(h, round(wh / f))
        x0 = int(np.clip(round(cx - sw / 2), 0, w - sw))
        y0 = int(np.clip(round(cy - sh / 2), 0, h - sh))
        x1, y1 = x0 + sw, y0 + sh
        s, b, fw = self.runner.raw(img[y0:y1, x0:x1], round(max(sw, sh) * f))
        bx, sc = E.decode(s, b, fw, 0.1, sw, sh)
        bx = bx + np.array([x0, y0, x0, y0], np.float32)
        m = EDGE / f
        ccx, ccy = (bx[:, 0] + bx[:, 2]) / 2, (bx[:, 1] + bx[:, 3]) / 2
        ok = (((ccx > x0 + m) | (x0 == 0)) & ((ccx < x1 - m) | (x1 == w)) &
              ((ccy > y0 + m) | (y0 == 0)) & ((ccy < y1 - m) | (y1 == h)))
        return bx[ok], sc[ok], (x0, y0, x1, y1), s.size * E.STRIDE ** 2

    def detect(self, img, _sizes, _thr):
        a = self.a
        bx, sc, pixels = one_pass(self.runner, img, a.first, a.candidate)
        f2 = min(a.scale, max(img.shape[:2])) / max(img.shape[:2])
        (ww, wh), inset = a.window, COVERED / f2
        out_b, out_s, wins, kept = [np.zeros((0, 4), np.float32)], [np.zeros(0, np.float32)], [], []
        for i in np.argsort(-sc):
            c = bx[i]
            cx, cy = (c[0] + c[2]) / 2, (c[1] + c[3]) / 2
            big = (c[2] - c[0]) * f2 > ww * BIG or (c[3] - c[1]) * f2 > wh * BIG
            if not big and any(w[0] + inset < cx < w[2] - inset and w[1] + inset < cy < w[3] - inset for w in wins):
                continue
            if big or len(wins) >= a.max:
                kept.append(i)
                continue
            wb, ws, rect, px = self.window(img, c, f2)
            wins.append(rect)
            pixels += px
            out_b.append(wb)
            out_s.append(ws)
        out_b.append(bx[kept])
        out_s.append(sc[kept])
        self.pixels.append(pixels)
        self.windows.append(len(wins))
        B, S = np.concatenate(out_b), np.concatenate(out_s)
        k = E.nms(B, S)
        return B[k], S[k]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default="training/runs/detector_hn/final.pt")
    ap.add_argument("--first", type=int, default=640, help="long side of the first pass")
    ap.add_argument("--window", type=int, nargs=2, default=[256, 128], help="window input, width height")
    ap.add_argument("--scale", type=int, default=1280, help="long side of the frame at the windows' scale")
    ap.add_argument("--candidate", type=float, default=0.3, help="first-pass score of a candidate")
    ap.add_argument("--max", type=int, default=8, help="most windows per frame")
    a = ap.parse_args()
    torch.set_num_threads(1)
    runner, _ = E.load_runner(a.ckpt)
    data = E.load_set("ro")
    unl = E.load_unlabelled(os.path.join(os.path.dirname(__file__), "unlabelled_plates.jsonl"))
    zoom = Zoom(runner, a)
    for name, r in (("plain 640", Plain(runner, 640)), ("plain 960", Plain(runner, 960)), ("zoom", zoom)):
        res = E.evaluate(r, data, [0], thresholds=(0.5, 0.6), unlabelled=unl)
        line = "  ".join("thr %.1f: R %.3f FP/img %.2f non-plate %.2f" % (
            t, v["recall"], v["fp_per_image"], v["fp_non_plate_per_image"]) for t, v in res.items())
        extra = "  windows/frame %.2f (max %d)" % (np.mean(zoom.windows), max(zoom.windows)) if r is zoom else ""
        print("%-9s %s  pixels/frame %.0f%s" % (name, line, np.mean(r.pixels), extra), flush=True)


if __name__ == "__main__":
    main()
