"""The reader's training crops cut at the detector's own boxes (training/ocr/mine_boxes.py, data.pick_box).

Run from the repository root: /usr/bin/python3 -m unittest discover -s training/tests -t .
"""
import os
import tempfile
import unittest

import cv2
import numpy as np

from training.common import splits
from training.ocr import data as D
from training.ocr import mine_boxes as M

HAVE_RO = os.path.exists(os.path.join(splits.DATA, "ro-dashcam", "plates.jsonl"))


class FakeRunner:
    """Stands in for evaluate.Runner: the same boxes at every size."""

    def __init__(self, boxes):
        self.boxes = np.array(boxes, np.float32)

    def detect(self, img, sizes, threshold):
        return self.boxes, np.ones(len(self.boxes), np.float32)


class MineTest(unittest.TestCase):
    def test_keeps_detections_on_a_labelled_plate_keyed_by_its_label(self):
        with tempfile.TemporaryDirectory() as d:
            cv2.imwrite(os.path.join(d, "a.jpg"), np.zeros((100, 200, 3), np.uint8))
            label = [50.0, 40.0, 110.0, 60.0]
            near = [52.0, 41.0, 112.0, 61.0]      # IoU ~0.88 with the label
            far = [150.0, 10.0, 190.0, 25.0]      # on no plate
            out = {}
            n = M.mine(FakeRunner([near, far]), [{"file": "a.jpg", "plates": [label]}], d, [640, 960], 0.3, 0.5, out)
        self.assertEqual(n, 2)  # the near box, once per size
        self.assertEqual(list(out), [D.box_key("a.jpg", label)])
        self.assertEqual(out[D.box_key("a.jpg", label)], [near, near])


class PickBoxTest(unittest.TestCase):
    def test_detector_box_share_and_jitter(self):
        rng = np.random.default_rng(0)
        label, det = (100.0, 50.0, 200.0, 80.0), [(90.0, 45.0, 210.0, 85.0)]
        picks = [D.pick_box(rng, label, det, 0.1, 0.5, det_jitter=0.0) for _ in range(400)]
        from_det = [p for p in picks if p == det[0]]
        self.assertTrue(150 < len(from_det) < 250, len(from_det))
        for p in picks:
            if p != det[0]:  # the labelled box, each edge within 10 % of its size
                self.assertTrue(all(abs(a - b) <= 0.1 * s + 1e-9 for a, b, s in zip(p, label, (100, 30, 100, 30))))
        # no detector box for this plate, or det_p 0: always the jittered label
        for det_, p_ in (([], 1.0), (det, 0.0)):
            for _ in range(50):
                p = D.pick_box(rng, label, det_, 0.1, p_)
                self.assertTrue(all(abs(a - b) <= 10.0 + 1e-9 for a, b in zip(p, label)))

    @unittest.skipUnless(HAVE_RO, "../shared/data/ro-dashcam is not beside the repository")
    def test_detector_boxes_land_on_the_plate_in_the_window(self):
        """A detector box equal to the labelled box, moved into the cut window, gives the exact engine crop."""
        rows = [r for r in splits.ro_plate_rows("val") if r["legible"] and r["text"]]
        det = {D.box_key(r["file"], r["box"]): [r["box"]] for r in rows}
        real = D.RealPlates("val", det_boxes=det, det_p=1.0)
        rng = np.random.default_rng(1)
        for i in range(0, len(real), 7):
            win, box, _, _ = real.items[i]
            self.assertEqual(len(real.det[i]), 1)
            np.testing.assert_allclose(real.det[i][0], box, atol=1e-3)
            x = D.crop(win, D.pick_box(rng, box, real.det[i], 0.1, 1.0, det_jitter=0.0))
            np.testing.assert_array_equal(x, real.exact(i)[0])


if __name__ == "__main__":
    unittest.main()
