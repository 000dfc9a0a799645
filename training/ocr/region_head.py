"""Re-fit the reader's region head with real region labels, everything else frozen.

The region head is one Linear layer on the globally pooled features (model.py, `PlateOCR.region`). This script keeps
the convolutional features and the character head bit for bit (so every reading, score and candidate stays the same)
and fits only that layer, starting from its trained weights, on pooled features of:
- synthetic crops from rendered shards (`gen_cache.py`; the regions the renderer drew),
- the ro-dashcam training plates (region `ro`),
- the web-plates training plates whose region we told by eye (`web_plates_train_regions.jsonl`: country, or US state
  where the plate names it; plates of regions the head has no class for were not labelled), with the other exports
  of their single-plate source photos,
each crop augmented as the reader's trainer does. Prints, before and after, the region head's own accuracy on the
held-out sets (the held-out ro-dashcam plates; the many-country plates of bench/web-plates-texts.jsonl that carry a
region; one held-out synthetic shard). The product's figure is `node bench/accuracy.js` (region of the found plates).

    /usr/bin/python3 training/ocr/gen_cache.py --seed 11 --squeeze 0.4 --max-roll 8 --shards 24 --out training/cache/ocr11
    /usr/bin/python3 training/ocr/region_head.py --ckpt training/runs/ocr_shipped/last.pt \\
        --cache 'training/cache/ocr11/*.npz' --out training/runs/ocr_region/last.pt
    /usr/bin/python3 training/ocr/export.py --ckpt training/runs/ocr_region/last.pt --out models
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
from training.common import splits  # noqa: E402
from training.ocr import data as D  # noqa: E402
from training.ocr.export import load  # noqa: E402

REGION_LABELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "web_plates_train_regions.jsonl")


def pooled(net, xs, batch=256):
    """Pooled features (the region head's input) of uint8 HxWx3 crops."""
    out = []
    with torch.no_grad():
        for i in range(0, len(xs), batch):
            x = torch.from_numpy(np.stack(xs[i:i + batch])).permute(0, 3, 1, 2).float() / 255.0
            out.append(net.features(x).mean(dim=(2, 3)))
    return torch.cat(out) if out else torch.zeros(0, net.region.in_features)


def web_labelled(regions):
    """The web-plates training plates (RealWebPlates) and a region index per item, -1 where none was told: each item
    (its other exports included) takes the label of its text."""
    ds = D.RealWebPlates("train", geo=0.5)  # turned / squeezed half of the time, as the reader's trainer had them
    by_text = {r["text"]: r["region"] for r in splits.read_jsonl(REGION_LABELS)}
    return ds, [regions.index(by_text[t]) if by_text.get(t) in regions else -1 for _, _, t in ds.items]


def val_report(name, head, feats, codes, regions):
    """Region head accuracy on held-out features: exact code, and country (a US state counts for `us`)."""
    if len(codes) == 0:
        return
    with torch.no_grad():
        pred = head(feats).argmax(-1).numpy()
    country = lambda c: c.split("-")[0]
    exact = sum(regions[p] == c for p, c in zip(pred, codes))
    ctry = sum(country(regions[p]) == country(c) for p, c in zip(pred, codes))
    states = [(p, c) for p, c in zip(pred, codes) if "-" in c]
    st = sum(regions[p] == c for p, c in states)
    print("  %s: %d plates, country %d (%.3f), exact code %d; US states %d/%d" % (
        name, len(codes), ctry, ctry / len(codes), exact, st, len(states)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default="training/runs/ocr_shipped/last.pt")
    ap.add_argument("--cache", default="training/cache/ocr11/*.npz")
    ap.add_argument("--out", default="training/runs/ocr_region/last.pt")
    ap.add_argument("--per-ro", type=int, default=3000, help="augmented crops of the ro-dashcam training plates")
    ap.add_argument("--per-web", type=int, default=24, help="augmented crops per labelled web-plates item")
    ap.add_argument("--mix", type=float, nargs=3, default=[0.6, 0.1, 0.3], help="batch shares: synthetic, ro, web")
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    t0 = time.time()
    torch.manual_seed(a.seed)
    torch.set_num_threads(2)
    rng = np.random.default_rng(a.seed)
    net, ck = load(a.ckpt)
    regions = list(ck["regions"])

    shards = sorted(glob.glob(a.cache))
    assert len(shards) >= 2, "need rendered shards (gen_cache.py), one of them held out"
    sx, sr = [], []
    for s in shards[:-1]:
        z = np.load(s)
        sx.append(pooled(net, list(z["x"])))
        sr.append(torch.from_numpy(z["r"]))
    syn_x, syn_r = torch.cat(sx), torch.cat(sr)
    z = np.load(shards[-1])
    syn_val_x, syn_val = pooled(net, list(z["x"])), [regions[i] for i in z["r"]]

    ro = D.RealPlates("train")
    ro_x = pooled(net, [ro.sample(rng)[0] for _ in range(a.per_ro)])
    ro_val = D.RealPlates("val")
    ro_val_x = pooled(net, [ro_val.exact(i)[0] for i in range(len(ro_val))])

    web, web_lab = web_labelled(regions)
    idx = [i for i, l in enumerate(web_lab) if l >= 0]
    crops = [web.sample_item(rng, i)[0] for i in idx for _ in range(a.per_web)]
    web_x, web_r = pooled(net, crops), torch.tensor([web_lab[i] for i in idx for _ in range(a.per_web)])
    wv = D.RealWebPlates("val")
    val_codes = {r["text"]: r.get("region") for r in splits.read_jsonl(D.WEB_VAL_TEXTS)}
    wv_items = [(i, val_codes[t]) for i, (_, _, t) in enumerate(wv.items) if val_codes.get(t)]
    wv_x = pooled(net, [wv.exact(i)[0] for i, _ in wv_items])
    wv_codes = [c for _, c in wv_items]
    print("features in %.0f s: synthetic %d (+%d held out), ro %d, web %d crops of %d labelled items, held-out "
          "many-country plates with a region %d" % (
              time.time() - t0, len(syn_x), len(syn_val), len(ro_x), len(web_x), len(idx), len(wv_codes)))

    head = torch.nn.Linear(net.region.in_features, len(regions))
    head.load_state_dict(net.region.state_dict())
    print("before:")
    val_report("held-out synthetic", head, syn_val_x, syn_val, regions)
    val_report("held-out ro-dashcam", head, ro_val_x, ["ro"] * len(ro_val_x), regions)
    val_report("held-out many-country", head, wv_x, wv_codes, regions)

    opt = torch.optim.AdamW(head.parameters(), lr=a.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, a.steps)
    n = 256
    parts = [(syn_x, syn_r), (ro_x, torch.full((len(ro_x),), regions.index("ro"))), (web_x, web_r)]
    counts = [int(round(n * m)) for m in a.mix]
    for step in range(a.steps):
        xs, ys = [], []
        for (x, y), k in zip(parts, counts):
            j = torch.from_numpy(rng.integers(len(x), size=k))
            xs.append(x[j])
            ys.append(y[j])
        loss = F.cross_entropy(head(torch.cat(xs)), torch.cat(ys))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 1000 == 0 or step == a.steps - 1:
            print("step %d loss %.3f" % (step, loss.item()))
    print("after (%d steps):" % a.steps)
    val_report("held-out synthetic", head, syn_val_x, syn_val, regions)
    val_report("held-out ro-dashcam", head, ro_val_x, ["ro"] * len(ro_val_x), regions)
    val_report("held-out many-country", head, wv_x, wv_codes, regions)

    net.region.load_state_dict(head.state_dict())
    ck = dict(ck)
    ck["model"] = net.state_dict()
    ck["region_head"] = {"labels": os.path.basename(REGION_LABELS), "steps": a.steps, "mix": a.mix,
                         "from": a.ckpt}
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    torch.save(ck, a.out)
    print("wrote %s in %.1f min" % (a.out, (time.time() - t0) / 60))


if __name__ == "__main__":
    main()
