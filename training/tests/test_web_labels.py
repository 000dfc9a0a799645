"""The hand-read web-plates readings and the reader's use of them.

Run from the repository root: /usr/bin/python3 -m unittest discover -s training/tests -t .
"""
import json
import os
import unittest

import numpy as np

from training.common import splits
from training.ocr import data as D

HAVE_DATA = os.path.exists(os.path.join(splits.DATA, "web-plates", "annotations.jsonl"))


class WebLabelsTest(unittest.TestCase):
    def test_training_readings_are_training_plates_and_never_held_out(self):
        rows = splits.read_jsonl(D.WEB_TRAIN_TEXTS)
        held = splits.read_jsonl(D.WEB_VAL_TEXTS)
        self.assertGreater(len(rows), 300)
        held_texts = {r["text"] for r in held}
        held_files = {r["file"] for r in held}
        seen = set()
        for r in rows:
            self.assertRegex(r["text"], r"^[0-9A-Z]{1,10}$")
            self.assertNotIn(r["text"], held_texts)
            self.assertNotIn(r["file"], held_files)
            self.assertNotIn((r["file"], r["index"]), seen)
            seen.add((r["file"], r["index"]))
        if HAVE_DATA:
            train = {r["file"]: r for r in splits.web_rows("train")}
            for r in rows:
                self.assertIn(r["file"], train)  # a training source, not a held-out one
                self.assertEqual(train[r["file"]]["plates"][r["index"]], r["box"])

    def test_region_labels_are_read_training_plates_with_a_class_of_the_head(self):
        from training.ocr.region_head import REGION_LABELS
        labels = splits.read_jsonl(REGION_LABELS)
        self.assertGreater(len(labels), 150)
        read = {(r["file"], r["index"]): r["text"] for r in splits.read_jsonl(D.WEB_TRAIN_TEXTS)}
        held_files = {r["file"] for r in splits.read_jsonl(D.WEB_VAL_TEXTS)}
        for r in labels:
            self.assertEqual(read.get((r["file"], r["index"])), r["text"])  # one of the read training plates
            self.assertNotIn(r["file"], held_files)
            self.assertIn(r["region"], D.REGIONS)
        # the label follows the text (region_head.web_labelled): one text, one region
        by_text = {}
        for r in labels:
            self.assertEqual(by_text.setdefault(r["text"], r["region"]), r["region"])

    def test_mirrored_tells_a_flipped_photo_from_a_rotated_one(self):
        rng = np.random.default_rng(0)
        a = (rng.random((300, 300, 3)) * 255).astype(np.uint8)
        a = np.ascontiguousarray(np.repeat(np.repeat(a[::30, ::30], 30, 0), 30, 1))  # coarse, asymmetric
        import cv2
        M = cv2.getRotationMatrix2D((150, 150), 8, 1.0)
        rotated = cv2.warpAffine(a, M, (300, 300), borderMode=cv2.BORDER_REFLECT)
        self.assertFalse(D._mirrored(a, rotated))
        self.assertTrue(D._mirrored(a, np.ascontiguousarray(a[:, ::-1])))
        self.assertTrue(D._mirrored(a, np.ascontiguousarray(rotated[:, ::-1])))

    def test_at_edge(self):
        im = np.zeros((300, 300, 3), np.uint8)
        self.assertTrue(D._at_edge([0.0, 50, 100, 80], im))
        self.assertTrue(D._at_edge([200, 50, 300.0, 80], im))
        self.assertFalse(D._at_edge([20, 50, 100, 80], im))

    @unittest.skipUnless(HAVE_DATA, "needs ../shared/data/web-plates")
    def test_real_web_plates_give_engine_crops_with_their_text(self):
        web = D.RealWebPlates("train")
        self.assertGreater(len(web), 600)
        self.assertGreater(web.extra, 0)
        x, text, region = web.sample(np.random.default_rng(1))
        self.assertEqual(x.shape, (D.HEIGHT, D.WIDTH, 3))
        self.assertEqual(x.dtype, np.uint8)
        self.assertRegex(text, r"^[0-9A-Z]{1,10}$")
        self.assertIsNone(region)
        val = D.RealWebPlates("val")
        self.assertEqual(len(val), len(splits.read_jsonl(D.WEB_VAL_TEXTS)))


if __name__ == "__main__":
    unittest.main()


class TurnTest(unittest.TestCase):
    def test_turn_rotates_about_the_box_centre(self):
        img = np.zeros((60, 100, 3), np.uint8)
        img[28:33, 20:80] = 255  # a horizontal bar centred on the box
        box = (20.0, 20.0, 80.0, 40.0)
        rng = np.random.default_rng(3)
        same = D.turn(rng, img, box, 0.0)
        np.testing.assert_array_equal(same, img)
        turned = D.turn(np.random.default_rng(4), img, box, 4.0)  # 3.5°
        self.assertEqual(turned.shape, img.shape)
        self.assertGreater(turned[30, 50].min(), 200)  # the centre stays put
        # the bar's ends move up or down: the rows it covers at its left and right ends differ
        rows_at = lambda x: set(np.nonzero(turned[:, x, 0] > 127)[0])
        self.assertNotEqual(rows_at(22), rows_at(77))
