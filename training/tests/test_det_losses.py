"""The detector's box losses (training/detector/train.py): --small-boost makes a small plate's box error count more
than the same relative error on a large plate, and leaves the loss unchanged when off.

Run from the repository root: /usr/bin/python3 -m unittest discover -s training/tests -t .
"""
import math
import unittest

import torch

from training.tests.test_pipeline import load_module

train = load_module("det_train", "training/detector/train.py")


def grid(cells):
    """raw predictions, ltrb targets and weights on a 1×4×1×len(cells) grid: each cell (target ltrb, predicted
    ltrb) in pixels."""
    n = len(cells)
    raw = torch.zeros(1, 4, 1, n)
    t = torch.zeros(1, 4, 1, n)
    for i, (tgt, pred) in enumerate(cells):
        t[0, :, 0, i] = torch.tensor(tgt)
        raw[0, :, 0, i] = torch.log(torch.tensor(pred) / train.BOX_SCALE)
    return raw, t, torch.ones(1, 1, n)


class SmallBoostTest(unittest.TestCase):
    def test_weights(self):
        w = train.small_weight(torch.tensor([8.0, 24.0, 48.0, 200.0]), 48.0)
        self.assertEqual(w.tolist(), [4.0, 2.0, 1.0, 1.0])
        self.assertEqual(train.small_weight(torch.tensor([8.0]), 0.0).tolist(), [1.0])

    def test_small_plate_error_counts_more(self):
        # one small plate (24 px wide) whose box is 30 % too wide, and one large plate (160 px) boxed exactly
        cells = [((12.0, 4.0, 12.0, 4.0), (15.6, 4.0, 15.6, 4.0)), ((80.0, 20.0, 80.0, 20.0), (80.0, 20.0, 80.0, 20.0))]
        raw, t, w = grid(cells)
        plain = train.box_loss(raw, t, w, 0.0)
        boosted = train.box_loss(raw, t, w, 48.0)
        self.assertGreater(boosted.item(), plain.item() * 1.2)
        # with the error on the large plate instead, boosting the small one dilutes it
        cells = [((12.0, 4.0, 12.0, 4.0), (12.0, 4.0, 12.0, 4.0)), ((80.0, 20.0, 80.0, 20.0), (104.0, 20.0, 104.0, 20.0))]
        raw, t, w = grid(cells)
        self.assertLess(train.box_loss(raw, t, w, 48.0).item(), train.box_loss(raw, t, w, 0.0).item())
        self.assertTrue(math.isfinite(train.box_loss(raw, t, w, 48.0).item()))


if __name__ == "__main__":
    unittest.main()
