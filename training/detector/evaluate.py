"""Evaluate the plate detector on held-out frames, decoding exactly as the engine does (models/README.md).

/usr/bin/python3 training/detector/evaluate.py --ckpt training/runs/detector/final.pt --sizes 640 960 --union
/usr/bin/python3 training/detector/evaluate.py --ckpt training/runs/detector/final.pt --sizes 960 640 --thresholds 0.5 0.6 0.7 --web-sizes --dump-fp /tmp/fp

Runs the torch model through the same graph as the export (`Exported`: sigmoid + 3x3 max-pool peaks), then:
resize the photo so its long side is `size` (aspect kept), pad right/bottom with zeros to a multiple of 32,
keep cells with score >= threshold, decode ltrb from the cell centres, map back to photo pixels, NMS at IoU 0.45.
A detection matches an unmatched labelled plate at IoU >= 0.5 (greedy by score).
"""
import argparse
import json
import os
import sys

import cv2
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
from common import splits  # noqa: E402
from model import STRIDE, Exported, load_checkpoint  # noqa: E402

NMS_IOU = 0.45
THRESHOLDS = (0.2, 0.3, 0.4, 0.5)


def preprocess(img, size, multiple=32):
    h, w = img.shape[:2]
    f = size / max(h, w)
    nw, nh = max(1, round(w * f)), max(1, round(h * f))
    im = cv2.resize(img, (nw, nh), interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_LINEAR)
    H = -(-nh // multiple) * multiple
    W = -(-nw // multiple) * multiple
    out = np.zeros((H, W, 3), np.uint8)
    out[:nh, :nw] = im
    return out, f


def iou_matrix(a, b):
    a = np.asarray(a, np.float32).reshape(-1, 4)
    b = np.asarray(b, np.float32).reshape(-1, 4)
    ix = np.maximum(0, np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]))
    iy = np.maximum(0, np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]))
    inter = ix * iy
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / np.maximum(1e-9, area_a[:, None] + area_b[None, :] - inter)


def nms(boxes, scores, iou=NMS_IOU):
    order = np.argsort(-scores)
    keep = []
    while len(order):
        i = order[0]
        keep.append(i)
        if len(order) == 1:
            break
        ious = iou_matrix(boxes[i:i + 1], boxes[order[1:]])[0]
        order = order[1:][ious <= iou]
    return np.array(keep, int)


def decode(scores, boxes, f, threshold, width, height):
    """scores [h,w], boxes [4,h,w] (network outputs) -> photo-pixel boxes [n,4] (clipped to the photo, as
    src/engine/detect.ts does), scores [n]."""
    ys, xs = np.nonzero(scores >= threshold)
    s = scores[ys, xs]
    cx, cy = (xs + 0.5) * STRIDE, (ys + 0.5) * STRIDE
    l, t, r, b = boxes[:, ys, xs]
    bx = np.stack([cx - l, cy - t, cx + r, cy + b], 1) / f
    bx = np.clip(bx, 0, [width, height, width, height])
    k = ((bx[:, 2] - bx[:, 0]) >= 1) & ((bx[:, 3] - bx[:, 1]) >= 1)
    return bx[k].astype(np.float32), s[k].astype(np.float32)


class Runner:
    """The exported graph's semantics, in torch."""

    def __init__(self, det):
        self.net = Exported(det.eval()).eval()

    @torch.no_grad()
    def raw(self, img, size):
        x, f = preprocess(img, size)
        s, b = self.net(torch.from_numpy(x)[None])
        return s[0, 0].numpy(), b[0].numpy(), f

    def detect(self, img, sizes, threshold):
        all_b, all_s = [], []
        for size in sizes:
            s, b, f = self.raw(img, size)
            bx, sc = decode(s, b, f, threshold, img.shape[1], img.shape[0])
            all_b.append(bx)
            all_s.append(sc)
        bx, sc = np.concatenate(all_b), np.concatenate(all_s)
        k = nms(bx, sc)
        return bx[k], sc[k]


