"""Training / evaluation crops for the plate reader, with the engine's crop convention.

The crop (models/README.md): the detector box widened on each side by crop_pad[0]·box width and crop_pad[1]·box
height, clipped to the photo, stretched to WIDTH×HEIGHT with bilinear sampling. For training, the box is jittered by
up to ±10 % of its size per edge (detectors are imprecise).

Synthetic: render_plate() -> perspective warp -> pasted over a ro-dashcam TRAIN frame (often right over a real plate,
so the margin is a real bumper) -> camera effects -> crop. Real: legible ro-dashcam TRAIN plates (splits.py), with
the same jitter and camera effects.
"""
import json
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
from training.common import splits  # noqa: E402
from training.synth.render import render_plate, REGIONS  # noqa: E402
from training.synth.scene import warp_plate, paste, camera  # noqa: E402
from training.ocr.model import ALPHABET, HEIGHT, WIDTH, SLOTS  # noqa: E402

CROP_PAD = (0.06, 0.12)
RO_DIR = os.path.join(splits.DATA, "ro-dashcam")
EMPTY = len(ALPHABET)


def encode(text):
    y = np.full(SLOTS, EMPTY, np.int64)
    for i, ch in enumerate(text[:SLOTS]):
        y[i] = ALPHABET.index(ch)
    return y


def decode(idx):
    return "".join(ALPHABET[i] for i in idx if i < len(ALPHABET))


