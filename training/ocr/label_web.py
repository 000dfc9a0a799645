"""Hand-reading the web-plates TRAINING plates: contact sheets to read them by eye, and the file of readings.

    /usr/bin/python3 training/ocr/label_web.py sheets [--ckpt training/runs/ocr_sq/last.pt] [--min-width 30]
        -> training/runs/label/sheet_NN.png (32 plates each, numbered, with the current reader's reading) and
           training/runs/label/candidates.json
    /usr/bin/python3 training/ocr/label_web.py merge training/runs/label/answers.txt
        -> training/ocr/web_plates_train_texts.jsonl

answers.txt: one line per plate read, `NUMBER TEXT` (TEXT: A-Z0-9, top line then bottom line), `NUMBER =` when
the reader's reading shown on the sheet is right, `NUMBER -` (or no line) for a plate that cannot be read for sure.
Plates are shown widest first. Only one export of each source photo is shown (the first by file name); `RealWebPlates` in data.py also uses the
other exports of single-plate sources, which are the same photo rotated, sheared or noised by the dataset's export.
The held-out sources (splits.web_is_val) are never shown here, and a reading whose text is one of the held-out
plates of bench/web-plates-texts.jsonl is dropped: the dataset has the same car in photos of different sources.
"""
import argparse
import json
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
from training.common import splits  # noqa: E402
from training.ocr import data as D  # noqa: E402

OUT = "training/runs/label"


def candidates(min_width):
    rows = sorted(splits.web_rows("train"), key=lambda r: r["file"])
    seen, out = set(), []
    for r in rows:
        if r["source"] in seen:
            continue
        seen.add(r["source"])
        for i, b in enumerate(r["plates"]):
            if b[2] - b[0] >= min_width and b[3] - b[1] >= 8:
                out.append({"file": r["file"], "index": i, "box": b})
    out.sort(key=lambda c: -(c["box"][2] - c["box"][0]))  # widest (most legible) first
    return out


def sheets(a):
    import torch
    from training.ocr.evaluate import read_torch
    from training.ocr.export import load
    torch.set_num_threads(1)
    net, _ = load(a.ckpt)
    cands = candidates(a.min_width)
    imgs = {}
    xs = []
    for c in cands:
        if c["file"] not in imgs:
            imgs[c["file"]] = D._read_rgb(os.path.join(D.WEB_DIR, c["file"]))
        xs.append(D.crop(imgs[c["file"]], c["box"]))
    reads = read_torch(net, xs)
    for c, r in zip(cands, reads):
        c["read"] = r
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "candidates.json"), "w") as f:
        json.dump(cands, f)
    per, cols, tw, th = 32, 4, 300, 120
    for s in range(0, len(cands), per):
        tiles = []
        for k, c in enumerate(cands[s:s + per]):
            im = imgs[c["file"]]
            x0, y0, x1, y1 = c["box"]
            bw, bh = x1 - x0, y1 - y0
            win = im[int(max(0, y0 - 0.15 * bh)):int(min(300, y1 + 0.15 * bh)),
                     int(max(0, x0 - 0.08 * bw)):int(min(300, x1 + 0.08 * bw))]
            sc = min(tw / win.shape[1], th / win.shape[0])
            win = cv2.resize(win, (max(1, int(win.shape[1] * sc)), max(1, int(win.shape[0] * sc))),
                             interpolation=cv2.INTER_CUBIC)
            tile = np.full((th + 22, tw + 6, 3), 255, np.uint8)
            tile[:win.shape[0], :win.shape[1]] = win
            cv2.putText(tile, "%d  %s" % (s + k, c["read"]), (2, th + 17), 0, 0.55, (200, 0, 0), 2)
            tiles.append(tile)
        while len(tiles) % cols:
            tiles.append(np.full_like(tiles[0], 255))
        sheet = np.vstack([np.hstack(tiles[i:i + cols]) for i in range(0, len(tiles), cols)])
        cv2.imwrite(os.path.join(OUT, "sheet_%02d.png" % (s // per)), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
    print("%d plates, %d sheets in %s" % (len(cands), (len(cands) + per - 1) // per, OUT))


def merge(a):
    with open(os.path.join(OUT, "candidates.json")) as f:
        cands = json.load(f)
    held = {r["text"] for r in splits.read_jsonl(D.WEB_VAL_TEXTS)}
    out, dropped = [], []
    for line in open(a.answers):
        parts = line.split()
        if len(parts) < 2 or parts[1] == "-":
            continue
        c = cands[int(parts[0])]
        text = c["read"] if parts[1] == "=" else parts[1].upper()
        assert text and all(ch in D.ALPHABET for ch in text), line
        if text in held:  # the same car in a held-out source photo: never train on it
            dropped.append(text)
            continue
        out.append({"file": c["file"], "index": c["index"], "box": c["box"], "text": text})
    with open(D.WEB_TRAIN_TEXTS, "w") as f:
        for o in out:
            f.write(json.dumps(o) + "\n")
    print("%d readings -> %s (%d dropped: their text is in the held-out set: %s)" % (
        len(out), D.WEB_TRAIN_TEXTS, len(dropped), " ".join(dropped)))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sheets")
    s.add_argument("--ckpt", default="training/runs/ocr_sq/last.pt")
    s.add_argument("--min-width", type=float, default=30)
    m = sub.add_parser("merge")
    m.add_argument("answers")
    a = ap.parse_args()
    sheets(a) if a.cmd == "sheets" else merge(a)


if __name__ == "__main__":
    main()