def match(dets, scores, gts, iou=0.5):
    """Greedy by score. Returns (tp flags per detection, matched gt count)."""
    order = np.argsort(-scores)
    used = np.zeros(len(gts), bool)
    tp = np.zeros(len(dets), bool)
    if len(gts) and len(dets):
        m = iou_matrix(dets, gts)
        for i in order:
            cand = np.where(~used & (m[i] >= iou))[0]
            if len(cand):
                j = cand[np.argmax(m[i, cand])]
                used[j] = True
                tp[i] = True
    return tp, int(used.sum())


def load_set(name):
    if name == "ro":
        rows = splits.ro_rows("val")
        base = os.path.join(splits.DATA, "ro-dashcam")
    else:
        rows = splits.web_rows("val")
        base = os.path.join(splits.DATA, "web-plates")
    out = []
    for r in rows:
        img = cv2.cvtColor(cv2.imread(os.path.join(base, r["file"])), cv2.COLOR_BGR2RGB)
        out.append((r["file"], img, np.array(r["plates"], np.float32).reshape(-1, 4)))
    return out


def load_unlabelled(path):
    """{frame file: boxes [K, 4]} of real plates that carry no label (unlabelled_plates.jsonl, judged by eye)."""
    out = {}
    if path:
        with open(path) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    out.setdefault(r["file"], []).append(r["box"])
    return {k: np.array(v, np.float32) for k, v in out.items()}


def evaluate(runner, data, sizes, thresholds=THRESHOLDS, min_thr=0.1, keep_dets=False, unlabelled=None):
    """One forward pass per image and size at the lowest threshold; higher thresholds filter those results
    (NMS is greedy by score, so filtering after NMS equals NMS after filtering for score-ordered keeps).
    `unlabelled`: {file: boxes} of real plates without a label; a false positive on one (IoU >= 0.3) is also
    counted apart, as `fp_on_unlabelled` (`fp_non_plate` = fp - fp_on_unlabelled)."""
    per_img = []
    for name, img, gts in data:
        bx, sc = runner.detect(img, sizes, min_thr)
        per_img.append((name, bx, sc, gts))
    res = {}
    for thr in thresholds:
        n_gt = n_match = n_det = n_tp = n_loc = n_unl = 0
        for name, bx, sc, gts in per_img:
            k = sc >= thr
            tp, m = match(bx[k], sc[k], gts)
            unl = (unlabelled or {}).get(name)
            if unl is not None and (~tp).any():
                n_unl += int((iou_matrix(bx[k][~tp], unl).max(1) >= 0.3).sum())
            n_gt += len(gts)
            n_match += m
            n_det += int(k.sum())
            n_tp += int(tp.sum())
            if len(gts) and (~tp).any():  # false positives that overlap a labelled plate: poor boxes or duplicates
                n_loc += int((iou_matrix(bx[k][~tp], gts).max(1) >= 0.1).sum())
        res[thr] = dict(recall=n_match / max(1, n_gt), precision=n_tp / max(1, n_det),
                        fp_per_image=(n_det - n_tp) / max(1, len(per_img)), plates=n_gt, images=len(per_img),
                        detections=n_det, fp=n_det - n_tp, fp_on_labelled=n_loc, fp_on_unlabelled=n_unl,
                        fp_non_plate_per_image=(n_det - n_tp - n_unl) / max(1, len(per_img)))
    if keep_dets:
        return res, per_img
    return res


def load_runner(ckpt):
    det, state = load_checkpoint(ckpt)
    return Runner(det), state


