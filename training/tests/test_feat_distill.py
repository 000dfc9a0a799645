"""training/detector/feat_distill.py and fidelity.py: the student's split forward pass is the detector's own, a
prune of the deep widths keeps the frozen stride-4/8 layers bit for bit (and a prune of c3 is refused), the losses
vanish when the student equals the teacher, and the fidelity tool's edge error is what it says.

Run from the repository root: /usr/bin/python3 -m unittest discover -s training/tests -t .
"""
import unittest

import torch

from training.tests.test_pipeline import load_module
from training.tests.test_prune import randomise_bn

fd = load_module("det_feat_distill", "training/detector/feat_distill.py")
fidelity = load_module("det_fidelity", "training/detector/fidelity.py")
prune = load_module("det_prune", "training/detector/prune.py")


class FeatDistillTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.teacher = randomise_bn(fd.Detector(), 3)
        self.x = torch.rand(2, 3, 128, 192) * 255

    def split(self, det):
        f8 = det.stride8(det.normalised(self.x))
        p16 = det.neck16(f8)
        return p16, det.top(f8, p16)

    @torch.no_grad()
    def test_split_forward_is_the_detectors(self):
        _, (logits, raw) = self.split(self.teacher)
        want_logits, want_raw = self.teacher.forward_raw(self.x)
        torch.testing.assert_close(logits, want_logits)
        torch.testing.assert_close(raw, want_raw)

    @torch.no_grad()
    def test_deep_prune_shares_the_frozen_layers(self):
        student = prune.prune(self.teacher, (24, 32, 48, 64, 128), 48).eval()
        fd.check_shared(student, self.teacher)  # no exit
        p16, out = self.split(student)
        self.assertEqual(p16.shape, self.split(self.teacher)[0].shape)
        self.assertEqual(out[1].shape, (2, 4, 16, 24))
        with self.assertRaises(SystemExit):
            fd.check_shared(prune.prune(self.teacher, (24, 32, 40, 64, 128), 48), self.teacher)

    @torch.no_grad()
    def test_losses_vanish_only_for_the_teacher_itself(self):
        p16, out = self.split(self.teacher)
        for v in fd.losses(p16, p16, out, out):
            self.assertEqual(float(v), 0.0)
        student = prune.prune(self.teacher, (24, 32, 48, 64, 128), 48).eval()
        s16, s_out = self.split(student)
        lf, ls, lb = fd.losses(p16, s16, out, s_out)
        self.assertGreater(float(lf), 0.0)
        self.assertGreater(float(ls), 0.0)

    @torch.no_grad()
    def test_weigh_student_makes_a_false_plate_cost_more(self):
        # One cell where the student sees a plate (logit +4) and the teacher does not (-4), among background.
        t_log = torch.full((1, 1, 4, 4), -6.0)
        s_log = t_log.clone()
        s_log[0, 0, 1, 2] = 4.0
        t_log[0, 0, 1, 2] = -4.0
        raw = torch.zeros(1, 4, 4, 4)
        p16 = torch.zeros(1, 2, 2, 2)
        _, plain, _ = fd.losses(p16, p16, (t_log, raw), (s_log, raw))
        _, weighed, _ = fd.losses(p16, p16, (t_log, raw), (s_log, raw), weigh_student=True)
        self.assertGreater(float(weighed), 3 * float(plain))
        # Where the student agrees with the teacher the option changes nothing.
        _, same, _ = fd.losses(p16, p16, (t_log, raw), (t_log, raw), weigh_student=True)
        self.assertEqual(float(same), 0.0)

    def test_edge_error(self):
        t = [10.0, 20.0, 110.0, 40.0]  # 100 x 20
        self.assertAlmostEqual(fidelity.edge_error(t, t), 0.0)
        self.assertAlmostEqual(fidelity.edge_error(t, [15.0, 20.0, 110.0, 40.0]), 0.05)  # left edge 5 px of 100
        self.assertAlmostEqual(fidelity.edge_error(t, [10.0, 22.0, 108.0, 40.0]), 0.1)  # top edge 2 px of 20


if __name__ == "__main__":
    unittest.main()
