"""Training samples for the plate detector: square crops with plate boxes.

Three kinds of scene, mixed per sample:
  - ro-dashcam training frames at a random detection scale (their own boxes), sometimes with rendered plates pasted in;
  - web-plates training images (many countries) pasted at random scale onto a background, 1-4 per sample;
  - composites: rendered plates (training/synth/render.py) warped and pasted onto traffic-vehicles frames or
    ro-dashcam frames (whose own plates stay labelled).
Scale is augmented heavily, so that small distant plates (a few pixels high at detection size) are seen often.
"""
import json
import os
import sys

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
from common import splits  # noqa: E402

cv2.setNumThreads(1)
MINED = os.path.join(HERE, "..", "runs", "detector", "mined.json")


def load_rgb(path, reduce=1):
    flag = {1: cv2.IMREAD_COLOR, 2: cv2.IMREAD_REDUCED_COLOR_2}[reduce]
    img = cv2.imread(path, flag)
    if img is None:
        raise FileNotFoundError(path)
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


class Pools:
    """Images held in memory (decoded once)."""

    def __init__(self, traffic_max=700, seed=0):
        d = splits.DATA
        rows = splits.ro_rows("train")
        self.ro = [(load_rgb(os.path.join(d, "ro-dashcam", r["file"])), np.array(r["plates"], np.float32).reshape(-1, 4))
                   for r in rows]
        # Hard negatives and probable unlabelled plates mined from these frames by mine.py (optional).
        mined = {}
        if os.path.exists(MINED):
            with open(MINED) as fh:
                mined = json.load(fh)
        self.ro_mined = []
        for r in rows:
            es = mined.get(r["file"], [])
            self.ro_mined.append(tuple(np.array([e["box"] for e in es if e["kind"] == k], np.float32).reshape(-1, 4)
                                       for k in ("neg", "ignore")))
        self.web = [(load_rgb(os.path.join(d, "web-plates", r["file"])), np.array(r["plates"], np.float32).reshape(-1, 4))
                    for r in splits.web_rows("train")]
        rows = splits.read_jsonl(os.path.join(d, "traffic-vehicles", "annotations.jsonl"))
        rng = np.random.default_rng(seed)
        pick = rng.permutation(len(rows))[:traffic_max]
        self.traffic = [load_rgb(os.path.join(d, "traffic-vehicles", rows[i]["file"])) for i in pick]
        try:
            from training.synth.render import render_plate
            self.render_plate = render_plate
        except Exception as e:  # the renderer is optional: real data alone still trains
            print("no plate renderer:", e, file=sys.stderr)
            self.render_plate = None


# ------------------------------------------------------------------------------------------------ photometric

def photometric(img, rng):
    img = img.astype(np.float32)
    if rng.random() < 0.8:
        a = rng.uniform(0.6, 1.4)
        b = rng.uniform(-40, 40)
        img = img * a + b
    if rng.random() < 0.5:
        img = img * rng.uniform(0.85, 1.15, size=3)[None, None, :]
    if rng.random() < 0.3:
        g = rng.uniform(0.6, 1.6)
        img = 255.0 * (np.clip(img, 0, 255) / 255.0) ** g
    if rng.random() < 0.1:
        img = img.mean(axis=2, keepdims=True).repeat(3, axis=2)
    if rng.random() < 0.25:
        k = rng.choice([3, 5])
        img = cv2.GaussianBlur(img, (k, k), 0)
    if rng.random() < 0.3:
        img = img + rng.normal(0, rng.uniform(2, 10), img.shape).astype(np.float32)
    img = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.25:
        ok, enc = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(30, 90))])
        img = cv2.imdecode(enc, cv2.IMREAD_UNCHANGED)
    return img


# ------------------------------------------------------------------------------------------------ composites

