"""Pre-render synthetic OCR crops into shards under training/cache/ocr/ (git-ignored), in the background:

    nohup /usr/bin/python3 training/ocr/gen_cache.py --seed 1 > training/runs/gen1.log 2>&1 &

Each shard: x uint8 [N, H, W, 3], y int64 [N, slots] (label indices, last = empty), r int64 [N] (region index).
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
from training.ocr import data as D  # noqa: E402

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="training/cache/ocr")
    ap.add_argument("--shard", type=int, default=512)
    ap.add_argument("--shards", type=int, default=100000)
    ap.add_argument("--squeeze", type=float, default=0.0, help="probability of low horizontal resolution (data.squeeze_x)")
    ap.add_argument("--max-roll", type=float, default=4.0, help="largest in-plane rotation, degrees")
    ap.add_argument("--min-width", type=float, default=55.0,
                    help="narrowest plate in scene pixels (log-uniform up to 300; real far plates are 30-50 px wide)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    bgs = D.Backgrounds(rng)
    for k in range(a.shards):
        name = os.path.join(a.out, "s%03d_%05d.npz" % (a.seed, k))
        if os.path.exists(name):
            continue
        t = time.time()
        xs, ys, rs = [], [], []
        for _ in range(a.shard):
            img, text, region = D.synth_sample(rng, bgs, squeeze=a.squeeze, max_roll=a.max_roll, min_width=a.min_width)
            xs.append(img)
            ys.append(D.encode(text))
            rs.append(D.region_index(region))
        tmp = name + ".tmp.npz"
        np.savez(tmp, x=np.stack(xs), y=np.stack(ys), r=np.array(rs))
        os.replace(tmp, name)
        print("%s %.1fs" % (name, time.time() - t), flush=True)
