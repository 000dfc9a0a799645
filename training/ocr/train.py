"""Train the plate reader on pre-rendered synthetic shards + the legible ro-dashcam TRAIN plates.

    nohup /usr/bin/python3 training/ocr/train.py --minutes 70 > training/runs/ocr/train.log 2>&1 &

Resumes from training/runs/ocr/last.pt when it exists. The learning rate follows a cosine over the wall-clock budget
(--minutes), so a run ends on time whatever the machine's speed. One CPU thread (the machine is shared).
"""
import argparse
import glob
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
from training.ocr import data as D  # noqa: E402
from training.ocr.model import PlateOCR, count_params, ALPHABET  # noqa: E402
from training.synth.render import REGIONS  # noqa: E402


class ShardPool:
    def __init__(self, pattern, keep=60, rotate=10):
        self.pattern, self.keep, self.rotate = pattern, keep, rotate
        self.loaded = {}

    def refresh(self, rng):
        """Load shards not yet seen (at most `rotate` at a time once the pool is full, picked at random, so a large
        cache on disk is never read into memory at once), then drop random old ones down to `keep`."""
        files = sorted(f for f in glob.glob(self.pattern) if not f.endswith(".tmp.npz"))
        new = [f for f in files if f not in self.loaded]
        room = max(self.keep - len(self.loaded), self.rotate)
        if len(new) > room:
            new = sorted(rng.choice(new, room, replace=False))
        for f in new:
            try:
                z = np.load(f)
                self.loaded[f] = (z["x"], z["y"], z["r"])
            except Exception as e:  # a shard being written
                print("skip", f, e, flush=True)
        while len(self.loaded) > self.keep:  # drop random old shards; newer ones are fresher data
            ks = list(self.loaded)
            del self.loaded[ks[rng.integers(len(ks) - 1)]]
        self.keys = list(self.loaded)

    def batch(self, rng, n):
        xs, ys, rs = [], [], []
        for _ in range(n):
            x, y, r = self.loaded[self.keys[rng.integers(len(self.keys))]]
            i = rng.integers(len(x))
            xs.append(x[i]); ys.append(y[i]); rs.append(r[i])
        return np.stack(xs), np.stack(ys), np.array(rs)


def to_tensor(x):
    return torch.from_numpy(x).permute(0, 3, 1, 2).float().div_(255.0)


