"""Feature distillation of a pruned detector whose stride-4/8 path is the teacher's own.

prune.py with only the deep widths changed (c4, c5: the stride-16 and stride-32 stages) keeps the stem, s4, s8,
lat8, fuse8 and the head bit-for-bit the teacher's. Those layers decide where a plate's box edges fall, and box
accuracy on small far plates is what output-only distillation of narrower nets lost (models/detector.md, round 4).
So here they stay frozen (the same tensors as the teacher's), and only the deep part (s16, s32, lat16, lat32,
fuse16) trains, to reproduce the teacher's stride-16 neck tensor `p16` (`Detector.neck16`: the only thing the deep part hands to the
stride-8 path), plus the teacher's outputs through the frozen head. No labels are used: any image the engine could
see is a training sample (train.py's sampler: ro-dashcam training frames, web-plates training photos, composites).

/usr/bin/python3 training/detector/prune.py --ckpt training/runs/detector_shipped/final.pt \
    --width 24,32,48,64,128 --neck 48 --out training/runs/detector_fd/init.pt
nohup /usr/bin/python3 training/detector/feat_distill.py --init training/runs/detector_fd/init.pt \
    --teacher training/runs/detector_shipped/final.pt --run training/runs/detector_fd --minutes 60 \
    > training/runs/detector_fd/train.log 2>&1 &

Resumes from RUN/last.pt; the checkpoint has train.py's layout (model, ema, arch), so evaluate.py and export.py
read it as they read any detector checkpoint.
"""
import argparse
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from model import Detector, load_checkpoint, n_params  # noqa: E402
from train import Samples, ema_update  # noqa: E402

FROZEN = ("stem", "s4", "s8", "lat8", "fuse8", "head")
TRAINED = ("s16", "s32", "lat16", "lat32", "fuse16")
TOP = ("lat8", "fuse8", "head")  # with --train-top these train too (a student from lowrank.py that factorised them)


def split_layers(train_top):
    """(frozen, trained) top-level module names."""
    if not train_top:
        return FROZEN, TRAINED
    return tuple(n for n in FROZEN if n not in TOP), TRAINED + TOP


def check_shared(student, teacher, frozen=FROZEN):
    """The frozen layers must be the teacher's exactly (prune.py kept c1..c3 and the neck whole)."""
    t = teacher.state_dict()
    for k, v in student.state_dict().items():
        if k.split(".")[0] in frozen and (k not in t or not torch.equal(v, t[k])):
            raise SystemExit(f"{k} differs from the teacher's: prune with only c4/c5 changed")


