"""The renderer's India (`in`) and Indonesia (`id`) plates: label format, image, layout, and that the regions were
appended after the existing ones (the OCR's region head indexes REGIONS).

Run from the repository root: /usr/bin/python3 -m unittest discover -s training/tests -t .
"""
import re
import unittest
from unittest import mock

import numpy as np

from training.synth import render
from training.synth.render import REGIONS, region_weights, render_plate

# REGIONS before India and Indonesia were added: their indices must not move
OLD_REGIONS = ["de", "fr", "it", "es", "nl", "pl", "ro", "be", "cz", "se", "hu", "bg", "pt", "gb", "us-ca", "us-ny",
               "us-tx", "us-fl", "us-il", "us-pa", "us-nj", "us-az", "us-wa", "us-oh", "us-ga", "us-mi", "us-nc",
               "us-va", "us-co", "us-ma", "br", "generic"]
FORMATS = {
    "in": re.compile(r"^([A-Z]{2}[0-9]{1,2}[A-Z]{0,3}[0-9]{4}|[0-9]{2}BH[0-9]{4}[A-Z]{1,2})$"),
    "id": re.compile(r"^[A-Z]{1,2}[0-9]{1,4}[A-Z]{0,3}$"),
}
SEEDS = range(60)
LINES = {"in": {None: (1, 2), True: (2,), False: (1,)}, "id": {None: (1,), True: (1,), False: (1,)}}  # id: one line


class RegionListTest(unittest.TestCase):
    def test_new_regions_appended(self):
        self.assertEqual(REGIONS[:32], OLD_REGIONS)
        self.assertEqual(REGIONS[32:], ["in", "id"])

    def test_weights(self):
        w = dict(zip(REGIONS, region_weights()))
        self.assertAlmostEqual(sum(w.values()), 1.0)
        self.assertAlmostEqual(w["in"] / w["ro"], 1.5 / 12.0)
        self.assertAlmostEqual(w["id"] / w["ro"], 0.8 / 12.0)


class IndiaIndonesiaTest(unittest.TestCase):
    def check(self, p, region):
        img = p["image"]
        self.assertEqual(img.dtype, np.uint8)
        self.assertEqual(img.ndim, 3)
        self.assertEqual(img.shape[2], 3)
        self.assertGreater(float(img.std()), 5.0)
        self.assertEqual(p["region"], region)
        self.assertRegex(p["text"], FORMATS[region])
        self.assertLessEqual(len(p["text"]), 10)  # the OCR's slots

    def test_labels_and_images(self):
        for region in FORMATS:
            for seed in SEEDS:
                for two_line in (None, True, False):
                    p = render_plate(np.random.default_rng(seed), region=region, effects=seed % 2 == 0,
                                     two_line=two_line)
                    self.check(p, region)
                    self.assertIn(p["lines"], LINES[region][two_line], (region, seed, two_line))

    def test_label_is_the_drawn_text(self):
        """The big text drawn on the plate (not the margin's IND or the expiry date) is the label, top line first."""
        for region in FORMATS:
            for seed in SEEDS:
                drawn = []

                def spy(img, text, *a, **k):
                    box = a[1] if len(a) > 1 else k["box"]
                    if box[3] - box[1] >= 0.3 * img.shape[0]:
                        drawn.append(text)
                    return real(img, text, *a, **k)

                real = render._text
                with mock.patch.object(render, "_text", spy):
                    p = render_plate(np.random.default_rng(seed), region=region, effects=False)
                self.assertEqual(len(drawn), p["lines"], (region, seed, drawn))
                self.assertEqual(render._label(drawn), p["text"], (region, seed, drawn))

    def test_two_line_taller_than_one_line(self):
        one = [render_plate(np.random.default_rng(s), region="in", two_line=False)["image"].shape for s in SEEDS]
        two = [render_plate(np.random.default_rng(s), region="in", two_line=True)["image"].shape for s in SEEDS]
        self.assertGreater(min(h / w for h, w, _ in two), 2 * max(h / w for h, w, _ in one))
        for h, w, _ in one:
            self.assertTrue(4.2 <= w / h <= 5.1, (w, h))
        for s in SEEDS:
            h, w, _ = render_plate(np.random.default_rng(s), region="id")["image"].shape
            self.assertTrue(3.0 <= w / h <= 4.2, (w, h))

    def test_two_line_share(self):
        rng = np.random.default_rng(0)
        n = sum(render_plate(rng, region="in", effects=False)["lines"] == 2 for _ in range(300))
        self.assertTrue(0.28 * 300 < n < 0.52 * 300, n)


if __name__ == "__main__":
    unittest.main()
