"""Put a rendered plate into a photo-like scene and apply camera effects.

    warp_plate(rng, plate_rgb, plate_width_px) -> (rgba float32 patch, quad [4, 2] in patch pixels)
    paste(canvas, patch, x, y)                 -> pastes the warped plate (alpha) into canvas at (x, y)
    camera(rng, img, night=False)              -> blur / motion blur / noise / colour / JPEG artefacts (uint8 in, out)

Used by the OCR data pipeline (training/ocr/data.py), the fixtures (training/synth/make_fixtures.py) and available to
the detector's compositor.
"""
import cv2
import numpy as np


def warp_plate(rng, plate, width_px, max_roll=7.0, max_yaw=0.35, max_pitch=0.15):
    """Scale the plate to ~width_px wide and give it a random perspective.

    Returns (patch float32 [h, w, 4] RGBA 0..1, quad float32 [4, 2]: TL, TR, BR, BL corners in patch pixels).
    """
    h0, w0 = plate.shape[:2]
    s = width_px / w0
    w, h = w0 * s, h0 * s
    # corners of the scaled plate, centred at 0
    c = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]], np.float32)
    yaw = rng.uniform(-max_yaw, max_yaw)      # one side shorter (turned plate)
    pitch = rng.uniform(-max_pitch, max_pitch)
    c[:, 1] *= 1 + yaw * np.sign(c[:, 0]) * 0.5 * np.array([1, 1, 1, 1])
    c[:, 0] *= 1 - abs(yaw) * 0.35
    c[:, 0] *= 1 + pitch * np.sign(c[:, 1]) * 0.5
    c += rng.normal(0, 0.015, c.shape).astype(np.float32) * np.array([w, h], np.float32)
    a = np.deg2rad(rng.uniform(-max_roll, max_roll))
    R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]], np.float32)
    c = c @ R.T
    c -= c.min(axis=0)
    c += 1.0
    pw, ph = int(np.ceil(c[:, 0].max())) + 2, int(np.ceil(c[:, 1].max())) + 2
    src = np.array([[0, 0], [w0, 0], [w0, h0], [0, h0]], np.float32)
    M = cv2.getPerspectiveTransform(src, c.astype(np.float32))
    rgba = np.dstack([plate.astype(np.float32) / 255.0, np.ones((h0, w0), np.float32)])
    # area-average before the warp when shrinking a lot, so small plates look like a camera saw them
    if s < 0.5:
        k = max(1, int(1 / s / 2))
        rgba = cv2.blur(rgba, (k, k))
    patch = cv2.warpPerspective(rgba, M, (pw, ph), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                                borderValue=(0, 0, 0, 0))
    return patch, c.astype(np.float32)


def paste(canvas, patch, x, y):
    """canvas float32 [H, W, 3] 0..1; patch RGBA; top-left at (x, y) (ints), clipped."""
    H, W = canvas.shape[:2]
    h, w = patch.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
    if x1 <= x0 or y1 <= y0:
        return
    p = patch[y0 - y:y1 - y, x0 - x:x1 - x]
    a = p[..., 3:4]
    canvas[y0:y1, x0:x1] = canvas[y0:y1, x0:x1] * (1 - a) + p[..., :3] * a


def motion_kernel(rng, size):
    k = np.zeros((size, size), np.float32)
    a = rng.uniform(0, np.pi)
    c = (size - 1) / 2
    dx, dy = np.cos(a) * c, np.sin(a) * c
    cv2.line(k, (int(round(c - dx)), int(round(c - dy))), (int(round(c + dx)), int(round(c + dy))), 1.0, 1)
    return k / max(k.sum(), 1e-6)


def camera(rng, img, night=False, strength=1.0, max_blur=1.6):
    """uint8 RGB in, uint8 RGB out: lighting, colour cast, blur, motion blur, noise, JPEG.

    max_blur: the largest blur sigma in pixels (scale it with the plate's size so small plates stay readable).
    """
    x = img.astype(np.float32) / 255.0
    if night:
        x = x * rng.uniform(0.35, 0.75) + rng.uniform(0, 0.03)
        x = x ** rng.uniform(0.9, 1.3)
    else:
        x = x * rng.uniform(0.65, 1.25) + rng.uniform(-0.08, 0.08)
    if rng.random() < 0.6:  # colour cast (dashcams tint strongly, e.g. magenta)
        x = x * (1 + rng.normal(0, 0.12, 3).astype(np.float32) * strength)
    if rng.random() < 0.3:
        g = x.mean(axis=2, keepdims=True)
        x = g + (x - g) * rng.uniform(0.2, 1.0)
    if rng.random() < 0.2:  # low contrast / haze
        x = x * rng.uniform(0.5, 0.9) + rng.uniform(0.05, 0.3)
    x = np.clip(x, 0, 1)
    r = rng.random()
    if r < 0.25 * strength:
        s = rng.uniform(0.3, max(0.4, max_blur))
        x = cv2.GaussianBlur(x, (0, 0), s)
    elif r < 0.37 * strength:
        x = cv2.filter2D(x, -1, motion_kernel(rng, int(rng.integers(2, max(3, int(2 * max_blur + 2))))))
    if rng.random() < 0.6 or night:
        sigma = rng.uniform(0.005, 0.05 if not night else 0.08) * strength
        x = x + rng.standard_normal(x.shape, dtype=np.float32) * np.float32(sigma)
    out = np.clip(x * 255 + 0.5, 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        q = int(rng.uniform(25, 90))
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, q])
        out = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
    return out
