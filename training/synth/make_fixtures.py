"""Render the committed test fixtures: synthetic scenes (procedurally drawn cars) with rendered plates.

    /usr/bin/python3 training/synth/make_fixtures.py [--out tests/fixtures]

Writes PNG/JPEG scenes and tests/fixtures/fixtures.json ({"images": [{file, width, height, plates: [{text, region,
box: [xmin, ymin, xmax, ymax]}]}]}). Deterministic (fixed seeds). Everything is drawn by our own code: no photo or
file from ../shared ends up in a fixture.
"""
import argparse
import json
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
from training.synth.render import render_plate  # noqa: E402


def background(h, w, rng, night=False):
    img = np.zeros((h, w, 3), np.float32)
    horizon = int(h * rng.uniform(0.35, 0.45))
    sky_top, sky_bot = (np.array([0.35, 0.55, 0.85]), np.array([0.75, 0.85, 0.95])) if not night else \
        (np.array([0.02, 0.02, 0.06]), np.array([0.08, 0.08, 0.12]))
    t = np.linspace(0, 1, horizon, dtype=np.float32)[:, None, None]
    img[:horizon] = (1 - t) * sky_top + t * sky_bot
    road = np.array([0.38, 0.38, 0.4]) if not night else np.array([0.08, 0.08, 0.09])
    t = np.linspace(0, 1, h - horizon, dtype=np.float32)[:, None, None]
    img[horizon:] = road * (0.8 + 0.3 * t)
    for k in range(6):  # buildings on the horizon
        x0 = int(rng.uniform(0, w))
        bw, bh = int(rng.uniform(0.08, 0.2) * w), int(rng.uniform(0.1, 0.3) * h)
        col = rng.uniform(0.4, 0.8, 3) * (0.2 if night else 1)
        cv2.rectangle(img, (x0, horizon - bh), (x0 + bw, horizon), tuple(col.tolist()), -1)
    cv2.line(img, (w // 2, horizon), (w // 2, h), (0.9, 0.9, 0.85), max(2, w // 200))
    return img, horizon


def car(img, cx, bottom, width, rng, night=False):
    """Rear view of a car, centred at cx, wheels on `bottom`. Returns the bumper centre (x, y) for the plate."""
    w = int(width)
    h = int(w * 0.75)
    x0, y0 = int(cx - w / 2), int(bottom - h)
    body = tuple((rng.uniform(0.1, 0.9, 3) * (0.5 if night else 1)).tolist())
    dark = (0.05, 0.05, 0.06)
    for wx in (x0 + int(0.08 * w), x0 + int(0.78 * w)):  # wheels
        cv2.rectangle(img, (wx, bottom - int(0.15 * h)), (wx + int(0.14 * w), bottom), dark, -1)
    cv2.rectangle(img, (x0, y0 + int(0.35 * h)), (x0 + w, bottom - int(0.1 * h)), body, -1, lineType=cv2.LINE_AA)
    roof = np.array([[x0 + int(0.15 * w), y0 + int(0.36 * h)], [x0 + int(0.25 * w), y0],
                     [x0 + int(0.75 * w), y0], [x0 + int(0.85 * w), y0 + int(0.36 * h)]], np.int32)
    cv2.fillPoly(img, [roof], body, lineType=cv2.LINE_AA)
    win = np.array([[x0 + int(0.2 * w), y0 + int(0.33 * h)], [x0 + int(0.28 * w), y0 + int(0.05 * h)],
                    [x0 + int(0.72 * w), y0 + int(0.05 * h)], [x0 + int(0.8 * w), y0 + int(0.33 * h)]], np.int32)
    cv2.fillPoly(img, [win], (0.15, 0.18, 0.22), lineType=cv2.LINE_AA)
    lamp = (1.0, 0.15, 0.1) if night else (0.75, 0.1, 0.08)
    for lx in (x0 + int(0.03 * w), x0 + int(0.82 * w)):
        cv2.rectangle(img, (lx, y0 + int(0.45 * h)), (lx + int(0.15 * w), y0 + int(0.56 * h)), lamp, -1)
    by = y0 + int(0.72 * h)
    cv2.rectangle(img, (x0, by + int(0.08 * h)), (x0 + w, bottom - int(0.1 * h)),
                  tuple((np.array(body) * 0.6).tolist()), -1)
    return cx, y0 + int(0.66 * h)


def put_plate(img, rng, region, cx, cy, plate_w, effects=True, clean=False):
    p = render_plate(rng, region, effects=effects, night=False, two_line=False)
    pl = p["image"]
    pw = int(plate_w)
    ph = int(round(pl.shape[0] * pw / pl.shape[1]))
    small = cv2.resize(pl, (pw, ph), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
    x0, y0 = int(cx - pw / 2), int(cy - ph / 2)
    img[y0:y0 + ph, x0:x0 + pw] = small
    return {"text": p["text"], "region": p["region"], "box": [x0, y0, x0 + pw, y0 + ph]}


def scene(seed, w, h, cars, night=False):
    rng = np.random.default_rng(seed)
    img, horizon = background(h, w, rng, night)
    plates = []
    for (fx, fbottom, fwidth, region, plate_frac, effects) in cars:
        cx, cy = car(img, fx * w, int(fbottom * h), fwidth * w, rng, night)
        plates.append(put_plate(img, rng, region, cx, cy, fwidth * w * plate_frac, effects=effects))
    if night:
        img *= 0.85
    return np.clip(img * 255 + 0.5, 0, 255).astype(np.uint8), plates


FIXTURES = [
    # file, seed, size, cars: (centre x, bottom, car width (fractions of the image), region, plate/car width, effects)
    ("ro_clean_800x600.png", 11, (800, 600), [(0.5, 0.92, 0.62, "ro", 0.5, False)], False),
    ("two_cars_1280x720.jpg", 12, (1280, 720), [(0.3, 0.9, 0.36, "ro", 0.42, True),
                                               (0.74, 0.8, 0.28, "gb", 0.45, True)], False),
    ("de_car_800x600.jpg", 13, (800, 600), [(0.5, 0.9, 0.5, "de", 0.46, True)], False),
    ("night_ro_1280x720.jpg", 14, (1280, 720), [(0.5, 0.88, 0.4, "ro", 0.42, False)], True),
    ("tiny_ro_360x240.png", 15, (360, 240), [(0.5, 0.92, 0.6, "ro", 0.5, False)], False),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="tests/fixtures")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    meta = []
    for name, seed, (w, h), cars, night in FIXTURES:
        img, plates = scene(seed, w, h, cars, night)
        bgr = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
        path = os.path.join(a.out, name)
        if name.endswith(".png"):
            cv2.imwrite(path, bgr, [cv2.IMWRITE_PNG_COMPRESSION, 9])
        else:
            cv2.imwrite(path, bgr, [cv2.IMWRITE_JPEG_QUALITY, 88])
        size = os.path.getsize(path)
        assert size < 150_000, (path, size)
        meta.append({"file": name, "width": w, "height": h, "plates": plates})
        print("%-26s %6d bytes  %s" % (name, size, ", ".join("%s (%s)" % (p["text"], p["region"]) for p in plates)))
    with open(os.path.join(a.out, "fixtures.json"), "w") as f:
        json.dump({"generator": "training/synth/make_fixtures.py", "images": meta}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