def plate_look(plate, rng):
    """Lighting/blur on the rendered plate before it is warped into a scene."""
    p = plate.astype(np.float32)
    p = p * rng.uniform(0.35, 1.2) + rng.uniform(-30, 30)
    if rng.random() < 0.3:  # a shadow/gradient across the plate
        h, w = p.shape[:2]
        g = np.linspace(rng.uniform(0.4, 1.0), rng.uniform(0.6, 1.1), w, dtype=np.float32)
        p = p * g[None, :, None]
    return np.clip(p, 0, 255).astype(np.uint8)


def paste_plate(canvas, plate, rng, width, cx, cy):
    """Warp `plate` with a random perspective so that its width is ~`width` px, centred at (cx, cy).
    Returns the axis-aligned box of the pasted quad, or None."""
    ph, pw = plate.shape[:2]
    aspect = ph / pw * rng.uniform(0.8, 1.25)
    w = width
    h = max(2.0, w * aspect)
    # quad corners: a rotated, sheared, perspective-distorted rectangle
    ang = np.deg2rad(rng.normal(0, 6))
    yaw = rng.uniform(-0.35, 0.35)  # horizontal foreshortening of one side
    shear = rng.normal(0, 0.08)
    pts = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]], np.float32)
    pts[:, 0] += shear * pts[:, 1]
    pts[[1, 2], 1] *= (1 + yaw)
    pts[[0, 3], 1] *= (1 - yaw)
    c, s = np.cos(ang), np.sin(ang)
    pts = pts @ np.array([[c, s], [-s, c]], np.float32)
    pts += np.array([cx, cy], np.float32)
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    H, W = canvas.shape[:2]
    x0, y0 = np.floor(pts.min(0)).astype(int)
    x1, y1 = np.ceil(pts.max(0)).astype(int)
    if x1 <= 0 or y1 <= 0 or x0 >= W or y0 >= H or x1 - x0 < 3:
        return None
    # warp into the local bounding window only (cheap)
    bx0, by0 = max(0, x0 - 2), max(0, y0 - 2)
    bx1, by1 = min(W, x1 + 2), min(H, y1 + 2)
    M = cv2.getPerspectiveTransform(src, pts - np.array([bx0, by0], np.float32))
    size = (bx1 - bx0, by1 - by0)
    # pre-shrink big renders so warping down is not aliased
    scale = w / pw
    if scale < 0.5:
        k = max(1, int(0.5 / scale))
        small = cv2.resize(plate, (max(2, pw // k), max(2, ph // k)), interpolation=cv2.INTER_AREA)
        M = M @ np.diag([pw / small.shape[1], ph / small.shape[0], 1.0])
        plate = small
    warped = cv2.warpPerspective(plate, M, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    mask = cv2.warpPerspective(np.full(plate.shape[:2], 255, np.uint8), M, size, flags=cv2.INTER_LINEAR)
    if rng.random() < 0.4:
        k = int(rng.choice([3, 5])) if w > 40 else 3
        warped = cv2.GaussianBlur(warped, (k, k), 0)
    a = (mask.astype(np.float32) / 255.0)[..., None]
    roi = canvas[by0:by1, bx0:bx1].astype(np.float32)
    canvas[by0:by1, bx0:bx1] = (roi * (1 - a) + warped.astype(np.float32) * a).astype(np.uint8)
    return np.array([pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max()], np.float32)


def iou_any(box, boxes, thr=0.0):
    if len(boxes) == 0:
        return False
    b = np.asarray(boxes)
    ix = np.maximum(0, np.minimum(box[2], b[:, 2]) - np.maximum(box[0], b[:, 0]))
    iy = np.maximum(0, np.minimum(box[3], b[:, 3]) - np.maximum(box[1], b[:, 1]))
    return bool(((ix * iy) > thr).any())


# ------------------------------------------------------------------------------------------------ samples

class SampleMaker:
    def __init__(self, pools, size=384, seed=0, p_ro=0.35, p_web=0.3, ro_sizes=(400, 1400)):
        self.p = pools
        self.size = size
        self.rng = np.random.default_rng(seed)
        self.p_ro, self.p_web = p_ro, p_web
        self.ro_sizes = ro_sizes  # range of the long side (px) a ro-dashcam frame is seen at, log-uniform
        self.plates = []

    def plate(self):
        rng = self.rng
        if self.p.render_plate is None:
            return None
        if len(self.plates) < 400 or rng.random() < 0.25:
            img = self.p.render_plate(rng)["image"]
            if len(self.plates) < 2000:
                self.plates.append(img)
            else:
                self.plates[int(rng.integers(len(self.plates)))] = img
            return img
        return self.plates[int(rng.integers(len(self.plates)))]

    def random_crop(self, img, boxes, focus=True, focus_box=None):
        """Crop size x size from img (padding with zeros when smaller), biased to contain a plate (or focus_box)."""
        S = self.size
        rng = self.rng
        H, W = img.shape[:2]
        if focus_box is not None or (focus and len(boxes) and rng.random() < 0.75):
            b = focus_box if focus_box is not None else boxes[int(rng.integers(len(boxes)))]
            cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
            x0 = int(np.clip(cx - rng.uniform(0.1, 0.9) * S, min(0, W - S), max(0, W - S)))
            y0 = int(np.clip(cy - rng.uniform(0.1, 0.9) * S, min(0, H - S), max(0, H - S)))
        else:
            x0 = int(rng.integers(min(0, W - S), max(0, W - S) + 1))
            y0 = int(rng.integers(min(0, H - S), max(0, H - S) + 1))
        out = np.zeros((S, S, 3), np.uint8)
        sx0, sy0 = max(0, x0), max(0, y0)
        sx1, sy1 = min(W, x0 + S), min(H, y0 + S)
        out[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0] = img[sy0:sy1, sx0:sx1]
        boxes = boxes.copy() - np.array([x0, y0, x0, y0], np.float32) if len(boxes) else boxes
        return out, boxes

    def ro_scene(self, composite):
        rng = self.rng
        i = int(rng.integers(len(self.p.ro)))
        img, boxes = self.p.ro[i]
        negs, ign = self.p.ro_mined[i] if getattr(self.p, "ro_mined", None) else (np.zeros((0, 4)), np.zeros((0, 4)))
        # detection size (long side) the frame is seen at: by default mostly 448..1280, some beyond
        D = float(np.exp(rng.uniform(np.log(self.ro_sizes[0]), np.log(self.ro_sizes[1]))))
        s = D / img.shape[1]
        s *= rng.uniform(0.9, 1.1)
        sy = s * rng.uniform(0.92, 1.08)
        im = cv2.resize(img, (round(img.shape[1] * s), round(img.shape[0] * sy)),
                        interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
        scale = np.array([s, sy, s, sy], np.float32)
        b = boxes * scale
        # Half the time (when mined), centre the crop on a hard negative so the detector sees them often.
        focus_box = negs[int(rng.integers(len(negs)))] * scale if len(negs) and rng.random() < 0.5 else None
        n0 = len(b)
        crop, b = self.random_crop(im, np.concatenate([b, ign * scale]) if len(ign) else b, focus_box=focus_box)
        self.ignore_boxes = list(b[n0:])
        b = list(b[:n0])
        if composite:
            self.add_plates(crop, b, rng.integers(1, 4), s_ref=s, avoid=self.ignore_boxes)
        return crop, np.array(b, np.float32).reshape(-1, 4)

    def add_plates(self, canvas, boxes, n, s_ref=0.5, avoid=()):
        rng = self.rng
        S = canvas.shape[0]
        for _ in range(int(n)):
            plate = self.plate()
            if plate is None:
                return
            plate = plate_look(plate, rng)
            # 20..400 px wide in 1280x720 terms, log-uniform, seen at scale s_ref
            w = float(np.exp(rng.uniform(np.log(20), np.log(400)))) * s_ref
            w = max(8.0, w)
            for _try in range(5):
                cx, cy = rng.uniform(0, S), rng.uniform(0, S)
                hw = w * 0.6
                probe = np.array([cx - hw, cy - hw * 0.5, cx + hw, cy + hw * 0.5])
                if not iou_any(probe, list(boxes) + list(avoid)):
                    box = paste_plate(canvas, plate, rng, w, cx, cy)
                    if box is not None:
                        boxes.append(box)
                    break

    def web_scene(self):
        rng = self.rng
        S = self.size
        canvas = self.background()
        boxes = []
        n = int(rng.choice([1, 1, 2, 3, 4]))
        for _ in range(n):
            img, bx = self.p.web[int(rng.integers(len(self.p.web)))]
            side = float(np.exp(rng.uniform(np.log(120), np.log(700)))) / (1 + 0.4 * (n > 1))
            sx = side / img.shape[1]
            sy = sx * rng.uniform(0.75, 1.33)
            w, h = max(8, round(img.shape[1] * sx)), max(8, round(img.shape[0] * sy))
            im = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA if sx < 1 else cv2.INTER_LINEAR)
            b = bx * np.array([w / img.shape[1], h / img.shape[0]] * 2, np.float32)
            if rng.random() < 0.5:
                im = im[:, ::-1]
                b = np.stack([w - b[:, 2], b[:, 1], w - b[:, 0], b[:, 3]], 1) if len(b) else b
            # place: if bigger than the canvas, crop a window around a plate
            x0 = int(rng.integers(min(0, S - w), max(0, S - w) + 1))
            y0 = int(rng.integers(min(0, S - h), max(0, S - h) + 1))
            if len(b) and (w > S or h > S):
                pb = b[int(rng.integers(len(b)))]
                x0 = int(np.clip(S / 2 - (pb[0] + pb[2]) / 2 + rng.uniform(-S / 3, S / 3), S - w, 0)) if w > S else x0
                y0 = int(np.clip(S / 2 - (pb[1] + pb[3]) / 2 + rng.uniform(-S / 3, S / 3), S - h, 0)) if h > S else y0
            cx0, cy0 = max(0, x0), max(0, y0)
            cx1, cy1 = min(S, x0 + w), min(S, y0 + h)
            region = np.array([cx0, cy0, cx1, cy1], np.float32)
            # drop earlier boxes that this image covers
            keep = []
            for ob in boxes:
                ix = max(0, min(ob[2], cx1) - max(ob[0], cx0))
                iy = max(0, min(ob[3], cy1) - max(ob[1], cy0))
                if ix * iy < 0.3 * (ob[2] - ob[0]) * (ob[3] - ob[1]):
                    keep.append(ob)
            boxes = keep
            canvas[cy0:cy1, cx0:cx1] = im[cy0 - y0:cy1 - y0, cx0 - x0:cx1 - x0]
            for bb in b:
                boxes.append(bb + np.array([x0, y0, x0, y0], np.float32))
            del region
        return canvas, np.array(boxes, np.float32).reshape(-1, 4)

    def background(self):
        rng = self.rng
        S = self.size
        if rng.random() < 0.15:
            return np.zeros((S, S, 3), np.uint8) + np.uint8(rng.integers(0, 255))
        img = self.p.traffic[int(rng.integers(len(self.p.traffic)))]
        s = float(np.exp(rng.uniform(np.log(0.6), np.log(2.0))))
        im = cv2.resize(img, (round(img.shape[1] * s), round(img.shape[0] * s)))
        crop, _ = self.random_crop(im, np.zeros((0, 4), np.float32), focus=False)
        return crop

    def synth_scene(self):
        rng = self.rng
        if rng.random() < 0.4:
            return self.ro_scene(composite=True)
        canvas = self.background()
        boxes = []
        s_ref = float(np.exp(rng.uniform(np.log(0.35), np.log(1.1))))
        self.add_plates(canvas, boxes, rng.integers(1, 6), s_ref=s_ref)
        return canvas, np.array(boxes, np.float32).reshape(-1, 4)

    def sample(self):
        """-> (image, plate boxes, ignore boxes: probable unlabelled plates, neither positive nor negative)."""
        rng = self.rng
        self.ignore_boxes = []
        r = rng.random()
        if r < self.p_ro:
            img, boxes = self.ro_scene(composite=self.p.render_plate is not None and rng.random() < 0.3)
        elif r < self.p_ro + self.p_web or self.p.render_plate is None:
            img, boxes = self.web_scene()
        else:
            img, boxes = self.synth_scene()
        ign = np.array(self.ignore_boxes, np.float32).reshape(-1, 4)
        if rng.random() < 0.5:
            img = img[:, ::-1]
            S = img.shape[1]
            if len(boxes):
                boxes = np.stack([S - boxes[:, 2], boxes[:, 1], S - boxes[:, 0], boxes[:, 3]], 1)
            if len(ign):
                ign = np.stack([S - ign[:, 2], ign[:, 1], S - ign[:, 0], ign[:, 3]], 1)
        img = photometric(np.ascontiguousarray(img), rng)
        return img, boxes, ign


def targets(boxes, S, stride=8, ignore_boxes=()):
    """Heatmap, box targets, box weights and an ignore mask on the S/stride grid.

    Boxes mostly outside the crop become ignore regions; the others give a Gaussian centre peak (elliptic,
    following the plate's shape) and ltrb targets on the cells near the centre."""
    G = S // stride
    heat = np.zeros((G, G), np.float32)
    ltrb = np.zeros((4, G, G), np.float32)
    wbox = np.zeros((G, G), np.float32)
    ignore = np.zeros((G, G), np.float32)
    area_at = np.full((G, G), np.inf, np.float32)
    ys, xs = np.mgrid[0:G, 0:G].astype(np.float32)
    cxs, cys = (xs + 0.5) * stride, (ys + 0.5) * stride
    for b in boxes:
        x0, y0, x1, y1 = [float(v) for v in b]
        w, h = x1 - x0, y1 - y0
        if w <= 1 or h <= 1:
            continue
        vis = max(0, min(x1, S) - max(x0, 0)) * max(0, min(y1, S) - max(y0, 0)) / (w * h)
        if vis < 0.6 or h < 3 or w < 6:
            if vis > 0:  # partly visible or too tiny: neither positive nor negative
                gx0, gy0 = int(max(0, x0 // stride)), int(max(0, y0 // stride))
                gx1, gy1 = int(min(G, np.ceil(x1 / stride))), int(min(G, np.ceil(y1 / stride)))
                ignore[gy0:gy1, gx0:gx1] = 1
            continue
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        gx, gy = int(np.clip(cx // stride, 0, G - 1)), int(np.clip(cy // stride, 0, G - 1))
        sx = max(0.5, w / stride / 6)
        sy = max(0.5, h / stride / 4)
        g = np.exp(-(((xs - gx) / sx) ** 2 + ((ys - gy) / sy) ** 2) / 2)
        heat = np.maximum(heat, g)
        heat[gy, gx] = 1.0
        # regression on cells near the centre that lie inside the box; the smallest box wins
        near = (g > 0.3) & (cxs > x0) & (cxs < x1) & (cys > y0) & (cys < y1)
        near[gy, gx] = True
        sel = near & (w * h < area_at)
        area_at[sel] = w * h
        ltrb[0][sel] = cxs[sel] - x0
        ltrb[1][sel] = cys[sel] - y0
        ltrb[2][sel] = x1 - cxs[sel]
        ltrb[3][sel] = y1 - cys[sel]
        wbox[sel] = np.maximum(g[sel], 0.3)
    for x0, y0, x1, y1 in ignore_boxes:
        gx0, gy0 = int(max(0, x0 // stride)), int(max(0, y0 // stride))
        gx1, gy1 = int(min(G, np.ceil(x1 / stride))), int(min(G, np.ceil(y1 / stride)))
        if gx1 > gx0 and gy1 > gy0:
            ignore[gy0:gy1, gx0:gx1] = 1
    np.maximum(ltrb, 0.5, out=ltrb)
    ignore[heat > 0] = 0
    return heat, ltrb, wbox, ignore
