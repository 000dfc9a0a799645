"""Train the plate detector (CPU, one torch thread; a data process makes samples in parallel).

nohup /usr/bin/python3 training/detector/train.py --minutes 70 > training/runs/detector/train.log 2>&1 &
Resumes from training/runs/detector/last.pt when it exists (the learning-rate schedule follows elapsed training time,
which the checkpoint carries).
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
from model import BOX_SCALE, STRIDE, Detector, load_checkpoint, n_params  # noqa: E402

RUN = os.path.join(HERE, "..", "runs", "detector")


class Samples(torch.utils.data.IterableDataset):
    """Batches of (images, heatmaps, ltrb, box weights, ignore masks); with targets=False just (images,), for
    training that needs no labels (feat_distill.py)."""

    def __init__(self, size, batch, seed, targets=True, **mix):
        self.size, self.batch, self.seed, self.with_targets = size, batch, seed, targets
        self.mix = mix  # SampleMaker's p_ro, p_web, ro_sizes (its defaults when not given)

    def __iter__(self):
        torch.set_num_threads(1)
        from data import Pools, SampleMaker, targets
        info = torch.utils.data.get_worker_info()
        seed = self.seed + (info.id if info else 0) * 1000
        maker = SampleMaker(Pools(seed=seed), self.size, seed=seed, **self.mix)
        while True:
            imgs, heats, ltrbs, wbs, igns = [], [], [], [], []
            if not self.with_targets:
                yield (torch.from_numpy(np.stack([maker.sample()[0] for _ in range(self.batch)])),)
                continue
            for _ in range(self.batch):
                img, boxes, ign = maker.sample()
                h, l, w, ig = targets(boxes, self.size, STRIDE, ignore_boxes=ign)
                imgs.append(img)
                heats.append(h)
                ltrbs.append(l)
                wbs.append(w)
                igns.append(ig)
            yield (torch.from_numpy(np.stack(imgs)), torch.from_numpy(np.stack(heats)), torch.from_numpy(np.stack(ltrbs)),
                   torch.from_numpy(np.stack(wbs)), torch.from_numpy(np.stack(igns)))


@torch.no_grad()
def ema_update(ema, det, step, decay, skip=()):
    """EMA of `det`'s weights in `ema` (warming up over the first steps); buffers that are not floats are copied.
    Tensors whose top-level module is in `skip` are left alone (frozen layers: d·x + (1-d)·x rounds away from x)."""
    d = min(decay, (1 + step) / (10 + step))
    for (name, pe), pm in zip(ema.state_dict().items(), det.state_dict().values()):
        if name.split(".")[0] in skip:
            continue
        if pe.dtype.is_floating_point:
            pe.mul_(d).add_(pm.detach(), alpha=1 - d)
        else:
            pe.copy_(pm)


def focal_loss(logits, heat, ignore):
    p = torch.sigmoid(logits).clamp(1e-4, 1 - 1e-4)
    pos = heat.eq(1).float()
    neg = (1 - pos) * (1 - ignore)
    pos_l = -torch.log(p) * (1 - p) ** 2 * pos
    neg_l = -torch.log(1 - p) * p ** 2 * (1 - heat) ** 4 * neg
    n = pos.sum().clamp(min=1)
    return (pos_l.sum() + neg_l.sum()) / n


def small_weight(width, boost):
    """Per-cell weight for a box `width` px wide (at the training crop's scale): boost / width, clipped to 1..4, so
    the one or two cells of a small plate count more next to the many cells of a large one (0: all 1)."""
    if boost <= 0:
        return torch.ones_like(width)
    return (boost / width.clamp(min=1.0)).clamp(1.0, 4.0)


def box_loss(raw, ltrb, w, boost=0.0):
    """GIoU between boxes that share their centre cell, plus a little L1 on log distances."""
    m = w > 0
    if m.sum() == 0:
        return raw.sum() * 0
    raw = raw.permute(0, 2, 3, 1)[m]          # [n,4]
    t = ltrb.permute(0, 2, 3, 1)[m]
    ww = w[m] * small_weight(t[:, 0] + t[:, 2], boost)
    p = torch.exp(raw.clamp(max=6.0)) * BOX_SCALE
    pl, pt, pr, pb = p.unbind(1)
    tl, tt, tr, tb = t.unbind(1)
    ap = (pl + pr) * (pt + pb)
    at = (tl + tr) * (tt + tb)
    iw = torch.min(pl, tl) + torch.min(pr, tr)
    ih = torch.min(pt, tt) + torch.min(pb, tb)
    inter = iw * ih
    union = ap + at - inter
    iou = inter / union
    cw = torch.max(pl, tl) + torch.max(pr, tr)
    ch = torch.max(pt, tt) + torch.max(pb, tb)
    c = cw * ch
    giou = iou - (c - union) / c
    l1 = (raw - torch.log(t / BOX_SCALE)).abs().sum(1)
    return ((1 - giou) * ww).sum() / ww.sum() + 0.1 * (l1 * ww).sum() / ww.sum()


def distill_loss(logits, raw, t_logits, t_raw, heat, boost=0.0):
    """The teacher's centre map as soft targets (binary KL per cell, normalised like the focal loss: by the number
    of labelled centres), and its box distances (L1 on log-distances) wherever it sees a plate, weighted by its
    score."""
    t = torch.sigmoid(t_logits)
    kl = F.binary_cross_entropy_with_logits(logits, t, reduction="none") - \
        F.binary_cross_entropy_with_logits(t_logits, t, reduction="none")
    n = heat.eq(1).float().sum().clamp(min=1)
    kc = kl.sum() / n
    w = t * (t > 0.1).float()
    if boost > 0:
        t_box = Detector.decode_box(t_raw)  # l, t, r, b in px
        t_width = t_box[:, 0:1] + t_box[:, 2:3]
        w = w * small_weight(t_width, boost)
    kb = ((raw - t_raw).abs().sum(1, keepdim=True) * w).sum() / w.sum().clamp(min=1e-6)
    return kc, kb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=70)
    ap.add_argument("--size", type=int, default=384)
    ap.add_argument("--batch", type=int, default=24)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--eval-every", type=float, default=6.0, help="minutes")
    ap.add_argument("--run", default=RUN)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--init", default="", help="start from this checkpoint's weights (EMA), fresh optimiser and schedule")
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--teacher", default="", help="distil from this checkpoint (e.g. the one a pruned net came from)")
    ap.add_argument("--kd", type=float, default=1.0, help="weight of the distillation loss")
    ap.add_argument("--small-boost", type=float, default=0.0,
                    help="up-weight the box losses of plates narrower than this many px (weight boost/width, 1..4)")
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads of the training process (the data process keeps one); 2 helps when it is idle")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.run, exist_ok=True)
    last = os.path.join(args.run, "last.pt")

    # a pruned net (prune.py) keeps its own widths: from this run's checkpoint, else from --init
    arch_from = last if os.path.exists(last) else args.init
    arch = torch.load(arch_from, map_location="cpu").get("arch", {}) if arch_from else {}
    det = Detector(**arch)
    ema = Detector(**arch)
    teacher = None
    if args.teacher:
        teacher, _ = load_checkpoint(args.teacher)
        for p in teacher.parameters():
            p.requires_grad_(False)
        print(f"distilling from {args.teacher} (weight {args.kd})", flush=True)
    ema.load_state_dict(det.state_dict())
    for p in ema.parameters():
        p.requires_grad_(False)
    opt = torch.optim.AdamW(det.parameters(), lr=args.lr, weight_decay=5e-4)
    step, samples, elapsed = 0, 0, 0.0
    if os.path.exists(last):
        st = torch.load(last, map_location="cpu")
        det.load_state_dict(st["model"])
        ema.load_state_dict(st["ema"])
        opt.load_state_dict(st["opt"])
        step, samples, elapsed = st["step"], st["samples"], st["elapsed"]
        print(f"resumed at step {step}, {elapsed / 60:.1f} min", flush=True)
    elif args.init:
        st = torch.load(args.init, map_location="cpu")
        w = st.get("ema") or st["model"]
        det.load_state_dict(w)
        ema.load_state_dict(w)
        print(f"initialised from {args.init} (step {st.get('step')})", flush=True)
    print(f"params {n_params(det)}", flush=True)

    loader = torch.utils.data.DataLoader(Samples(args.size, args.batch, args.seed + step), batch_size=None,
                                         num_workers=args.workers, prefetch_factor=4, persistent_workers=True)
    total = args.minutes * 60
    t_last = time.time()
    t_ckpt = t_eval = time.time()
    ema_decay = 0.998
    runner_data = None
    stats = []

    def save(path):
        torch.save({"model": det.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), "step": step,
                    "samples": samples, "elapsed": elapsed, "arch": det.arch, "args": vars(args)}, path + ".tmp")
        os.replace(path + ".tmp", path)

    det.train()
    for imgs, heat, ltrb, wb, ign in loader:
        frac = min(1.0, elapsed / total)
        warm = min(1.0, (step + 1) / args.warmup)
        lr = args.lr * warm * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * frac)))
        for g in opt.param_groups:
            g["lr"] = lr
        x = imgs.permute(0, 3, 1, 2).float()
        logits, raw = det.forward_raw(x)
        lc = focal_loss(logits[:, 0], heat, ign)
        lb = box_loss(raw, ltrb, wb, args.small_boost)
        loss = lc + 2.0 * lb
        if teacher is not None:
            with torch.no_grad():
                t_logits, t_raw = teacher.forward_raw(x)
            kc, kb = distill_loss(logits, raw, t_logits, t_raw, heat, args.small_boost)
            loss = loss + args.kd * (kc + kb)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(det.parameters(), 5.0)
        opt.step()
        ema_update(ema, det, step, ema_decay)
        step += 1
        samples += imgs.shape[0]
        now = time.time()
        elapsed += now - t_last
        t_last = now
        stats.append((lc.item(), lb.item()))
        if step % 50 == 0:
            a = np.mean(stats, 0)
            stats = []
            print(f"step {step} samples {samples} {elapsed / 60:.1f} min lr {lr:.2e} cls {a[0]:.3f} box {a[1]:.3f} "
                  f"{samples / max(1, elapsed):.1f} img/s", flush=True)
        if now - t_ckpt > 120:
            save(last)
            t_ckpt = now
        if now - t_eval > args.eval_every * 60 or elapsed >= total:
            from evaluate import Runner, evaluate, fmt, load_set
            if runner_data is None:
                runner_data = load_set("ro")
            e = Detector(**det.arch)
            e.load_state_dict(ema.state_dict())
            res = evaluate(Runner(e), runner_data, [640], thresholds=(0.3, 0.5))
            print(f"eval ro val @640 (ema): {fmt(res)}", flush=True)
            save(last)
            t_eval = t_ckpt = time.time()
            t_last = time.time()  # eval time is not training time
            det.train()
        if elapsed >= total:
            break
    save(last)
    print("done", flush=True)


if __name__ == "__main__":
    main()
