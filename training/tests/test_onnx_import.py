"""training/common/onnx_import.py and the from_onnx.py scripts: a network exported to ONNX (BatchNorms folded, the
detector's input normalisation folded) and read back computes what it computed before, with or without the
BatchNorm calibration, and the shipped models come back with the very weights of models/*.onnx.

Run from the repository root: /usr/bin/python3 -m unittest discover -s training/tests -t .
"""
import os
import tempfile
import unittest

import torch

from training.common.onnx_import import check_roundtrip, import_onnx
from training.tests.test_pipeline import load_module
from training.tests.test_prune import randomise_bn

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class ReaderImportTest(unittest.TestCase):
    def setUp(self):
        from training.ocr.model import PlateOCR
        from training.ocr.export import export
        torch.manual_seed(0)
        self.PlateOCR, self.export = PlateOCR, export
        self.net = randomise_bn(PlateOCR(n_regions=5, width=0.75, head="ctc"), 3)
        self.ck = {"regions": ["a", "b", "c", "d", "e"], "step": 0}
        self.x = torch.rand(4, 3, 64, 160)

    def _exported(self, tmp):
        self.export(self.net, self.ck, tmp, name="r")
        return os.path.join(tmp, "r.onnx")

    def test_a_read_back_net_computes_the_same(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = self._exported(tmp)
            plain = self.PlateOCR(n_regions=5, width=0.75, head="ctc")
            import_onnx(plain, path)
            calibrated = self.PlateOCR(n_regions=5, width=0.75, head="ctc")
            import_onnx(calibrated, path, calibrate=torch.rand(16, 3, 64, 160), forward=lambda m, x: m.forward_logits(x))
        want = self.net.forward_logits(self.x)
        for net in (plain.eval(), calibrated.eval()):
            for a, b in zip(want, net.forward_logits(self.x)):
                torch.testing.assert_close(a, b, atol=1e-4, rtol=1e-4)
        # calibrated: the running statistics are the conv outputs' own, not the identity
        bn = calibrated.features[3][1]
        self.assertGreater(float((bn.running_var - 1).abs().max()), 1e-3)

    def test_the_shipped_reader_comes_back_with_its_weights(self):
        fo = load_module("from_onnx_ocr", os.path.join(ROOT, "training", "ocr", "from_onnx.py"))
        onnx_path = os.path.join(ROOT, "models", "ocr.onnx")
        net, ck = fo.recover(onnx_path, calibrate=False)
        rep = check_roundtrip(net, onnx_path, fo.export_to(net, ck))
        self.assertEqual(rep["layers"], 10)
        self.assertLess(rep["max_abs_diff"], 1e-5)


class DetectorImportTest(unittest.TestCase):
    def test_a_read_back_detector_computes_the_same(self):
        self.read_back(None)

    def test_a_read_back_factorised_detector_computes_the_same(self):
        # lowrank.py's layers: two 1x1 convs, the first without bias, the second with the BatchNorm folded in; the
        # first layer of s16 changes its output width's source (PATH.1), so build() must read the widths from it
        self.read_back({"s16.0.pw": 6, "s16.1.pw": 8, "lat16": 5, "lat8": 4})

    def read_back(self, ranks):
        model = load_module("model", os.path.join(ROOT, "training", "detector", "model.py"))
        fo = load_module("from_onnx_det", os.path.join(ROOT, "training", "detector", "from_onnx.py"))
        torch.manual_seed(1)
        det = randomise_bn(model.Detector(width=(8, 16, 16, 24, 32), neck=16, ranks=ranks), 5)
        for m in det.modules():  # the factorised layers' second conv carries a bias
            if isinstance(m, torch.nn.Conv2d) and m.bias is not None:
                m.bias.data.normal_(0, 0.1)
        x = torch.rand(2, 3, 128, 160) * 255
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "d.onnx")
            fo.export_again(det, path)
            back = model.Detector(width=(8, 16, 16, 24, 32), neck=16, ranks=ranks)
            import_onnx(back, path, calibrate=torch.rand(4, 3, 128, 160) * 255, forward=lambda m, v: m.forward_raw(v),
                        input_norm=("stem.0", model.MEAN, model.STD))
            self.assertEqual(fo.build(path).arch, back.arch)
        for a, b in zip(det.forward_raw(x), back.eval().forward_raw(x)):
            torch.testing.assert_close(a, b, atol=1e-3, rtol=1e-4)

    def test_the_shipped_detector_comes_back_with_its_weights(self):
        fo = load_module("from_onnx_det", os.path.join(ROOT, "training", "detector", "from_onnx.py"))
        onnx_path = os.path.join(ROOT, "models", "detector.onnx")
        det, _ = fo.recover(onnx_path, calibrate=False)
        rep = check_roundtrip(det, onnx_path, fo.export_again)
        self.assertEqual(rep["layers"], 29)
        self.assertLess(rep["max_abs_diff"], 1e-4)


if __name__ == "__main__":
    unittest.main()
