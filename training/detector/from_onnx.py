"""The shipped detector (models/detector.onnx) back into a checkpoint that train.py --init / --teacher, evaluate.py
--ckpt, prune.py, mine.py and export.py take: on a fresh machine training/runs/ is empty, and this is how a
fine-tune, a distillation or a pruning starts from what is shipped.

    /usr/bin/python3 training/detector/from_onnx.py [--onnx models/detector.onnx] [--out training/runs/detector_shipped/final.pt]

The graph has the BatchNorms and the input normalisation folded into its convs (export.py); both are undone
(training/common/onnx_import.py), the BatchNorms calibrated on training frames (ro-dashcam training videos and
web-plates training photos), and the checkpoint exported again and compared with the ONNX file's weights before it
is written. The checkpoint holds the weights as both `model` and `ema` (load_checkpoint reads `ema`).
"""
import copy
import json
import os
import sys

import cv2
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", ".."))
from training.common import splits  # noqa: E402
from training.common.onnx_import import import_onnx, layer_shapes, main  # noqa: E402
from model import MEAN, STD, Detector  # noqa: E402
from lowrank import ORDER  # noqa: E402
from export import export_graph  # noqa: E402
from data import load_rgb  # noqa: E402


def build(onnx_path):
    """A Detector with the graph's widths, and its factorised layers (lowrank.py: a 1x1 conv_bn exported as two convs,
    `PATH.0` to the rank and `PATH.1` back; a plain one has no conv at `PATH.1`, only the folded BatchNorm)."""
    s = layer_shapes(onnx_path)
    ranks = {p: s[p + ".0"][0] for p in ORDER if p + ".1" in s}

    def out(p):
        return s[p + ".1" if p in ranks else p + ".0"][0]

    width = (s["stem.0"][0], out("s4.0.pw"), out("s8.0.pw"), out("s16.0.pw"), out("s32.0.pw"))
    return Detector(width=width, neck=out("lat8"), ranks=ranks or None)


def calibration_batch(n=16, seed=0):
    """n training frames at 640×384 (ro-dashcam training videos; web-plates training photos, two to a frame)."""
    rng = np.random.default_rng(seed)
    ro, web = splits.ro_rows("train"), splits.web_rows("train")
    frames = []
    for k in range(n):
        canvas = np.zeros((384, 640, 3), np.uint8)
        if k % 2 == 0:
            r = ro[rng.integers(len(ro))]
            im = load_rgb(os.path.join(splits.DATA, "ro-dashcam", r["file"]))
            canvas[:360] = cv2.resize(im, (640, 360), interpolation=cv2.INTER_AREA)
        else:
            for x in (0, 320):
                r = web[rng.integers(len(web))]
                im = load_rgb(os.path.join(splits.DATA, "web-plates", r["file"]))
                canvas[32:352, x:x + 320] = cv2.resize(im, (320, 320), interpolation=cv2.INTER_AREA)
        frames.append(canvas)
    return torch.from_numpy(np.stack(frames)).permute(0, 3, 1, 2).float()


def recover(onnx_path, calibrate=True):
    det = build(onnx_path)
    batch = calibration_batch() if calibrate else None
    import_onnx(det, onnx_path, calibrate=batch, forward=lambda m, x: m.forward_raw(x), input_norm=("stem.0", MEAN, STD))
    det.eval()
    with open(os.path.splitext(onnx_path)[0] + ".json") as f:
        side = json.load(f)
    state = det.state_dict()
    ck = {"model": state, "ema": state, "arch": det.arch, "step": 0,
          "from_onnx": {"path": onnx_path, "version": side.get("version")}}
    return det, ck


def export_again(det, path):
    export_graph(copy.deepcopy(det).eval().fold_input_norm(), path)


if __name__ == "__main__":
    main("detector", "models/detector.onnx", "training/runs/detector_shipped/final.pt", recover,
         lambda det, ck: export_again, 1e-3)
