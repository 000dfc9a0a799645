"""How closely a student detector reproduces its teacher on the held-out ro-dashcam frames.

/usr/bin/python3 training/detector/fidelity.py --teacher training/runs/detector_shipped/final.pt \
    --student training/runs/detector_fd/last.pt [--size 960] [--threshold 0.5]

Both run through the exported graph's semantics (evaluate.py `Runner`) at the engine's default size. For every
teacher detection (score >= threshold, after NMS) it finds the student's box with the highest IoU and reports,
by the plate's width in the frame (the small far plates are the ones whose reading depends on the exact box:
docs/engine.md, "The reader's dependence on the box"): how many the student keeps (IoU >= 0.5 and score >=
threshold), the mean and 90th percentile of the largest edge offset as a fraction of the teacher box's width
(left/right) or height (top/bottom), and the score difference. The detection recall of both against the labels is
evaluate.py's job; this is the box fidelity that decides whether the reader reads the same text.
"""
import argparse
import os
import sys

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
from common import splits  # noqa: E402
from evaluate import Runner, iou_matrix  # noqa: E402
from model import load_checkpoint  # noqa: E402

BINS = ((0, 40), (40, 80), (80, 10_000))  # teacher box width in frame pixels (1280x720 frames)


def edge_error(t, s):
    """Largest |edge offset| of box s against box t, as a fraction of t's width (x edges) / height (y edges)."""
    w, h = t[2] - t[0], t[3] - t[1]
    return max(abs(s[0] - t[0]) / w, abs(s[2] - t[2]) / w, abs(s[1] - t[1]) / h, abs(s[3] - t[3]) / h)


def compare(teacher, student, frames, size, threshold):
    rows = []  # (teacher width, kept, edge error, score diff)
    for img in frames:
        tb, ts = teacher.detect(img, [size], threshold)
        sb, ss = student.detect(img, [size], min(threshold, 0.05))
        m = iou_matrix(tb, sb) if len(sb) else np.zeros((len(tb), 0))
        for i in range(len(tb)):
            j = int(np.argmax(m[i])) if m.shape[1] else -1
            ok = j >= 0 and m[i, j] >= 0.5
            rows.append((tb[i, 2] - tb[i, 0], ok and ss[j] >= threshold, edge_error(tb[i], sb[j]) if ok else np.nan,
                         (ss[j] - ts[i]) if ok else np.nan))
    return np.array(rows, np.float64).reshape(-1, 4)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--teacher", required=True)
    ap.add_argument("--student", required=True, nargs="+")
    ap.add_argument("--size", type=int, default=960)
    ap.add_argument("--threshold", type=float, default=0.5)
    args = ap.parse_args()
    rows = splits.ro_rows("val")
    frames = [cv2.cvtColor(cv2.imread(os.path.join(splits.DATA, "ro-dashcam", r["file"])), cv2.COLOR_BGR2RGB)
              for r in rows]
    teacher = Runner(load_checkpoint(args.teacher)[0])
    print(f"{len(frames)} held-out frames at {args.size}, threshold {args.threshold}; teacher {args.teacher}")
    for path in args.student:
        r = compare(teacher, Runner(load_checkpoint(path)[0]), frames, args.size, args.threshold)
        print(path)
        for lo, hi in BINS + ((0, 10_000),):
            b = r[(r[:, 0] >= lo) & (r[:, 0] < hi)]
            e = b[~np.isnan(b[:, 2]), 2]
            d = b[~np.isnan(b[:, 3]), 3]
            name = f"width {lo}-{hi} px" if hi < 10_000 else (f"width >= {lo} px" if lo else "all")
            print(f"  {name:16s} teacher boxes {len(b):4d}  kept {int(b[:, 1].sum()):4d}  "
                  f"edge error mean {e.mean() if len(e) else np.nan:.3f} p90 "
                  f"{np.percentile(e, 90) if len(e) else np.nan:.3f}  score diff mean "
                  f"{d.mean() if len(d) else np.nan:+.3f}", flush=True)


if __name__ == "__main__":
    main()