def losses(t_p16, s_p16, t_out, s_out, weigh_student=False):
    """(feature loss, score loss, box loss). Feature: MSE of p16 relative to the teacher's variance. Scores: MSE of
    the centre logits (clamped below at -8: far-negative cells need not be chased), weighted up where the teacher
    sees a plate (with weigh_student, also where the student does: its false plates weigh as much as the teacher's
    true ones). Boxes: L1 of the log-distances where the teacher sees a plate."""
    lf = F.mse_loss(s_p16, t_p16) / (t_p16.var() + 1e-6)
    (t_log, t_raw), (s_log, s_raw) = t_out, s_out
    p = torch.sigmoid(t_log)
    w = 1.0 + 9.0 * (torch.maximum(p, torch.sigmoid(s_log.detach())) if weigh_student else p)
    ls = (w * (s_log.clamp(min=-8.0) - t_log.clamp(min=-8.0)) ** 2).sum() / w.sum()
    wb = p * (p > 0.05)
    lb = (wb * (s_raw - t_raw).abs()).sum() / (4 * wb.sum() + 1e-3)
    return lf, ls, lb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--init", required=True, help="the pruned student (prune.py output)")
    ap.add_argument("--teacher", required=True)
    ap.add_argument("--run", required=True)
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--size", type=int, default=384)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--w-out", type=float, default=1.0, help="weight of the output losses beside the feature loss")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--bn-stats", choices=("train", "keep"), default="train",
                    help="keep: the trained layers' BatchNorm statistics stay the source model's (a student from "
                         "lowrank.py has the teacher's widths and statistics; crop batches would only move them)")
    ap.add_argument("--train-top", action="store_true",
                    help="lat8, fuse8 and the head train too (only stem, s4 and s8 stay frozen): for a student whose "
                         "stride-8 layers lowrank.py factorised")
    ap.add_argument("--weigh-student", action="store_true",
                    help="weigh the score loss up where the student sees a plate too, not only where the teacher does "
                         "(a student that adds false plates)")
    ap.add_argument("--p-ro", type=float, help="share of the samples cut from ro-dashcam frames (default: the "
                                                  "sampler's, data.py SampleMaker)")
    ap.add_argument("--ro-sizes", type=int, nargs=2, metavar=("MIN", "MAX"),
                    help="long side the ro-dashcam frames are seen at (log-uniform; default: the sampler's); 560 1000 "
                         "centres on the product's two passes over a 1280x720 frame (640 fast, 960 default)")
    ap.add_argument("--reuse", type=int, default=2,
                    help="steps per sampled batch (the second mirrored): the data process is the bottleneck on 2 cores")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.run, exist_ok=True)
    last = os.path.join(args.run, "last.pt")

    teacher, _ = load_checkpoint(args.teacher)
    for p in teacher.parameters():
        p.requires_grad_(False)
    src = last if os.path.exists(last) else args.init
    st = torch.load(src, map_location="cpu")
    det = Detector(**st["arch"])
    det.load_state_dict(st["model"])  # prune.py writes the same weights as "model" and "ema"
    ema = Detector(**st["arch"])
    ema.load_state_dict(st["ema"])
    frozen, trained = split_layers(args.train_top)
    check_shared(det, teacher, frozen)
    check_shared(ema, teacher, frozen)
    params = [p for n, p in det.named_parameters() if n.split(".")[0] in trained]
    for n, p in det.named_parameters():
        p.requires_grad_(n.split(".")[0] in trained)
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=1e-4)
    step, samples, elapsed = 0, 0, 0.0
    if src == last:
        opt.load_state_dict(st["opt"])
        step, samples, elapsed = st["step"], st["samples"], st["elapsed"]
        print(f"resumed at step {step}, {elapsed / 60:.1f} min", flush=True)
    print(f"student params {n_params(det)} (trained {sum(p.numel() for p in params)}), teacher {n_params(teacher)}",
          flush=True)

    def save(path):
        torch.save({"model": det.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), "step": step,
                    "samples": samples, "elapsed": elapsed, "arch": det.arch, "args": vars(args)}, path + ".tmp")
        os.replace(path + ".tmp", path)

    mix = {}  # only what was given: the sampler keeps its own defaults
    if args.p_ro is not None:
        mix["p_ro"] = args.p_ro
    if args.ro_sizes is not None:
        mix["ro_sizes"] = tuple(args.ro_sizes)
    loader = torch.utils.data.DataLoader(Samples(args.size, args.batch, args.seed + step, targets=False, **mix),
                                         batch_size=None, num_workers=1, prefetch_factor=4, persistent_workers=True)
    total = args.minutes * 60
    t_last = t_ckpt = time.time()
    stats = []
    teacher.eval()
    det.eval()
    if args.bn_stats == "train":
        for name in trained:  # BatchNorm statistics follow the new widths
            getattr(det, name).train()
    def views(loader):
        for (imgs,) in loader:
            x = imgs.permute(0, 3, 1, 2).float()
            yield x
            for _ in range(args.reuse - 1):
                x = x.flip(3)
                yield x

    for x in views(loader):
        frac = min(1.0, elapsed / total)
        lr = args.lr * min(1.0, (step + 1) / args.warmup) * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * frac)))
        for g in opt.param_groups:
            g["lr"] = lr
        with torch.no_grad():
            f8 = teacher.stride8(teacher.normalised(x))  # = the student's (frozen, identical)
            t_p16 = teacher.neck16(f8)
            t_out = teacher.top(f8, t_p16)
        s_p16 = det.neck16(f8)
        s_out = det.top(f8, s_p16)
        lf, ls, lb = losses(t_p16, s_p16, t_out, s_out, args.weigh_student)
        loss = lf + args.w_out * (ls + 2.0 * lb)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 5.0)
        opt.step()
        ema_update(ema, det, step, 0.998, skip=frozen)  # the frozen layers stay the teacher's, bit for bit
        step += 1
        samples += x.shape[0]
        now = time.time()
        elapsed += now - t_last
        t_last = now
        stats.append((lf.item(), ls.item(), lb.item()))
        if step % 25 == 0:
            a = np.mean(stats, 0)
            stats = []
            print(f"step {step} samples {samples} {elapsed / 60:.1f} min lr {lr:.2e} feat {a[0]:.4f} score {a[1]:.4f} "
                  f"box {a[2]:.4f} {samples / max(1, elapsed):.1f} img/s", flush=True)
        if now - t_ckpt > 120:
            save(last)
            t_ckpt = now
        if elapsed >= total:
            break
    save(last)
    print("done", flush=True)


if __name__ == "__main__":
    main()
