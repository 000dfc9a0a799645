"""training/detector/lowrank.py and model.py's factorised layers: a full-rank fit reproduces the source layer, the
error the fit reports from its moments is the error measured on the images, a lower rank costs accuracy, the
factorised detector saves and loads through its checkpoint's arch, and only 1x1 conv_bn layers can be factorised.

Run from the repository root: /usr/bin/python3 -m unittest discover -s training/tests -t .
"""
import os
import tempfile
import unittest

import torch

from training.tests.test_pipeline import load_module
from training.tests.test_prune import randomise_bn

lowrank = load_module("det_lowrank", "training/detector/lowrank.py")
fd = load_module("det_feat_distill_lr", "training/detector/feat_distill.py")
Detector = lowrank.Detector


def outputs(det, images):
    with torch.no_grad():
        return [torch.cat(det.forward_raw(x), 1) for x in images]


class LowRankTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.src = randomise_bn(Detector(), 5)
        self.images = [torch.rand(1, 3, 96, 128) * 255 for _ in range(3)]

    def layer_error(self, det, path):
        """E|z - z_src|^2 / E|z_src - mean|^2 of the layer's output before its ReLU, measured with hooks."""
        got = {}

        def pre_relu(key):
            def hook(m, inp, out):
                got.setdefault(key, []).append(out.permute(0, 2, 3, 1).reshape(-1, out.shape[1]).clone())  # before the in-place ReLU
            return hook

        hooks = [self.src.get_submodule(path)[1].register_forward_hook(pre_relu("src")),  # BatchNorm output
                 det.get_submodule(path)[1].register_forward_hook(pre_relu("det"))]       # second conv output
        outputs(self.src, self.images)
        outputs(det, self.images)
        for h in hooks:
            h.remove()
        z, zh = torch.cat(got["src"]).double(), torch.cat(got["det"]).double()
        return float(((z - zh) ** 2).sum() / ((z - z.mean(0)) ** 2).sum())

    def test_full_rank_reproduces_the_source(self):
        det, errors = lowrank.factorise(self.src, {"s16.1.pw": 128, "lat8": 48}, self.images, log=lambda m: None)
        self.assertLess(errors["s16.1.pw"], 1e-3)
        for got, want in zip(outputs(det, self.images), outputs(self.src, self.images)):
            torch.testing.assert_close(got, want, atol=2e-2 * float(want.abs().max()), rtol=0)

    def test_reported_error_is_the_measured_error_and_grows_as_rank_falls(self):
        errs = []
        for rank in (48, 16, 4):
            det, errors = lowrank.factorise(self.src, {"s16.1.pw": rank}, self.images, log=lambda m: None)
            measured = self.layer_error(det, "s16.1.pw")
            self.assertAlmostEqual(errors["s16.1.pw"], measured, delta=0.02 * measured + 1e-4)
            errs.append(measured)
        self.assertLess(errs[0], errs[1])
        self.assertLess(errs[1], errs[2])
        self.assertGreater(errs[2], 100 * errs[0])

    def test_checkpoint_round_trip(self):
        det, _ = lowrank.factorise(self.src, {"s16.0.pw": 24, "lat16": 16}, self.images, log=lambda m: None)
        self.assertEqual(det.arch["ranks"], {"s16.0.pw": 24, "lat16": 16})
        self.assertEqual(tuple(det.s16[0].pw[0].weight.shape), (24, 48, 1, 1))
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "lr.pt")
            torch.save({"model": det.state_dict(), "ema": det.state_dict(), "arch": det.arch}, path)
            back, _ = lowrank.load_checkpoint(path)
        for got, want in zip(outputs(back, self.images), outputs(det, self.images)):
            torch.testing.assert_close(got, want)

    def test_feat_distill_takes_a_deep_factorisation_only(self):
        quiet = lambda m: None  # noqa: E731
        deep, _ = lowrank.factorise(self.src, {"s16.1.pw": 32, "lat32": 16}, self.images, log=quiet)
        fd.check_shared(deep, self.src)  # the stride-4/8 path is the source's: no exit
        top, _ = lowrank.factorise(self.src, {"lat8": 16}, self.images, log=quiet)
        with self.assertRaises(SystemExit):
            fd.check_shared(top, self.src)
        # the stride-8 layers factorised after the deep part: --train-top trains them, stem/s4/s8 stay the teacher's
        both, _ = lowrank.factorise(deep, {"fuse8.pw": 16, "head.0.pw": 16}, self.images, log=quiet)
        self.assertEqual(both.arch["ranks"], {"s16.1.pw": 32, "lat32": 16, "fuse8.pw": 16, "head.0.pw": 16})
        frozen, trained = fd.split_layers(True)
        self.assertEqual(set(frozen), {"stem", "s4", "s8"})
        fd.check_shared(both, self.src, frozen)
        with self.assertRaises(SystemExit):
            fd.check_shared(both, self.src)

    def test_only_plain_pointwise_layers(self):
        det = Detector()
        with self.assertRaises(ValueError):
            det.set_low_rank("s16.1.dw", 8)     # depthwise 3x3
        det.set_low_rank("lat8", 16)
        with self.assertRaises(ValueError):
            det.set_low_rank("lat8", 8)         # already factorised
        self.assertEqual(lowrank.parse_ranks("lat8=16,s16.1.pw=48"), {"s16.1.pw": 48, "lat8": 16})
        with self.assertRaises(SystemExit):
            lowrank.parse_ranks("stem=8")


if __name__ == "__main__":
    unittest.main()