def fmt(res):
    return "  ".join(f"thr {t}: R {r['recall']:.3f} P {r['precision']:.3f} FP/img {r['fp_per_image']:.3f}"
                     for t, r in res.items())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=os.path.join(HERE, "..", "runs", "detector", "last.pt"))
    ap.add_argument("--sizes", type=int, nargs="+", default=[640, 960])
    ap.add_argument("--union", action="store_true", help="also the 2-scale union of the first two sizes")
    ap.add_argument("--web-sizes", type=int, nargs="*", default=[320, 640])
    ap.add_argument("--dump-fp", default="", help="folder to write crops of false positives (ro, first size)")
    ap.add_argument("--thresholds", type=float, nargs="+", default=list(THRESHOLDS))
    ap.add_argument("--json", default="")
    ap.add_argument("--unlabelled", default=os.path.join(HERE, "unlabelled_plates.jsonl"),
                    help="real plates without a label in the held-out frames (judged by eye); '' for none")
    args = ap.parse_args()
    torch.set_num_threads(1)
    runner, state = load_runner(args.ckpt)
    print(f"checkpoint {args.ckpt}: step {state.get('step')}, {state.get('samples', 0)} samples")
    ro = load_set("ro")
    web = load_set("web")
    out = {}
    configs = [[s] for s in args.sizes]
    if args.union and len(args.sizes) >= 2:
        configs.append(args.sizes[:2])
    unlabelled = load_unlabelled(args.unlabelled)
    for cfg in configs:
        res, dets = evaluate(runner, ro, cfg, thresholds=args.thresholds, keep_dets=True, unlabelled=unlabelled)
        key = "ro-dashcam val @" + "+".join(map(str, cfg))
        out[key] = res
        print(f"{key} ({res[args.thresholds[0]]['images']} frames, {res[args.thresholds[0]]['plates']} plates)")
        for t, r in res.items():
            print(f"  thr {t}: recall {r['recall']:.3f}  precision {r['precision']:.3f}  FP/img {r['fp_per_image']:.3f}"
                  f"  (FP {r['fp']}, of which {r['fp_on_labelled']} overlap a labelled plate at IoU >= 0.1,"
                  f" {r['fp_on_unlabelled']} are unlabelled real plates: non-plates {r['fp_non_plate_per_image']:.3f}/img)")
        if args.dump_fp and cfg == configs[0]:
            dump_fp(ro, dets, args.dump_fp, thr=args.thresholds[0])
    for s in args.web_sizes:
        res = evaluate(runner, web, [s], thresholds=args.thresholds)
        key = f"web-plates val @{s}"
        out[key] = res
        print(f"{key} ({res[args.thresholds[0]]['images']} images, {res[args.thresholds[0]]['plates']} plates)")
        for t, r in res.items():
            print(f"  thr {t}: recall {r['recall']:.3f}  precision {r['precision']:.3f}  FP/img {r['fp_per_image']:.3f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({k: {str(t): v for t, v in r.items()} for k, r in out.items()}, f, indent=1)


def dump_fp(data, dets, folder, thr=0.3):
    """Crops of the false positives (fpNN_score_frame.png) and fps.jsonl: {"n", "file", "box", "score"} per crop, so
    a verdict by eye can name its box (unlabelled_plates.jsonl)."""
    os.makedirs(folder, exist_ok=True)
    n = 0
    rows = []
    for (name, img, gts), (_, bx, sc, _) in zip(data, dets):
        k = sc >= thr
        tp, _ = match(bx[k], sc[k], gts)
        for b, s in zip(bx[k][~tp], sc[k][~tp]):
            rows.append({"n": n, "file": name, "box": [round(float(v), 1) for v in b], "score": round(float(s), 3)})
            x0, y0, x1, y1 = [int(v) for v in b]
            pad = 40
            crop = img[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad].copy()
            cv2.rectangle(crop, (x0 - max(0, x0 - pad), y0 - max(0, y0 - pad)),
                          (x1 - max(0, x0 - pad), y1 - max(0, y0 - pad)), (255, 0, 0), 1)
            crop = cv2.resize(crop, None, fx=2, fy=2)
            cv2.imwrite(os.path.join(folder, f"fp{n:02d}_{s:.2f}_{os.path.basename(name)}.png"), crop[:, :, ::-1])
            n += 1
    with open(os.path.join(folder, "fps.jsonl"), "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    print(f"wrote {n} FP crops and fps.jsonl to {folder}")


if __name__ == "__main__":
    main()
