"""Check that models/detector.onnx (run by onnxruntime-web under Node) matches the torch checkpoint.

/usr/bin/python3 training/detector/verify_onnx.py --ckpt training/runs/detector/last.pt
Writes a real held-out frame (preprocessed like the engine) and the torch outputs to /tmp, runs
training/detector/verify_onnx.mjs and compares.
"""
import argparse
import os
import subprocess
import sys

import cv2
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
from common import splits  # noqa: E402
from evaluate import load_runner, preprocess  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=os.path.join(HERE, "..", "runs", "detector", "last.pt"))
    ap.add_argument("--onnx", default=os.path.join(ROOT, "models", "detector.onnx"))
    ap.add_argument("--size", type=int, default=640)
    args = ap.parse_args()
    torch.set_num_threads(1)
    runner, _ = load_runner(args.ckpt)
    row = splits.ro_rows("val")[0]
    img = cv2.cvtColor(cv2.imread(os.path.join(splits.DATA, "ro-dashcam", row["file"])), cv2.COLOR_BGR2RGB)
    x, f = preprocess(img, args.size)
    with torch.no_grad():
        s, b = runner.net(torch.from_numpy(x)[None])
    x.tofile("/tmp/det_in.bin")
    out = subprocess.run(["node", os.path.join(HERE, "verify_onnx.mjs"), args.onnx, "/tmp/det_in.bin",
                          str(x.shape[0]), str(x.shape[1])], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        raise SystemExit(out.stderr)
    ss = np.fromfile("/tmp/det_scores.bin", np.float32).reshape(s.shape)
    bb = np.fromfile("/tmp/det_boxes.bin", np.float32).reshape(b.shape)
    ds = np.abs(ss - s.numpy()).max()
    db = np.abs(bb - b.numpy()).max()
    peaks_t = int((s.numpy() > 0.3).sum())
    peaks_o = int((ss > 0.3).sum())
    print(f"input {x.shape}: scores {ss.shape} max|diff| {ds:.2e}; boxes {bb.shape} max|diff| {db:.2e} px; "
          f"cells >= 0.3: torch {peaks_t}, onnx {peaks_o}")
    if ds > 1e-3 or db > 0.05 * max(1.0, float(np.abs(b.numpy()).max())):
        raise SystemExit("MISMATCH")
    print("OK")


if __name__ == "__main__":
    main()
