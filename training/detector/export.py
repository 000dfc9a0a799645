"""Export a detector checkpoint to models/detector.onnx + models/detector.json.

/usr/bin/python3 training/detector/export.py --ckpt training/runs/detector/last.pt
"""
import argparse
import datetime
import json
import os
import sys

import onnx
import torch

sys.path.insert(0, os.path.dirname(__file__))
from model import STRIDE, Detector, Exported, load_checkpoint, n_params  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def build(ckpt):
    if ckpt:
        det, state = load_checkpoint(ckpt)
        return det.fold_input_norm(), state
    return Detector().eval().fold_input_norm(), {}


def check_convs(path):
    model = onnx.load(path)
    onnx.checker.check_model(model)
    need = {"kernel_shape", "strides", "pads", "dilations"}
    for node in model.graph.node:
        if node.op_type == "Conv":
            have = {a.name for a in node.attribute}
            missing = need - have
            if missing:
                raise SystemExit(f"Conv {node.name} lacks {missing}")
    return model


def export_graph(det, path, opset=13):
    """The shipped graph of `det` (its input normalisation already folded: build / fold_input_norm) at `path`."""
    net = Exported(det).eval()
    dummy = torch.zeros(1, 384, 640, 3, dtype=torch.uint8)
    torch.onnx.export(net, dummy, path, input_names=["image"], output_names=["scores", "boxes"],
                      dynamic_axes={"image": {1: "H", 2: "W"}, "scores": {2: "h", 3: "w"}, "boxes": {2: "h", 3: "w"}},
                      opset_version=opset, do_constant_folding=True)
    return check_convs(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default="")
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "detector.onnx"))
    ap.add_argument("--fast", type=int, default=640)
    ap.add_argument("--default", type=int, default=640)
    ap.add_argument("--threshold", type=float, default=0.3, help="recommended score threshold (sidecar)")
    ap.add_argument("--version", default=datetime.date.today().isoformat())
    ap.add_argument("--opset", type=int, default=13)
    args = ap.parse_args()
    det, state = build(args.ckpt)
    model = export_graph(det, args.out, args.opset)
    n_conv = sum(n.op_type == "Conv" for n in model.graph.node)
    side = {"name": "detector", "version": args.version, "input": "image", "outputs": ["scores", "boxes"],
            "stride": STRIDE, "input_multiple": 32, "sizes": {"fast": args.fast, "default": args.default},
            "threshold": args.threshold, "nms_iou": 0.45, "params": n_params(det)}
    with open(os.path.splitext(args.out)[0] + ".json", "w") as f:
        json.dump(side, f, indent=2)
        f.write("\n")
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes, {n_conv} Conv, {n_params(det)} params)")


if __name__ == "__main__":
    main()