def exact_match(net, real):
    net.eval()
    ok = 0
    with torch.no_grad():
        xs, texts = zip(*[real.exact(i) for i in range(len(real))])
        probs, _ = net.slot_probs(to_tensor(np.stack(xs)))
        pred = probs.argmax(-1).numpy()
    for p, t in zip(pred, texts):
        ok += D.decode(p) == t
    net.train()
    return ok / len(real)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=70)
    ap.add_argument("--run", default="training/runs/ocr")
    ap.add_argument("--cache", default="training/cache/ocr/*.npz")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--real", type=float, default=0.12, help="fraction of each batch from real train plates")
    ap.add_argument("--web", type=float, default=0.0,
                    help="fraction of each batch from the hand-read web-plates train plates (data.RealWebPlates)")
    ap.add_argument("--web-geo", type=float, default=0.0,
                    help="probability of turning / squeezing a hand-read web crop (data.RealWebPlates geo)")
    ap.add_argument("--jitter", type=float, default=0.10,
                    help="box jitter of the real (ro-dashcam, web-plates) crops: each edge moves up to this fraction")
    ap.add_argument("--det-boxes", default="",
                    help="mine_boxes.py's file of the detector's own boxes around the real train plates")
    ap.add_argument("--det-p", type=float, default=0.5,
                    help="with --det-boxes: share of real crops cut at a detector box instead of the jittered label")
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--width", type=float, default=0.75)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--head", default="ctc", choices=["ctc", "slots"])
    ap.add_argument("--init", default=None, help="warm start from this checkpoint (matching shapes only)")
    ap.add_argument("--teacher", default=None,
                    help="distil from this checkpoint (a ctc reader, e.g. the one a pruned net came from)")
    ap.add_argument("--kd", type=float, default=1.0, help="weight of the distillation loss")
    ap.add_argument("--kd-t", type=float, default=2.0, help="distillation temperature")
    ap.add_argument("--monitor_val", action="store_true",
                    help="log exact match on the held-out real plates (monitoring only, never used for selection)")
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed + int(time.time()) % 100000)
    os.makedirs(a.run, exist_ok=True)
    last = os.path.join(a.run, "last.pt")
    # a pruned net (prune.py) keeps its own channel counts: from this run's checkpoint, else from --init
    arch_from = last if os.path.exists(last) else a.init
    chans = torch.load(arch_from, map_location="cpu").get("chans") if arch_from else None
    net = PlateOCR(len(REGIONS), width=a.width, head=a.head, chans=chans)
    teacher = None
    if a.teacher:
        from training.ocr.export import load
        teacher, tk = load(a.teacher)
        assert teacher.head == a.head == "ctc" and list(tk["regions"]) == list(REGIONS), "teacher must match"
        for p in teacher.parameters():
            p.requires_grad_(False)
        print("distilling from %s (weight %.2f, temperature %.1f)" % (a.teacher, a.kd, a.kd_t), flush=True)
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=1e-4)
    step, elapsed = 0, 0.0
    if os.path.exists(last):
        ck = torch.load(last, map_location="cpu")
        net.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, elapsed = ck["step"], ck["elapsed"]
        print("resumed at step %d, %.1f min" % (step, elapsed / 60), flush=True)
    elif a.init:
        # warm start from another run: copy every tensor whose shape matches (the optimiser starts fresh)
        src = torch.load(a.init, map_location="cpu")["model"]
        own = net.state_dict()
        ok = {k: v for k, v in src.items() if k in own and own[k].shape == v.shape}
        # a region head with more regions appended: keep the rows of the regions both have
        grown = [k for k, v in src.items() if k in own and k not in ok and v.dim() >= 1
                 and own[k].shape[1:] == v.shape[1:] and own[k].shape[0] > v.shape[0]]
        for k in grown:
            t = own[k].clone()
            t[:src[k].shape[0]] = src[k]
            ok[k] = t
        own.update(ok)
        net.load_state_dict(own)
        print("warm start from %s: %d/%d tensors (%d grown: %s)" % (a.init, len(ok), len(own), len(grown),
                                                                 ", ".join(grown)), flush=True)
    print("params %d" % count_params(net), flush=True)
    det_boxes = D.load_det_boxes(a.det_boxes)
    det_p = a.det_p if det_boxes else 0.0
    real = D.RealPlates("train", jitter=a.jitter, det_boxes=det_boxes, det_p=det_p)
    web = D.RealWebPlates("train", geo=a.web_geo, jitter=a.jitter, det_boxes=det_boxes, det_p=det_p) if a.web else None
    if det_boxes:
        print("detector boxes for %d/%d ro-dashcam and %d/%d web-plates train crops (used at p=%.2f)" % (
            sum(map(bool, real.det)), len(real), sum(map(bool, web.det)) if web else 0, len(web) if web else 0,
            det_p), flush=True)
    if web is not None:
        print("web-plates train: %d crops (%d from other exports)" % (len(web), web.extra), flush=True)
    val = D.RealPlates("val") if a.monitor_val else None
    web_val = D.RealWebPlates("val") if a.monitor_val else None
    pool = ShardPool(a.cache)
    pool.refresh(rng)
    while not pool.keys:
        print("waiting for shards", flush=True)
        time.sleep(20)
        pool.refresh(rng)
    budget = a.minutes * 60
    n_real = int(round(a.batch * a.real))
    n_web = int(round(a.batch * a.web))
    t_start = time.time() - elapsed
    t_log, seen, loss_acc, acc_acc, n_acc = time.time(), 0, 0.0, 0.0, 0
    net.train()
    while True:
        elapsed = time.time() - t_start
        if elapsed >= budget:
            break
        frac = elapsed / budget
        lr = a.lr * min(1.0, (step + 1) / 300) * (0.02 + 0.98 * 0.5 * (1 + np.cos(np.pi * frac)))
        for g in opt.param_groups:
            g["lr"] = lr
        x, y, r = pool.batch(rng, a.batch - n_real - n_web)
        for n, src, reg in ((n_real, real, REGIONS.index("ro")), (n_web, web, -100)):  # -100: region unknown
            if n:
                rx, rt, _ = zip(*[src.sample(rng) for _ in range(n)])
                x = np.concatenate([x, np.stack(rx)])
                y = np.concatenate([y, np.stack([D.encode(t) for t in rt])])
                r = np.concatenate([r, np.full(n, reg)])
        xt, yt, rt_ = to_tensor(x), torch.from_numpy(y), torch.from_numpy(r)
        chars, region = net.forward_logits(xt)
        if a.head == "slots":
            loss = F.cross_entropy(chars.reshape(-1, chars.shape[-1]), yt.reshape(-1), label_smoothing=0.05)
            hit = (chars.argmax(-1) == yt).all(1)
        else:
            lengths = (yt != D.EMPTY).sum(1)
            targets = yt[yt != D.EMPTY]
            logp = F.log_softmax(chars, dim=-1).transpose(0, 1)          # [T, N, C]
            loss = F.ctc_loss(logp, targets, torch.full((len(x),), logp.shape[0], dtype=torch.long), lengths,
                              blank=D.EMPTY, zero_infinity=True)
            with torch.no_grad():
                from training.ocr.model import ctc_to_slots
                hit = (ctc_to_slots(torch.softmax(chars, -1), yt.shape[1]).argmax(-1) == yt).all(1)
        loss = loss + 0.1 * F.cross_entropy(region, rt_)
        if teacher is not None:
            # the teacher's per-step character distributions (same 40 steps) as soft targets
            with torch.no_grad():
                t_chars, _ = teacher.forward_logits(xt)
            tt = a.kd_t
            kd = F.kl_div(F.log_softmax(chars / tt, -1), F.log_softmax(t_chars / tt, -1), log_target=True,
                          reduction="none").sum(-1).mean() * tt * tt
            loss = loss + a.kd * kd
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        seen += len(x)
        loss_acc += loss.item()
        acc_acc += hit.float().mean().item()
        n_acc += 1
        if step % 50 == 0:
            dt = time.time() - t_log
            print("step %d  %.1f min  lr %.5f  loss %.3f  batch-exact %.3f  %.0f samples/s  shards %d" % (
                step, elapsed / 60, lr, loss_acc / n_acc, acc_acc / n_acc, seen / dt, len(pool.keys)), flush=True)
            t_log, seen, loss_acc, acc_acc, n_acc = time.time(), 0, 0.0, 0.0, 0
        if step % 200 == 0:
            pool.refresh(rng)
        if step % 500 == 0:
            save(net, opt, step, time.time() - t_start, a, last)
            if val is not None:
                print("  monitor: real-val exact %.3f  real-train exact %.3f  web-val exact %.3f%s" % (
                    exact_match(net, val), exact_match(net, real), exact_match(net, web_val),
                    "  web-train exact %.3f" % exact_match(net, web) if web is not None else ""), flush=True)
    save(net, opt, step, time.time() - t_start, a, last)
    print("done: step %d, %.1f min" % (step, (time.time() - t_start) / 60), flush=True)


def save(net, opt, step, elapsed, a, path):
    tmp = path + ".tmp"
    torch.save({"model": net.state_dict(), "opt": opt.state_dict(), "step": step, "elapsed": elapsed,
                "regions": REGIONS, "alphabet": ALPHABET, "width": a.width,
                "head": a.head, "chans": list(net.chans)}, tmp)
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
