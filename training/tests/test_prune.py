"""The pruning scripts (training/ocr/prune.py, training/detector/prune.py): keeping every channel gives back the same
network, and a slimmer net keeps the chosen channels' weights exactly.

Run from the repository root: /usr/bin/python3 -m unittest discover -s training/tests -t .
"""
import unittest

import torch

from training.tests.test_pipeline import load_module


def randomise_bn(net, seed):
    g = torch.Generator().manual_seed(seed)
    for m in net.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            n = m.num_features
            m.weight.data = torch.rand(n, generator=g) * 2 - 0.5
            m.bias.data = torch.randn(n, generator=g) * 0.1
            m.running_mean = torch.randn(n, generator=g) * 0.1
            m.running_var = torch.rand(n, generator=g) + 0.5
    return net.eval()


class OcrPruneTest(unittest.TestCase):
    def setUp(self):
        from training.ocr.model import PlateOCR
        from training.ocr.prune import prune
        torch.manual_seed(0)
        self.prune = prune
        self.net = randomise_bn(PlateOCR(n_regions=7, width=0.75), 1)
        self.x = torch.rand(3, 3, 64, 160)

    def test_keeping_every_channel_is_the_same_net(self):
        same, _ = self.prune(self.net, self.net.chans)
        for a, b in zip(self.net.forward_logits(self.x), same.eval().forward_logits(self.x)):
            torch.testing.assert_close(a, b)

    def test_slim_net_keeps_the_chosen_channels(self):
        chans = (16, 24, 24, 44, 44, 64, 64, 88)
        slim, kept = self.prune(self.net, chans)
        slim.eval()
        self.assertEqual(slim.chans, chans)
        chars, region = slim.forward_logits(self.x)
        self.assertEqual(tuple(chars.shape), (3, 40, 37))
        self.assertEqual(tuple(region.shape), (3, 7))
        # the first convolution sees the same input, so its kept channels match the source's exactly
        full = self.net.features[0](self.x)
        torch.testing.assert_close(slim.features[0](self.x), full[:, kept[0]])
        # and the most important channels are the ones kept: the weakest channel of layer 0 is gone
        score = self.net.features[0][1].weight.abs() * self.net.features[1][0].weight.pow(2).sum((0, 2, 3)).sqrt()
        self.assertNotIn(int(score.argmin()), kept[0].tolist())


class DetectorPruneTest(unittest.TestCase):
    def setUp(self):
        self.m = load_module("det_prune", "training/detector/prune.py")
        torch.manual_seed(0)
        self.det = randomise_bn(self.m.Detector(), 2)
        self.x = torch.rand(1, 3, 128, 192) * 255

    def test_keeping_every_channel_is_the_same_net(self):
        same = self.m.prune(self.det, self.det.arch["width"], self.det.arch["neck"]).eval()
        for a, b in zip(self.det.forward_raw(self.x), same.forward_raw(self.x)):
            torch.testing.assert_close(a, b)

    def test_slim_net_has_the_asked_widths_and_runs(self):
        slim = self.m.prune(self.det, (16, 32, 48, 96, 160), 40).eval()
        self.assertEqual(slim.arch, {"width": (16, 32, 48, 96, 160), "neck": 40})
        logits, raw = slim.forward_raw(self.x)
        self.assertEqual(tuple(logits.shape), (1, 1, 16, 24))
        self.assertEqual(tuple(raw.shape), (1, 4, 16, 24))
        # each of the slim stem's 16 channels is one of the source stem's 24, copied exactly
        x = (self.x - 0.45 * 255) / (0.25 * 255)  # the input normalisation (model.MEAN, model.STD)
        full_stem, slim_stem = self.det.stem(x), slim.stem(x)
        kept = [i for i in range(24) if any(torch.equal(slim_stem[0, j], full_stem[0, i]) for j in range(16))]
        self.assertEqual(len(kept), 16)


if __name__ == "__main__":
    unittest.main()
