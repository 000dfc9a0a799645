"""The shipped reader (models/ocr.onnx) back into a PyTorch checkpoint that train.py --init, evaluate.py --ckpt,
prune.py and label_web.py take: on a fresh machine training/runs/ is empty, and this is how a fine-tune starts from
what is shipped instead of from scratch.

    /usr/bin/python3 training/ocr/from_onnx.py [--onnx models/ocr.onnx] [--out training/runs/ocr_shipped/last.pt]

The BatchNorms are calibrated on the real training crops (ro-dashcam and the hand-read web-plates training plates;
training/common/onnx_import.py says how), and the checkpoint is exported again and compared with the ONNX file's
weights before it is written.
"""
import json
import os
import re
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
from training.common.onnx_import import import_onnx, layer_shapes, main  # noqa: E402
from training.ocr import data as D  # noqa: E402
from training.ocr.export import export  # noqa: E402
from training.ocr.model import ALPHABET, PlateOCR  # noqa: E402


def build(onnx_path):
    """A PlateOCR with the graph's channel counts and the sidecar's regions."""
    shapes = layer_shapes(onnx_path)
    chans = [shapes["features.%d.0" % i][0] for i in range(8)]
    with open(os.path.splitext(onnx_path)[0] + ".json") as f:
        side = json.load(f)
    return PlateOCR(len(side["regions"]), head="ctc", chans=chans), side


def calibration_batch(n=512, seed=0):
    """Real training crops (no held-out plate): ro-dashcam and the hand-read web-plates plates, as the reader sees
    them in training (jittered boxes, camera effects)."""
    rng = np.random.default_rng(seed)
    ro, web = D.RealPlates("train"), D.RealWebPlates("train")
    xs = [(ro if k % 2 else web).sample(rng)[0] for k in range(n)]
    return torch.from_numpy(np.stack(xs)).permute(0, 3, 1, 2).float() / 255.0


def recover(onnx_path, calibrate=True):
    net, side = build(onnx_path)
    batch = calibration_batch() if calibrate else None
    import_onnx(net, onnx_path, calibrate=batch, forward=lambda m, x: m.forward_logits(x))
    net.eval()
    m = re.search(r"-step(\d+)$", side.get("version", ""))
    ck = {"model": net.state_dict(), "step": int(m.group(1)) if m else 0, "regions": side["regions"],
          "alphabet": ALPHABET, "width": 0.75, "head": "ctc", "chans": list(net.chans),
          "from_onnx": {"path": onnx_path, "version": side.get("version")}}
    return net, ck


def export_to(net, ck):
    def run(_net, path):
        export(_net, ck, os.path.dirname(path), name=os.path.splitext(os.path.basename(path))[0])
    return run


if __name__ == "__main__":
    main("reader", "models/ocr.onnx", "training/runs/ocr_shipped/last.pt", recover, export_to, 1e-4)