def crop(img, box, out_w=WIDTH, out_h=HEIGHT, pad=CROP_PAD):
    """The engine's crop: box widened by pad, clipped to the image, stretched (bilinear) to out_w x out_h."""
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    x0, x1 = max(0.0, x0 - pad[0] * bw), min(float(img.shape[1]), x1 + pad[0] * bw)
    y0, y1 = max(0.0, y0 - pad[1] * bh), min(float(img.shape[0]), y1 + pad[1] * bh)
    # sample pixel centres like a plain bilinear resize of the [x0, x1) x [y0, y1) window
    sx, sy = (x1 - x0) / out_w, (y1 - y0) / out_h
    M = np.array([[sx, 0, x0 + 0.5 * sx - 0.5], [0, sy, y0 + 0.5 * sy - 0.5]], np.float32)
    return cv2.warpAffine(img, M, (out_w, out_h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_REPLICATE)


def jitter(rng, box, amount=0.10):
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    d = rng.uniform(-amount, amount, 4)
    return (x0 + d[0] * bw, y0 + d[1] * bh, x1 + d[2] * bw, y1 + d[3] * bh)


def box_key(file, box):
    """The key of a labelled plate in mine_boxes.py's file of detector boxes."""
    return "%s|%s" % (file, ",".join("%.1f" % v for v in box))


def load_det_boxes(path):
    """mine_boxes.py's output ({box_key: [box, ...]}), or {} for no path."""
    if not path:
        return {}
    with open(path) as f:
        return json.load(f)


def _shifted(boxes, label, win_label):
    """Photo-pixel boxes moved into the window that `_window` cut around `label` (there at `win_label`)."""
    dx, dy = label[0] - win_label[0], label[1] - win_label[1]
    return [(b[0] - dx, b[1] - dy, b[2] - dx, b[3] - dy) for b in boxes]


def pick_box(rng, box, det, jitter_amount, det_p, det_jitter=0.03):
    """The box a training crop is cut at: with probability det_p (when the detector found this plate) one of the
    detector's boxes, moved by up to det_jitter; otherwise the labelled box moved by up to jitter_amount."""
    if det and rng.random() < det_p:
        return jitter(rng, det[rng.integers(len(det))], det_jitter)
    return jitter(rng, box, jitter_amount)


def _read_rgb(path):
    im = cv2.imread(path, cv2.IMREAD_COLOR)
    return cv2.cvtColor(im, cv2.COLOR_BGR2RGB)


class Backgrounds:
    """ro-dashcam TRAIN frames (never val) with their plate boxes, used as scenery behind synthetic plates."""

    def __init__(self, rng, n=120):
        rows = [r for r in splits.ro_rows("train")]
        idx = rng.choice(len(rows), size=min(n, len(rows)), replace=False)
        self.frames = []
        for i in idx:
            r = rows[i]
            self.frames.append((_read_rgb(os.path.join(RO_DIR, r["file"])), r["plates"], "night" in r["file"]))

    def pick(self, rng):
        return self.frames[rng.integers(len(self.frames))]


def squeeze_x(rng, img, lo=0.3, hi=0.9):
    """Low horizontal resolution: the picture shrunk in x by a random factor and stretched back. What a plate seen
    at an angle, or a photo squeezed in width (the web-plates exports are stretched to 300×300), gives: narrow
    strokes merge, W and M lose their middle."""
    h, w = img.shape[:2]
    k = rng.uniform(lo, hi)
    small = cv2.resize(img, (max(8, int(w * k)), h), interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def synth_sample(rng, bgs, region=None, squeeze=0.0, max_roll=4.0, min_width=55.0):
    """One synthetic crop: (uint8 [HEIGHT, WIDTH, 3], text, region). `squeeze`: probability of squeeze_x on the
    scene; `max_roll`: the largest in-plane rotation (degrees); `min_width`: the narrowest plate, in scene pixels
    (log-uniform up to 300). The defaults are the first model's settings."""
    p = render_plate(rng, region, night=False)  # night comes from the scene (headlight-lit plate, dark rest)
    plate, lines = p["image"], p["lines"]
    pw = float(np.exp(rng.uniform(np.log(min_width), np.log(300))))
    if lines == 2 or plate.shape[1] < 2.5 * plate.shape[0]:
        pw *= plate.shape[1] / plate.shape[0] / 4.5 * 1.6  # square plates: similar area, not similar width
    patch, quad = warp_plate(rng, plate, pw, max_roll=max_roll, max_yaw=0.25, max_pitch=0.1)
    qx0, qy0 = quad.min(axis=0)
    qx1, qy1 = quad.max(axis=0)
    qw, qh = qx1 - qx0, qy1 - qy0
    cw, ch = int(qw * 1.5 + 16), int(qh * 1.9 + 16)
    frame, boxes, is_night = bgs.pick(rng)
    night = is_night or rng.random() < 0.1
    if rng.random() < 0.08:
        canvas = np.empty((ch, cw, 3), np.float32)
        canvas[:] = rng.uniform(0, 1, 3)
        canvas += rng.standard_normal(canvas.shape, dtype=np.float32) * 0.05
    else:
        if boxes and lines == 1 and rng.random() < 0.65:
            bx0, by0, bx1, by1 = boxes[rng.integers(len(boxes))]
            s = max(qw / max(bx1 - bx0, 1), qh / max(by1 - by0, 1)) * rng.uniform(1.0, 1.12)
            cx, cy = (bx0 + bx1) / 2, (by0 + by1) / 2
        else:
            s = rng.uniform(0.6, 3.0)
            cx, cy = rng.uniform(0, frame.shape[1]), rng.uniform(frame.shape[0] * 0.3, frame.shape[0])
        M = np.array([[s, 0, cw / 2 - s * cx], [0, s, ch / 2 - s * cy]], np.float32)
        canvas = cv2.warpAffine(frame, M, (cw, ch), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        canvas = canvas.astype(np.float32) / 255.0
    px, py = int(cw / 2 - qw / 2 - qx0), int(ch / 2 - qh / 2 - qy0)
    paste(canvas, patch, px, py)
    img = camera(rng, np.clip(canvas * 255 + 0.5, 0, 255).astype(np.uint8), night=night and not is_night,
                 max_blur=float(np.clip(qh / 30.0, 0.4, 1.5)))
    if squeeze and rng.random() < squeeze:
        img = squeeze_x(rng, img)
    box = (px + qx0, py + qy0, px + qx1, py + qy1)
    return crop(img, jitter(rng, box)), p["text"], p["region"]


def turn(rng, img, box, max_deg):
    """The picture turned by a random angle (up to ±max_deg) about the box's centre; the box stays where it is."""
    c = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    M = cv2.getRotationMatrix2D(c, float(rng.uniform(-max_deg, max_deg)), 1.0)
    return cv2.warpAffine(img, M, (img.shape[1], img.shape[0]), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _window(im, box):
    """The part of `im` around `box` that any jittered, padded crop can reach, and the box in its coordinates."""
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    wx0, wy0 = int(max(0, x0 - bw)), int(max(0, y0 - bh * 1.5))
    wx1, wy1 = int(min(im.shape[1], x1 + bw)), int(min(im.shape[0], y1 + bh * 1.5))
    return im[wy0:wy1, wx0:wx1].copy(), (x0 - wx0, y0 - wy0, x1 - wx0, y1 - wy0)


class RealPlates:
    """Legible ro-dashcam plates of one split, kept as a window around each box. `jitter`: how far `sample` moves
    each edge of the box, as a fraction of its width / height (uniform). `det_boxes` (load_det_boxes) and `det_p`:
    the share of samples cut at one of the detector's own boxes for the plate instead (pick_box)."""

    def __init__(self, split="train", jitter=0.10, det_boxes=None, det_p=0.0):
        self.jitter, self.det_p = jitter, det_p
        rows = [r for r in splits.ro_plate_rows(split) if r["legible"] and r["text"]]
        self.items, self.det = [], []
        cache = {}
        for r in rows:
            f = r["file"]
            if f not in cache:
                cache = {f: _read_rgb(os.path.join(RO_DIR, f))}
            win, box = _window(cache[f], r["box"])
            self.items.append((win, box, r["text"], r))
            self.det.append(_shifted((det_boxes or {}).get(box_key(f, r["box"]), []), r["box"], box))

    def __len__(self):
        return len(self.items)

    def exact(self, i):
        """The plain engine crop of item i (for evaluation): no jitter, no effects."""
        win, box, text, _ = self.items[i]
        return crop(win, box), text

    def sample(self, rng):
        i = rng.integers(len(self.items))
        win, box, text, _ = self.items[i]
        img = camera(rng, win, strength=0.6) if rng.random() < 0.7 else win
        return crop(img, pick_box(rng, box, self.det[i], self.jitter, self.det_p)), text, "ro"


WEB_DIR = os.path.join(splits.DATA, "web-plates")
WEB_TRAIN_TEXTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "web_plates_train_texts.jsonl")
WEB_VAL_TEXTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "web-plates-texts.jsonl")


def _mirrored(a, b):
    """True when photo b looks more like photo a flipped left-right than like a (the web-plates exports include
    flipped copies, whose plates read backwards)."""
    g = [cv2.resize(cv2.cvtColor(x, cv2.COLOR_RGB2GRAY), (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)
         for x in (a, b)]
    g = [(x - x.mean()) / (x.std() + 1e-6) for x in g]
    return float((g[0] * g[1][:, ::-1]).mean()) > float((g[0] * g[1]).mean())


def _at_edge(box, im):
    """True when the box touches the photo's edge (a plate cut by the frame)."""
    return min(box[0], box[1], im.shape[1] - box[2], im.shape[0] - box[3]) < 1.5


class RealWebPlates:
    """Hand-read web-plates plates (many countries; 300x300 photos stretched by the dataset's export).

    split "train": training/ocr/web_plates_train_texts.jsonl (training sources only, training/ocr/label_web.py), plus
    the other exports of each single-plate source photo unless mirrored or cut by the frame. split "val":
    bench/web-plates-texts.jsonl (held-out sources; never trained on). `geo`: probability that a training sample is
    also turned (up to ±4°, `turn`), and then, half of the time, low in horizontal resolution (`squeeze_x`): the
    hand-read crops are few, and the reader learns them by heart sooner without it. `det_boxes`, `det_p`: as
    RealPlates."""

    def __init__(self, split="train", geo=0.0, jitter=0.10, det_boxes=None, det_p=0.0):
        self.geo = geo
        self.jitter, self.det_p = jitter, det_p
        det_boxes = det_boxes or {}
        self.det = []
        rows = splits.read_jsonl(WEB_TRAIN_TEXTS if split == "train" else WEB_VAL_TEXTS)
        by_file, by_source = {}, {}
        if split == "train":
            for r in splits.web_rows("train"):
                by_file[r["file"]] = r
                by_source.setdefault(r["source"], []).append(r)
        self.items, self.extra = [], 0
        for r in rows:
            im = _read_rgb(os.path.join(WEB_DIR, r["file"]))
            self.items.append(_window(im, r["box"]) + (r["text"],))
            self.det.append(_shifted(det_boxes.get(box_key(r["file"], r["box"]), []), r["box"], self.items[-1][1]))
            exports = by_source.get(by_file[r["file"]]["source"], []) if r["file"] in by_file else []
            if not exports or any(len(e["plates"]) != 1 for e in exports):
                continue
            for e in exports:
                if e["file"] == r["file"]:
                    continue
                im2 = _read_rgb(os.path.join(WEB_DIR, e["file"]))
                cut = _at_edge(e["plates"][0], im2) and not _at_edge(r["box"], im)  # the export cut the plate
                if not cut and not _mirrored(im, im2):
                    self.items.append(_window(im2, e["plates"][0]) + (r["text"],))
                    self.det.append(_shifted(det_boxes.get(box_key(e["file"], e["plates"][0]), []), e["plates"][0],
                                             self.items[-1][1]))
                    self.extra += 1

    def __len__(self):
        return len(self.items)

    def exact(self, i):
        win, box, text = self.items[i]
        return crop(win, box), text

    def sample(self, rng):
        return self.sample_item(rng, rng.integers(len(self.items)))

    def sample_item(self, rng, i):
        """Item i as `sample` gives it: turned / squeezed (`geo`), camera effects, the box jittered or a detector's."""
        win, box, text = self.items[i]
        det = self.det[i]
        if self.geo and rng.random() < self.geo:
            win = turn(rng, win, box, 4.0)
            if rng.random() < 0.5:
                win = squeeze_x(rng, win, lo=0.5)
        img = camera(rng, win, strength=0.5) if rng.random() < 0.5 else win
        return crop(img, pick_box(rng, box, det, self.jitter, self.det_p)), text, None


def region_index(code):
    return REGIONS.index(code)
