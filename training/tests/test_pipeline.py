"""Smoke tests of the training pipeline: the renderer, the splits, the two networks' exported forms, and the
ONNX files shipped in models/ against the contract of models/README.md.

Run from the repository root: /usr/bin/python3 -m unittest discover -s training/tests -t .
"""
import hashlib
import importlib.util
import json
import os
import re
import unittest

import numpy as np
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODELS = os.path.join(ROOT, "models")


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, path))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class RendererTest(unittest.TestCase):
    def test_every_region_renders_a_labelled_plate(self):
        from training.synth.render import REGIONS, render_plate

        rng = np.random.default_rng(7)
        for region in REGIONS:
            p = render_plate(rng, region=region)
            img = p["image"]
            self.assertEqual(img.dtype, np.uint8, region)
            self.assertEqual(img.ndim, 3, region)
            self.assertEqual(img.shape[2], 3, region)
            self.assertGreater(img.shape[1], img.shape[0] * 0.8, f"{region}: plate narrower than tall")
            self.assertRegex(p["text"], r"^[A-Z0-9]{2,10}$", region)
            self.assertEqual(p["region"], region)
            self.assertIn(p["lines"], (1, 2))
            self.assertGreater(float(img.std()), 5.0, f"{region}: blank image")

    def test_same_seed_same_plate(self):
        from training.synth.render import render_plate

        a = render_plate(np.random.default_rng(3))
        b = render_plate(np.random.default_rng(3))
        self.assertEqual(a["text"], b["text"])
        self.assertTrue(np.array_equal(a["image"], b["image"]))


class SplitsTest(unittest.TestCase):
    def test_held_out_by_video_and_source(self):
        from training.common import splits

        if not os.path.isdir(splits.DATA):
            self.skipTest("../shared/data is not beside the repository")
        train, val = splits.ro_rows("train"), splits.ro_rows("val")
        self.assertFalse({r["file"] for r in train} & {r["file"] for r in val})
        self.assertTrue(all(r["video"] != "dayride_type1_003" for r in train))
        self.assertTrue(any(r["video"] == "dayride_type1_003" for r in val))
        wt, wv = splits.web_rows("train"), splits.web_rows("val")
        self.assertFalse({r["source"] for r in wt} & {r["source"] for r in wv})
        self.assertGreater(len(wv), len(wt) * 0.05)


class OcrNetTest(unittest.TestCase):
    def test_ctc_path_becomes_left_aligned_slots(self):
        from training.ocr.model import ctc_to_slots

        n_cls, blank = 5, 4
        path = [blank, 1, 1, blank, 2, blank, blank, 2, 3, blank]  # greedy CTC: 1 2 2 3
        p = torch.full((1, len(path), n_cls), 0.01)
        for t, c in enumerate(path):
            p[0, t, c] = 0.96
        slots = ctc_to_slots(p, 6)
        self.assertEqual(slots.argmax(-1)[0].tolist(), [1, 2, 2, 3, blank, blank])
        self.assertTrue(torch.allclose(slots.sum(-1), torch.ones(1, 6), atol=1e-5))

    def test_exported_forward_matches_the_contract(self):
        from training.ocr.model import ALPHABET, HEIGHT, SLOTS, WIDTH, Exported, PlateOCR

        net = PlateOCR(n_regions=7).eval()
        x = torch.randint(0, 256, (2, HEIGHT, WIDTH, 3), dtype=torch.uint8)
        chars, region = Exported(net)(x)
        self.assertEqual(tuple(chars.shape), (2, SLOTS, len(ALPHABET) + 1))
        self.assertEqual(tuple(region.shape), (2, 7))
        self.assertTrue(torch.allclose(region.sum(-1), torch.ones(2), atol=1e-5))


class DetectorNetTest(unittest.TestCase):
    def test_exported_forward_matches_the_contract(self):
        m = load_module("det_model", "training/detector/model.py")
        det = m.Detector().eval()
        x = torch.randint(0, 256, (1, 96, 128, 3), dtype=torch.uint8)
        with torch.no_grad():
            scores, boxes = m.Exported(det)(x)
        s = m.STRIDE
        self.assertEqual(tuple(scores.shape), (1, 1, 96 // s, 128 // s))
        self.assertEqual(tuple(boxes.shape), (1, 4, 96 // s, 128 // s))
        self.assertTrue(bool(((scores >= 0) & (scores <= 1)).all()))
        self.assertTrue(bool((boxes > 0).all()))
        # Peak suppression: no non-zero cell has a larger non-zero neighbour.
        pooled = torch.nn.functional.max_pool2d(scores, 3, 1, 1)
        self.assertTrue(bool(((scores == 0) | (scores >= pooled)).all()))


class ShippedModelsTest(unittest.TestCase):
    def setUp(self):
        import onnx

        self.onnx = onnx

    def graph(self, name):
        path = os.path.join(MODELS, f"{name}.onnx")
        model = self.onnx.load(path)
        self.onnx.checker.check_model(model)
        with open(os.path.join(MODELS, f"{name}.json")) as f:
            sidecar = json.load(f)
        return model, sidecar

    def check_common(self, model, sidecar):
        g = model.graph
        self.assertEqual([i.name for i in g.input], [sidecar["input"]])
        self.assertEqual(g.input[0].type.tensor_type.elem_type, self.onnx.TensorProto.UINT8)
        self.assertEqual(len(g.input[0].type.tensor_type.shape.dim), 4)
        self.assertEqual([o.name for o in g.output][: len(sidecar["outputs"])], sidecar["outputs"])
        for node in g.node:
            if node.op_type == "Conv":
                attrs = {a.name for a in node.attribute}
                # ORT's WebGPU EP needs these explicit.
                for a in ("kernel_shape", "strides", "pads", "dilations"):
                    self.assertIn(a, attrs, f"{node.name} lacks {a}")

    def test_detector(self):
        model, sidecar = self.graph("detector")
        self.check_common(model, sidecar)
        self.assertEqual(sidecar["outputs"], ["scores", "boxes"])
        self.assertEqual(sidecar["input_multiple"] % sidecar["stride"], 0)

    def test_ocr(self):
        model, sidecar = self.graph("ocr")
        self.check_common(model, sidecar)
        self.assertEqual(sidecar["outputs"][0], "chars")
        self.assertTrue(re.fullmatch(r"[0-9A-Z]+", sidecar["alphabet"]))
        dims = model.graph.input[0].type.tensor_type.shape.dim
        self.assertEqual([dims[1].dim_value, dims[2].dim_value, dims[3].dim_value], [sidecar["height"], sidecar["width"], 3])

    def test_manifest_matches_the_files(self):
        with open(os.path.join(MODELS, "manifest.json")) as f:
            manifest = json.load(f)
        total = 0
        for name, entry in manifest["models"].items():
            with open(os.path.join(MODELS, entry["file"]), "rb") as f:
                data = f.read()
            total += len(data)
            self.assertEqual(len(data), entry["bytes"], name)
            self.assertEqual(hashlib.sha256(data).hexdigest(), entry["sha256"], name)
        self.assertLess(total, 6 * 1000 * 1000, "total model download over the 6 MB budget")


if __name__ == "__main__":
    unittest.main()
