"""Export a checkpoint to models/ocr.onnx + models/ocr.json (the sidecar; see models/README.md).

    /usr/bin/python3 training/ocr/export.py [--ckpt training/runs/ocr/best.pt] [--out models]
"""
import argparse
import datetime
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
from training.ocr.model import ALPHABET, HEIGHT, WIDTH, SLOTS, PlateOCR, Exported, count_params  # noqa: E402
from training.ocr.data import CROP_PAD  # noqa: E402


def load(ckpt_path):
    ck = torch.load(ckpt_path, map_location="cpu")
    net = PlateOCR(len(ck["regions"]), width=ck.get("width", 1.0), head=ck.get("head", "slots"), chans=ck.get("chans"))
    net.load_state_dict(ck["model"])
    net.eval()
    return net, ck


REREAD = {"below": 0.8, "above": 0.4, "variants": [[0.08, 0, 0, 0], [0, 0, 0.08, 0], [0.08, 0.08, 0.08, 0.08]]}
TURN = {"below": 0.8, "above": 0.2, "min_deg": 6, "min_chars": 3}


def export(net, ck, out_dir, name="ocr"):
    os.makedirs(out_dir, exist_ok=True)
    model = Exported(net).eval()
    dummy = torch.zeros(2, HEIGHT, WIDTH, 3, dtype=torch.uint8)
    path = os.path.join(out_dir, name + ".onnx")
    torch.onnx.export(model, (dummy,), path, input_names=["image"], output_names=["chars", "region"],
                      dynamic_axes={"image": {0: "N"}, "chars": {0: "N"}, "region": {0: "N"}}, opset_version=13,
                      do_constant_folding=True)
    side = {
        "name": name,
        "version": datetime.datetime.utcnow().strftime("%Y.%m.%d-%H%M") + "-step%d" % ck.get("step", 0),
        "input": "image", "outputs": ["chars", "region"],
        "height": HEIGHT, "width": WIDTH, "slots": SLOTS, "alphabet": ALPHABET,
        "crop_pad": list(CROP_PAD), "regions": list(ck["regions"]),
        # The engine's second read of unsure plates through nudged crops (models/README.md, docs/engine.md
        # "Reading again"; tuned on the held-out sets with the shipped detector, 2026-12-02).
        "reread": REREAD,
        # Unsure plates turned in the photo are read again through a crop turned level (docs/engine.md, "Reading
        # turned plates", 2026-12-03).
        "turn": TURN,
    }
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump(side, f, indent=2)
        f.write("\n")
    print("wrote %s (%d bytes, %d params) and %s.json" % (path, os.path.getsize(path), count_params(net), name))
    return path


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default="training/runs/ocr/best.pt")
    ap.add_argument("--out", default="models")
    a = ap.parse_args()
    net, ck = load(a.ckpt)
    export(net, ck, a.out)
