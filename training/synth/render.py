"""Synthetic licence plates with their text and region.

    from training.synth.render import render_plate
    p = render_plate(np.random.default_rng(0), region="ro")
    p["image"]   # H x W x 3 uint8 RGB, the plate alone, tight and front-on
    p["text"]    # "B123ABC" (A-Z0-9 only, reading order: top line then bottom line)
    p["region"]  # "ro"  (lower-case code: "de", "gb", "us-ca", "br", ...)
    p["lines"]   # 1 or 2

The plate is drawn at roughly 1 px per 1.25 mm (an EU plate is ~416 x 88 px), with the region's layout, colours and
character format, a DIN-like or region-like font, and surface effects (embossed edge, screws, dirt, shadow, glare,
night tint). Regions: EU countries, GB, 16 US states, Brazil, a generic random plate, India ("in": MH12AB1234,
DL3CAB1234, 22BH1234AA; white / yellow / green / black, HSRP hologram and "IND", 40 % two-line) and Indonesia ("id":
B1234ABC; black or white, with a small expiry date below that is not part of the label). Camera effects
(perspective, scale, blur, noise, JPEG) are applied when the plate is put into a scene: see
`training/synth/scene.py`. One plate takes a few ms.

Fonts: DINish (SIL OFL 1.1, from ../shared/fonts/dinish) and Debian font packages (fonts-opendin, fonts-bebas-neue,
fonts-b612, fonts-league-spartan, fonts-dejavu-core, fonts-liberation2, fonts-urw-base35, fonts-roboto-unhinted).
Missing fonts are skipped; at least one of them must be present.
"""
import glob
import os
import string

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("ALPR_SHARED", os.path.join(HERE, "..", "..", "..", "shared"))
FONT_DIRS = [os.path.join(SHARED, "fonts"), "/usr/share/fonts"]

LETTERS = string.ascii_uppercase
DIGITS = string.digits
ALNUM = DIGITS + LETTERS


# ----------------------------------------------------------------------------------------------------------- fonts

def _find(name):
    for d in FONT_DIRS:
        hits = glob.glob(os.path.join(d, "**", name), recursive=True)
        if hits:
            return sorted(hits)[0]
    return None


_FONT_NAMES = {
    # DIN 1451 style: German and most EU plates, RO, Mercosur (FE-Schrift is DIN-derived)
    "din": ["DINish-Bold.otf", "DINish-Medium.otf", "DINishCondensed-Bold.otf", "DINishCondensed-Medium.otf",
            "OSP-DIN.ttf", "DINish-Regular.otf"],
    # narrow bold sans: UK (Charles Wright-like), NL, generic
    "narrow": ["DINishCondensed-Bold.otf", "RobotoCondensed-Bold.ttf", "RobotoCondensed-Medium.ttf",
               "NimbusSansNarrow-Bold.otf", "DejaVuSansCondensed-Bold.ttf", "BebasNeue-Bold.otf",
               "BebasNeue-Regular.otf", "LiberationSans-Bold.ttf"],
    # US state plates: a wide mix
    "us": ["LiberationSans-Bold.ttf", "NimbusSans-Bold.otf", "RobotoCondensed-Bold.ttf", "Roboto-Bold.ttf",
           "DejaVuSansCondensed-Bold.ttf", "LiberationMono-Bold.ttf", "NimbusMonoPS-Bold.otf", "B612Mono-Bold.otf",
           "LeagueSpartan-Bold.otf", "BebasNeue-Bold.otf", "DINishCondensed-Bold.otf", "OSP-DIN.ttf",
           "NimbusSansNarrow-Bold.otf", "B612-Bold.otf", "URWGothic-Demi.otf"],
    # captions: state names, slogans, city names
    "caption": ["C059-Bold.otf", "P052-Bold.otf", "URWBookman-Demi.otf", "DejaVuSerif-Bold.ttf",
                "LiberationSerif-Bold.ttf", "NimbusRoman-Bold.otf", "LiberationSans-Bold.ttf", "Roboto-Medium.ttf",
                "DINish-Bold.otf", "URWGothic-Demi.otf", "LeagueSpartan-SemiBold.otf"],
    "small": ["DINish-Bold.otf", "LiberationSans-Bold.ttf", "Roboto-Bold.ttf", "DejaVuSans-Bold.ttf"],
}
_FONTS = None


def fonts():
    global _FONTS
    if _FONTS is None:
        _FONTS = {}
        every = []
        for k, names in _FONT_NAMES.items():
            paths = [p for p in (_find(n) for n in names) if p]
            _FONTS[k] = paths
            every += paths
        if not every:
            raise RuntimeError("no plate fonts found: run training/setup.sh (and check ../shared/fonts)")
        for k in _FONTS:
            if not _FONTS[k]:
                _FONTS[k] = list(dict.fromkeys(every))
        _FONTS["any"] = list(dict.fromkeys(every))
    return _FONTS


_PIL_CACHE = {}


def _pil_font(path, size=64):
    key = (path, size)
    f = _PIL_CACHE.get(key)
    if f is None:
        f = _PIL_CACHE[key] = ImageFont.truetype(path, size)
    return f


_MASK_CACHE = {}


def _glyph_mask(text, path):
    """Tight 0..1 float mask of `text` at a cap height of ~64 px (cached: captions repeat)."""
    key = (text, path)
    m = _MASK_CACHE.get(key)
    if m is not None:
        return m
    f = _pil_font(path, 80)
    x0, y0, x1, y1 = f.getbbox(text)
    w, h = max(1, x1 - x0), max(1, y1 - y0)
    im = Image.new("L", (w + 2, h + 2), 0)
    ImageDraw.Draw(im).text((1 - x0, 1 - y0), text, font=f, fill=255)
    m = np.asarray(im, dtype=np.float32) / 255.0
    if len(_MASK_CACHE) > 4000:
        _MASK_CACHE.clear()
    if len(text) <= 2 or not any(c.isdigit() for c in text):  # only cache short / caption strings
        _MASK_CACHE[key] = m
    return m


# --------------------------------------------------------------------------------------------------------- drawing

def _blend(img, mask, x, y, colour, alpha=1.0):
    """Paint `colour` into img (float32 HxWx3, 0..1) through `mask` placed at (x, y), clipped."""
    H, W = img.shape[:2]
    h, w = mask.shape
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(W, x + w), min(H, y + h)
    if x1 <= x0 or y1 <= y0:
        return
    m = mask[y0 - y:y1 - y, x0 - x:x1 - x, None] * alpha
    region = img[y0:y1, x0:x1]
    region *= 1 - m
    region += m * np.asarray(colour, np.float32)


def _text(img, text, path, box, colour, align="center", squeeze=1.0, emboss=0.0):
    """Draw `text` fitted into box=(x0, y0, x1, y1): cap height = box height, width squeezed to fit."""
    x0, y0, x1, y1 = [int(round(v)) for v in box]
    bh, bw = max(2, y1 - y0), max(2, x1 - x0)
    m = _glyph_mask(text, path)
    w = m.shape[1] * bh / m.shape[0] * squeeze
    w = int(max(2, min(bw, w)))
    m = cv2.resize(m, (w, bh), interpolation=cv2.INTER_AREA if bh < m.shape[0] else cv2.INTER_LINEAR)
    if align == "center":
        x = x0 + (bw - w) // 2
    elif align == "left":
        x = x0
    else:
        x = x1 - w
    if emboss > 0:
        d = max(1, bh // 30)
        _blend(img, m, x + d, y0 + d, (0, 0, 0), alpha=emboss)
    _blend(img, m, x, y0, colour)
    return x, x + w


def _rect(img, x0, y0, x1, y1, colour):
    x0, y0, x1, y1 = [int(round(v)) for v in (x0, y0, x1, y1)]
    img[max(0, y0):max(0, y1), max(0, x0):max(0, x1)] = colour


def _rounded(H, W, inset, r):
    """Bool mask of the rectangle inset by `inset` px with corners of radius r."""
    m = np.zeros((H, W), np.uint8)
    x0, y0, x1, y1 = inset, inset, W - 1 - inset, H - 1 - inset
    r = int(max(0, min(r, (x1 - x0) / 2, (y1 - y0) / 2)))
    cv2.rectangle(m, (x0 + r, y0), (x1 - r, y1), 255, -1)
    cv2.rectangle(m, (x0, y0 + r), (x1, y1 - r), 255, -1)
    for c in ((x0 + r, y0 + r), (x1 - r, y0 + r), (x0 + r, y1 - r), (x1 - r, y1 - r)) if r else ():
        cv2.circle(m, c, r, 255, -1, lineType=cv2.LINE_AA)
    return m > 127


def _border(img, width, colour, radius=0, inset=0):
    """A ring `width` px wide, `inset` px in from the edge, with rounded corners of `radius`."""
    H, W = img.shape[:2]
    ring = _rounded(H, W, inset, radius) & ~_rounded(H, W, inset + width, radius - width)
    img[ring] = colour


def _eu_band(img, rng, x0, x1, code, path):
    H = img.shape[0]
    blue = np.array([0.0, 0.2, 0.6]) + rng.uniform(-0.05, 0.08, 3)
    _rect(img, x0, 0, x1, H, np.clip(blue, 0, 1))
    cx, cy, r = (x0 + x1) / 2, H * 0.3, (x1 - x0) * 0.3
    yellow = (1.0, 0.8, 0.0)
    for k in range(12):
        a = 2 * np.pi * k / 12
        cv2.circle(img, (int(cx + r * np.cos(a)), int(cy + r * np.sin(a))), max(1, int(H * 0.018)), yellow, -1,
                   lineType=cv2.LINE_AA)
    if code:
        bw = x1 - x0
        _text(img, code, path, (x0 + bw * 0.12, H * 0.6, x1 - bw * 0.12, H * 0.86), (1, 1, 1))


def _screws(img, rng, ys=(0.5,)):
    H, W = img.shape[:2]
    r = max(2, int(H * rng.uniform(0.04, 0.06)))
    col = np.array(rng.choice([[0.75, 0.75, 0.72], [0.3, 0.3, 0.3], [0.85, 0.8, 0.55]]))
    xs = [rng.uniform(0.18, 0.3) * W, rng.uniform(0.7, 0.82) * W] if rng.random() < 0.7 else [0.06 * W, 0.94 * W]
    for yy in ys:
        for xx in xs:
            c = (int(xx), int(yy * H))
            cv2.circle(img, c, r, tuple(float(v) for v in col), -1, lineType=cv2.LINE_AA)
            cv2.circle(img, c, r, (0.2, 0.2, 0.2), 1, lineType=cv2.LINE_AA)


# ------------------------------------------------------------------------------------------------------ formats

def _pick(rng, s, n):
    return "".join(rng.choice(list(s), n))


RO_COUNTIES = ["AB", "AG", "AR", "BC", "BH", "BN", "BR", "BT", "BV", "BZ", "CJ", "CL", "CS", "CT", "CV", "DB", "DJ",
               "GJ", "GL", "GR", "HD", "HR", "IF", "IL", "IS", "MH", "MM", "MS", "NT", "OT", "PH", "SB", "SJ", "SM",
               "SV", "TL", "TM", "TR", "VL", "VN", "VS"]
DE_DISTRICTS = ["B", "M", "HH", "K", "F", "S", "D", "DO", "E", "HB", "H", "L", "DD", "N", "BO", "WI", "KA", "MA",
                "A", "KI", "BN", "GE", "MS", "OB", "HN", "LB", "ES", "BB", "RV", "FR", "UL", "AC", "MZ", "SB", "PB",
                "GÖ", "HEI", "NOH", "REG", "MYK", "WAF", "SLS"]
NO_IOQ = "ABCDEFGHJKLMNPRSTUVWXYZ"


def fmt_ro(rng):
    r = rng.random()
    if r < 0.45:
        a, b, c = "B", _pick(rng, DIGITS, int(rng.choice([2, 3], p=[0.45, 0.55]))), _pick(rng, LETTERS, 3)
    elif r < 0.93:
        a, b, c = str(rng.choice(RO_COUNTIES)), _pick(rng, DIGITS, 2), _pick(rng, LETTERS, 3)
    else:  # temporary / long-term numbers: county + 3..6 digits
        a, b, c = str(rng.choice(RO_COUNTIES + ["B"])), _pick(rng, DIGITS, int(rng.integers(3, 7))), ""
    return [a, b, c] if c else [a, b]


def fmt_de(rng):
    d = str(rng.choice(DE_DISTRICTS)).replace("Ö", "O")
    n_l = int(rng.integers(1, 3))
    n_d = int(rng.integers(1, min(4, 8 - len(d) - n_l) + 1))
    num = str(int(rng.integers(10 ** (n_d - 1) if n_d > 1 else 1, 10 ** n_d)))
    suffix = "E" if rng.random() < 0.04 else ("H" if rng.random() < 0.04 else "")
    return [d, _pick(rng, LETTERS, n_l), num + suffix]


def fmt_fr(rng):
    return [_pick(rng, NO_IOQ, 2), _pick(rng, DIGITS, 3), _pick(rng, NO_IOQ, 2)]


def fmt_it(rng):
    return [_pick(rng, NO_IOQ, 2), _pick(rng, DIGITS, 3) + _pick(rng, NO_IOQ, 2)]


def fmt_es(rng):
    return [_pick(rng, DIGITS, 4), _pick(rng, "BCDFGHJKLMNPRSTVWXYZ", 3)]


def fmt_nl(rng):
    L, D = lambda n: _pick(rng, "BDFGHJKLNPRSTVXZ", n), lambda n: _pick(rng, DIGITS, n)
    f = rng.integers(0, 5)
    return [[L(2), D(3), L(1)], [D(2), L(3), D(1)], [L(1), D(3), L(2)], [L(2), D(2), L(2)], [D(1), L(3), D(2)]][f]


def fmt_pl(rng):
    a = _pick(rng, "BCDEFGKLNOPRSTWZ", 1) + _pick(rng, NO_IOQ, int(rng.integers(1, 3)))
    b = [_pick(rng, DIGITS, 5), _pick(rng, DIGITS, 4) + _pick(rng, NO_IOQ, 1),
         _pick(rng, DIGITS, 3) + _pick(rng, NO_IOQ, 2), _pick(rng, DIGITS, 2) + _pick(rng, NO_IOQ, 2)][rng.integers(4)]
    return [a, b[: 8 - len(a)]]


def fmt_be(rng):
    return [str(int(rng.integers(1, 3))), _pick(rng, LETTERS, 3), _pick(rng, DIGITS, 3)]


def fmt_cz(rng):
    return [str(int(rng.integers(1, 10))) + _pick(rng, "ABCEHJKLMPSTUZ", 1) + _pick(rng, ALNUM, 1),
            _pick(rng, DIGITS, 4)]


def fmt_se(rng):
    return [_pick(rng, "ABCDEFGHJKLMNOPRSTUWXYZ", 3), _pick(rng, DIGITS, 2) + _pick(rng, DIGITS + "ABCDEFGHJKLMNPRSTUWXYZ", 1)]


def fmt_hu(rng):
    if rng.random() < 0.5:
        return [_pick(rng, LETTERS, 3), _pick(rng, DIGITS, 3)]
    return [_pick(rng, LETTERS, 2), _pick(rng, LETTERS, 2), _pick(rng, DIGITS, 3)]


def fmt_bg(rng):
    return [str(rng.choice(["CA", "C", "CB", "PB", "B", "BT", "A", "E", "H", "K", "M", "P", "T", "X", "Y"])),
            _pick(rng, DIGITS, 4), _pick(rng, "ABEKMHOPCTYX", 2)]


def fmt_pt(rng):
    return [_pick(rng, LETTERS, 2), _pick(rng, DIGITS, 2), _pick(rng, LETTERS, 2)]


def fmt_gb(rng):
    return [_pick(rng, "ABCDEFGHKLMNOPRSVWY", 1) + _pick(rng, "ABCDEFGHJKLMNOPRSTUVWXY", 1) + _pick(rng, DIGITS, 2),
            _pick(rng, "ABCDEFGHJKLMNOPRSTUVWXYZ", 3)]


def fmt_br_mercosul(rng):
    return [_pick(rng, LETTERS, 3) + str(rng.integers(10)) + _pick(rng, LETTERS, 1) + _pick(rng, DIGITS, 2)]


def fmt_br_old(rng):
    return [_pick(rng, LETTERS, 3), _pick(rng, DIGITS, 4)]


def fmt_generic(rng):
    n = int(rng.integers(4, 9))
    s = "".join(rng.choice(list(LETTERS if rng.random() < 0.5 else DIGITS)) for _ in range(n))
    if rng.random() < 0.5:
        k = int(rng.integers(1, n))
        return [s[:k], s[k:]]
    return [s]


# the big states first: 70 % of Indian plates draw from IN_STATES[:14]
IN_STATES = ["MH", "DL", "KA", "TN", "KL", "UP", "GJ", "RJ", "HR", "PB", "AP", "TS", "WB", "MP", "OR", "OD", "BR",
             "CH", "GA", "AS", "JH", "UK", "HP", "JK", "CG", "PY", "ML", "MN", "MZ", "NL", "SK", "TR", "AR", "LA"]
ID_PREFIXES = ["B", "D", "F", "T", "E", "Z", "A", "AB", "AD", "AA", "AG", "AE", "H", "G", "K", "R", "BK", "BA", "BM",
               "BH", "BG", "BN", "BE", "BD", "DK", "DR", "DA", "DB", "DD", "DE", "DG", "DH", "DL", "DM", "DN", "DT",
               "EA", "EB", "KB", "KH", "KT", "KU", "L", "M", "N", "P", "S", "W", "PA"]


def fmt_in(rng):
    """[state, district, series, number] (series may be ""), or the BH series [year, "BH", number, letters]."""
    if rng.random() < 0.05:
        yy, n_l = str(int(rng.integers(21, 26))), int(rng.integers(1, 3))
        return [yy, "BH", _pick(rng, DIGITS, 4), _pick(rng, NO_IOQ, n_l)]
    st = str(rng.choice(IN_STATES[:14] if rng.random() < 0.7 else IN_STATES))
    d = int(rng.integers(1, 14)) if st == "DL" else int(min(99, rng.exponential(18) + 1))
    dist = str(d) if st == "DL" and rng.random() < 0.7 else "%02d" % d
    series = _pick(rng, NO_IOQ, min(int(rng.choice(4, p=[0.05, 0.35, 0.5, 0.1])), 4 - len(dist)))  # 10 at most
    return [st, dist, series, "%04d" % int(rng.integers(1, 10000))]


def fmt_id(rng):
    digits = str(int(rng.integers(1, 10 ** int(rng.choice([1, 2, 3, 4], p=[0.05, 0.1, 0.25, 0.6])))))
    return [str(rng.choice(ID_PREFIXES)), digits, _pick(rng, NO_IOQ, int(rng.choice(4, p=[0.05, 0.15, 0.4, 0.4])))]


# name, colour of the name (RGB 0..1), background(s), text colour, format, slogan
US_STATES = {
    "ca": ("California", (0.75, 0.1, 0.1), [(0.97, 0.97, 0.97)], (0.05, 0.1, 0.45), "7LLLDDD", "DMV.CA.GOV"),
    "ny": ("NEW YORK", (0.1, 0.2, 0.6), [(0.98, 0.88, 0.45), (0.96, 0.96, 0.96)], (0.05, 0.1, 0.4), "LLL-DDDD",
           "EXCELSIOR"),
    "tx": ("TEXAS", (0.1, 0.1, 0.1), [(0.96, 0.96, 0.94)], (0.05, 0.05, 0.05), "LLL-DDDD", "THE LONE STAR STATE"),
    "fl": ("Florida", (0.1, 0.4, 0.2), [(0.97, 0.97, 0.95)], (0.1, 0.35, 0.2), "LLL X99", "SUNSHINE STATE"),
    "il": ("Illinois", (0.7, 0.1, 0.1), [(0.95, 0.95, 0.97)], (0.1, 0.1, 0.4), "LL DDDDD", "LAND OF LINCOLN"),
    "pa": ("PENNSYLVANIA", (1, 1, 1), [(0.96, 0.96, 0.92)], (0.05, 0.15, 0.45), "LLL-DDDD", "visitPA.com"),
    "nj": ("NEW JERSEY", (0.1, 0.1, 0.1), [(0.93, 0.85, 0.55)], (0.1, 0.1, 0.1), "LDD-LLL", "GARDEN STATE"),
    "az": ("ARIZONA", (0.1, 0.1, 0.3), [(0.9, 0.75, 0.5)], (0.15, 0.25, 0.2), "LLLDDDD", "GRAND CANYON STATE"),
    "wa": ("Washington", (0.1, 0.2, 0.5), [(0.96, 0.96, 0.98)], (0.1, 0.2, 0.5), "LLLDDDD", "EVERGREEN STATE"),
    "oh": ("OHIO", (0.6, 0.1, 0.1), [(0.96, 0.94, 0.88)], (0.1, 0.1, 0.2), "LLL DDDD", "BIRTHPLACE OF AVIATION"),
    "ga": ("GEORGIA", (0.1, 0.1, 0.1), [(0.96, 0.96, 0.96)], (0.1, 0.1, 0.1), "LLLDDDD", "Peach State"),
    "mi": ("MICHIGAN", (1, 1, 1), [(0.08, 0.1, 0.2)], (1, 1, 1), "LLL DDDD", "PURE MICHIGAN"),
    "nc": ("NORTH CAROLINA", (0.1, 0.1, 0.3), [(0.97, 0.96, 0.94)], (0.1, 0.1, 0.3), "LLL-DDDD",
           "FIRST IN FLIGHT"),
    "va": ("Virginia", (0.1, 0.1, 0.3), [(0.97, 0.97, 0.97)], (0.05, 0.1, 0.35), "LLL-DDDD", "Virginia is for Lovers"),
    "co": ("COLORADO", (1, 1, 1), [(0.95, 0.95, 0.95)], (0.1, 0.2, 0.1), "LLL-LDD", ""),
    "ma": ("Massachusetts", (0.7, 0.1, 0.1), [(0.97, 0.97, 0.97)], (0.7, 0.1, 0.1), "DLLD DD", "the Spirit of America"),
}


def _fmt_pattern(rng, pat):
    out = []
    for ch in pat:
        if ch == "L":
            out.append(_pick(rng, NO_IOQ, 1))
        elif ch == "D":
            out.append(_pick(rng, DIGITS, 1))
        elif ch == "X":
            out.append(_pick(rng, ALNUM, 1))
        elif ch in "-":
            out.append(" " if rng.random() < 0.3 else "-")
        elif ch == " ":
            out.append(" ")
        elif ch.isdigit() and ch != "9":
            out.append(str(int(rng.integers(1, 10))) if ch == "7" else ch)
        elif ch == "9":
            out.append(_pick(rng, DIGITS, 1))
        else:
            out.append(ch)
    return "".join(out)


EU_REGIONS = ["de", "fr", "it", "es", "nl", "pl", "ro", "be", "cz", "se", "hu", "bg", "pt"]
EU_FORMATS = {"de": fmt_de, "fr": fmt_fr, "it": fmt_it, "es": fmt_es, "nl": fmt_nl, "pl": fmt_pl, "ro": fmt_ro,
              "be": fmt_be, "cz": fmt_cz, "se": fmt_se, "hu": fmt_hu, "bg": fmt_bg, "pt": fmt_pt}
EU_CODE = {"de": "D", "fr": "F", "it": "I", "es": "E", "nl": "NL", "pl": "PL", "ro": "RO", "be": "B", "cz": "CZ",
           "se": "S", "hu": "H", "bg": "BG", "pt": "P"}
REGIONS = EU_REGIONS + ["gb"] + ["us-" + s for s in US_STATES] + ["br", "generic", "in", "id"]  # append only
# sampling weights when region is None (RO weighted up: it is what our real validation data is)
_WEIGHTS = {"ro": 12.0, "de": 2.0, "gb": 2.0, "br": 1.5, "generic": 1.5, "fr": 1.2, "it": 1.2, "es": 1.2, "nl": 1.0,
            "pl": 1.0, "in": 1.5, "id": 0.8}


def region_weights():
    w = np.array([_WEIGHTS.get(r, 0.5 if r.startswith("us-") else 0.7) for r in REGIONS], np.float64)
    return w / w.sum()


def _label(parts):
    return "".join(ch for ch in "".join(parts).upper() if ch in ALNUM)


# ------------------------------------------------------------------------------------------------------ plates

def _canvas(w, h, colour, rng, gradient=0.0):
    img = np.empty((h, w, 3), np.float32)
    img[:] = colour
    if gradient:
        g = np.linspace(-gradient, gradient, h, dtype=np.float32)[:, None, None]
        img += g if rng.random() < 0.5 else -g
    return img


def _white(rng):
    return np.clip(np.array([0.95, 0.95, 0.94]) + rng.uniform(-0.08, 0.04, 3) * [1, 1, 1], 0, 1)


def _plate_eu(rng, region, two_line):
    parts = EU_FORMATS[region](rng)
    F = fonts()
    font = str(rng.choice(F["din"] if rng.random() < 0.85 else F["narrow"]))
    black = tuple(np.clip(np.array([0.05, 0.05, 0.06]) + rng.uniform(0, 0.08), 0, 1))
    bg = _white(rng)
    colour = black
    if region == "nl" or (region == "gb" and rng.random() < 0.5):
        bg = np.array([0.98, 0.8, 0.05]) + rng.uniform(-0.08, 0.02, 3)
    if region == "be":
        colour = (0.65, 0.05, 0.1)
    if region == "ro" and len(parts) == 2 and rng.random() < 0.5:
        colour = (0.7, 0.05, 0.05)  # temporary plates: red numbers
    sep = {"fr": "-", "pt": "-", "nl": "-", "be": "-", "hu": "-"}.get(region, " ")
    if two_line:
        w, h = int(rng.uniform(250, 290)), int(rng.uniform(190, 215))
    else:
        w, h = int(rng.uniform(400, 430)), int(rng.uniform(84, 94))
    img = _canvas(w, h, np.clip(bg, 0, 1), rng, gradient=rng.uniform(0, 0.04))
    band = region != "gb" or rng.random() < 0.5
    bw = int(h * (0.44 if not two_line else 0.2)) if band else 0
    if band:
        _eu_band(img, rng, 0, bw, EU_CODE.get(region, "GB" if rng.random() < 0.5 else "UK"), F["small"][0])
    right = w
    if region in ("fr", "it") and rng.random() < 0.8 and not two_line:
        right = w - bw
        _rect(img, right, 0, w, h, np.clip(np.array([0.0, 0.2, 0.6]) + rng.uniform(-0.05, 0.08, 3), 0, 1))
        if region == "fr":
            _text(img, str(int(rng.integers(1, 96))).zfill(2), F["small"][0], (right + bw * 0.2, h * 0.6, w - bw * 0.2,
                                                                                h * 0.85), (1, 1, 1))
    m = h * 0.08
    if not two_line:
        ch = h * rng.uniform(0.66, 0.76)
        y0 = (h - ch) / 2 + rng.uniform(-1, 1) * h * 0.03
        if region == "ro" and rng.random() < 0.08:
            s = " \u00b7 ".join(parts)  # some RO plates print a dot between the groups (not read as a character)
        elif region == "de" and len(parts) == 3:
            s = None
        else:
            s = sep.join(parts)
        squeeze = rng.uniform(0.9, 1.1)
        emb = rng.uniform(0, 0.35)
        if s is not None:
            _text(img, s, font, (bw + m, y0, right - m, y0 + ch), colour, squeeze=squeeze, emboss=emb)
        else:
            # German: district, then the two round seals, then the rest
            a, b = parts[0], parts[1] + " " + parts[2]
            wa = _glyph_mask(a, font).shape[1] / _glyph_mask(a, font).shape[0] * ch * squeeze
            wb = _glyph_mask(b, font).shape[1] / _glyph_mask(b, font).shape[0] * ch * squeeze
            gap = ch * 0.62
            avail = right - m - (bw + m)
            k = min(1.0, avail / (wa + wb + gap))
            wa, wb, gap = wa * k, wb * k, gap * k
            xs = bw + m + (avail - wa - wb - gap) / 2
            _text(img, a, font, (xs, y0, xs + wa, y0 + ch), colour, squeeze=10, emboss=emb)
            cx, r = int(xs + wa + gap / 2), int(min(gap * 0.33, h * 0.13))
            cv2.circle(img, (cx, int(h * 0.35)), r, (0.2, 0.45, 0.75), -1, lineType=cv2.LINE_AA)
            cv2.circle(img, (cx, int(h * 0.66)), r, tuple(rng.uniform(0.3, 0.9, 3).tolist()), -1,
                       lineType=cv2.LINE_AA)
            _text(img, b, font, (xs + wa + gap, y0, xs + wa + gap + wb, y0 + ch), colour, squeeze=10, emboss=emb)
        lines = 1
    else:
        if len(parts) >= 3:
            top, bot = " ".join(parts[:-1]), parts[-1]
        elif len(parts) == 2:
            top, bot = parts[0], parts[1]
        else:
            k = max(1, len(parts[0]) // 2)
            top, bot = parts[0][:k], parts[0][k:]
        ch = h * 0.36
        _text(img, top, font, (bw + m, h * 0.08, w - m, h * 0.08 + ch), colour, emboss=rng.uniform(0, 0.3))
        _text(img, bot, font, (bw + m, h * 0.54, w - m, h * 0.54 + ch), colour, emboss=rng.uniform(0, 0.3))
        lines = 2
    return img, _label(parts), lines


def _plate_gb(rng, two_line):
    parts = fmt_gb(rng)
    F = fonts()
    font = str(rng.choice(F["narrow"][:4] + F["din"][2:4]))
    rear = rng.random() < 0.5
    bg = np.array([0.98, 0.8, 0.05]) + rng.uniform(-0.08, 0.02, 3) if rear else _white(rng)
    if two_line:
        w, h = int(rng.uniform(270, 300)), int(rng.uniform(195, 215))
    else:
        w, h = int(rng.uniform(410, 430)), int(rng.uniform(84, 92))
    img = _canvas(w, h, np.clip(bg, 0, 1), rng, gradient=rng.uniform(0, 0.03))
    bw = 0
    if rng.random() < 0.4:
        bw = int(h * (0.42 if not two_line else 0.18))
        if rng.random() < 0.5:
            _eu_band(img, rng, 0, bw, "GB", F["small"][0])
        else:
            _rect(img, 0, 0, bw, h, (0.05, 0.35, 0.2) if rng.random() < 0.5 else (0.05, 0.15, 0.5))
            _text(img, "UK", F["small"][0], (bw * 0.15, h * 0.6, bw * 0.85, h * 0.85), (1, 1, 1))
    black = (0.04, 0.04, 0.05)
    m = h * 0.07
    if not two_line:
        ch = h * rng.uniform(0.7, 0.78)
        y0 = (h - ch) / 2
        _text(img, parts[0] + " " + parts[1], font, (bw + m, y0, w - m, y0 + ch), black, squeeze=rng.uniform(0.9, 1.1))
    else:
        ch = h * 0.38
        _text(img, parts[0], font, (bw + m, h * 0.07, w - m, h * 0.07 + ch), black)
        _text(img, parts[1], font, (bw + m, h * 0.55, w - m, h * 0.55 + ch), black)
    if rng.random() < 0.3:
        _text(img, str(rng.choice(["ABC MOTORS", "CITY CARS LTD", "AUTOS", "DEALER"])), F["small"][-1],
              (w * 0.3, h * 0.9, w * 0.7, h * 0.97), (0.2, 0.2, 0.2))
    return img, _label(parts), 2 if two_line else 1


def _plate_us(rng, state):
    name, name_col, bgs, txt_col, pat, slogan = US_STATES[state]
    F = fonts()
    font = str(rng.choice(F["us"]))
    w, h = int(rng.uniform(300, 320)), int(rng.uniform(148, 162))  # 12 x 6 inch
    bg = np.clip(np.array(bgs[rng.integers(len(bgs))]) + rng.uniform(-0.06, 0.03, 3), 0, 1)
    img = _canvas(w, h, bg, rng, gradient=rng.uniform(0, 0.12))
    if state == "pa":
        _rect(img, 0, 0, w, h * 0.2, (0.05, 0.15, 0.45))
        _rect(img, 0, h * 0.86, w, h, (0.95, 0.8, 0.2))
    elif state == "az":
        g = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
        img[:] = (1 - g) * np.array([0.55, 0.75, 0.95], np.float32) + g * np.array([0.92, 0.7, 0.4], np.float32)
    elif state == "co":
        _rect(img, 0, 0, w, h * 0.22, (0.1, 0.35, 0.15))
    elif state == "fl" and rng.random() < 0.7:
        cv2.circle(img, (w // 2, h // 2), int(h * 0.28), (0.95, 0.55, 0.15), -1, lineType=cv2.LINE_AA)
    # scenery stripes or a faint picture behind the text
    if rng.random() < 0.35:
        for _ in range(int(rng.integers(1, 4))):
            y = int(rng.uniform(0.55, 0.9) * h)
            col = tuple(np.clip(bg + rng.uniform(-0.35, 0.1, 3), 0, 1).tolist())
            pts = np.array([[0, h], [0, y]] + [[int(x), int(y + rng.uniform(-12, 12))] for x in np.linspace(0, w, 7)]
                           + [[w, h]], np.int32)
            cv2.fillPoly(img, [pts], col, lineType=cv2.LINE_AA)
    cap = str(rng.choice(F["caption"]))
    name_txt = name.upper() if rng.random() < 0.5 else name
    _text(img, name_txt, cap, (w * 0.12, h * 0.05, w * 0.88, h * 0.05 + h * rng.uniform(0.12, 0.18)), name_col)
    if slogan and rng.random() < 0.8:
        _text(img, slogan, cap, (w * 0.15, h * 0.85, w * 0.85, h * 0.95), name_col if state != "pa" else (0.05, 0.15, 0.45))
    text = _fmt_pattern(rng, pat)
    r = rng.random()
    stacked = ""
    if r < 0.2:  # vanity plate
        n = int(rng.integers(2, 8))
        text = "".join(rng.choice(list(ALNUM if rng.random() < 0.5 else LETTERS), n))
    elif r < 0.27:  # stacked characters before the main text (e.g. a plate-type prefix)
        stacked = _pick(rng, LETTERS, 2)
    m = w * 0.08
    ch = h * rng.uniform(0.42, 0.5)
    y0 = h * 0.28 + rng.uniform(-0.03, 0.03) * h
    x_start = m
    if stacked:
        sw = w * 0.07
        _text(img, stacked[0], font, (m, y0, m + sw, y0 + ch * 0.45), txt_col)
        _text(img, stacked[1], font, (m, y0 + ch * 0.55, m + sw, y0 + ch), txt_col)
        x_start = m + sw * 1.3
    _text(img, text, font, (x_start, y0, w - m, y0 + ch), txt_col, squeeze=rng.uniform(0.85, 1.15),
          emboss=rng.uniform(0, 0.4))
    for k in range(int(rng.integers(0, 3))):  # registration stickers in the corners
        sx = int((0.03 if k == 0 else 0.83) * w)
        _rect(img, sx, h * 0.05, sx + w * 0.14, h * 0.22, tuple(rng.uniform(0.1, 1, 3).tolist()))
    return img, _label([stacked, text]), 1


def _plate_br(rng, two_line):
    F = fonts()
    mercosul = rng.random() < 0.6
    font = str(rng.choice(F["din"][:4] if mercosul else F["din"] + F["narrow"][:2]))
    if two_line:
        w, h = int(rng.uniform(190, 210)), int(rng.uniform(165, 180))
    else:
        w, h = int(rng.uniform(390, 410)), int(rng.uniform(125, 135))
    if mercosul:
        parts = fmt_br_mercosul(rng)
        img = _canvas(w, h, _white(rng), rng, gradient=rng.uniform(0, 0.03))
        bh = h * 0.22
        _rect(img, 0, 0, w, bh, (0.0, 0.2, 0.6))
        _text(img, "BRASIL", F["small"][0], (w * 0.3, bh * 0.2, w * 0.7, bh * 0.8), (1, 1, 1))
        _rect(img, w * 0.88, bh * 0.15, w * 0.96, bh * 0.85, (0.1, 0.6, 0.2))
        _rect(img, w * 0.04, bh * 0.15, w * 0.1, bh * 0.85, (0.1, 0.3, 0.8))
        col = (0.05, 0.05, 0.05) if rng.random() < 0.85 else (0.7, 0.05, 0.05)
        top = bh
    else:
        parts = fmt_br_old(rng)
        grey = np.array([0.72, 0.73, 0.74]) + rng.uniform(-0.1, 0.06)
        img = _canvas(w, h, grey, rng, gradient=rng.uniform(0, 0.04))
        col = (0.05, 0.05, 0.05)
        city = str(rng.choice(["SAO PAULO - SP", "RIO DE JANEIRO - RJ", "CURITIBA - PR", "BELO HORIZONTE - MG",
                               "SALVADOR - BA", "CAMPINAS - SP", "RECIFE - PE"]))
        top = h * 0.22
        _text(img, city, F["small"][0], (w * 0.15, h * 0.05, w * 0.85, top * 0.85), col)
    m = w * 0.05
    if not two_line:
        s = parts[0] if mercosul else parts[0] + ("-" if rng.random() < 0.6 else " ") + parts[1]
        ch = (h - top) * 0.72
        y0 = top + (h - top - ch) / 2
        _text(img, s, font, (m, y0, w - m, y0 + ch), col, emboss=rng.uniform(0, 0.3))
    else:
        s = parts[0] if mercosul else parts[0] + parts[1]
        a, b = s[:3], s[3:]
        ch = (h - top) * 0.4
        _text(img, a, font, (m, top + (h - top) * 0.05, w - m, top + (h - top) * 0.05 + ch), col)
        _text(img, b, font, (m, top + (h - top) * 0.53, w - m, top + (h - top) * 0.53 + ch), col)
    return img, _label(parts), 2 if two_line else 1


def _plate_generic(rng, two_line):
    F = fonts()
    parts = fmt_generic(rng)
    if len(parts) == 1 and two_line:
        two_line = False
    font = str(rng.choice(F["any"]))
    bg = rng.uniform(0, 1, 3)
    if rng.random() < 0.5:
        bg = _white(rng) if rng.random() < 0.6 else np.array([0.98, 0.8, 0.1])
    lum = bg @ np.array([0.3, 0.59, 0.11])
    col = rng.uniform(0, 0.25, 3) if lum > 0.5 else rng.uniform(0.8, 1, 3)
    if two_line:
        w, h = int(rng.uniform(220, 300)), int(rng.uniform(150, 210))
    else:
        w, h = int(rng.uniform(300, 440)), int(rng.uniform(80, 160))
    img = _canvas(w, h, bg, rng, gradient=rng.uniform(0, 0.1))
    m = w * 0.06
    if not two_line:
        s = rng.choice([" ", "-", ""]).join(parts) if len(parts) > 1 else parts[0]
        ch = h * rng.uniform(0.5, 0.75)
        y0 = (h - ch) / 2 + rng.uniform(-0.08, 0.08) * h
        _text(img, s, font, (m, y0, w - m, y0 + ch), tuple(col), squeeze=rng.uniform(0.8, 1.2))
        if rng.random() < 0.4 and y0 > h * 0.2:
            _text(img, str(rng.choice(["REPUBLIC", "MUNICIPALITY", "PROVINCE", "STATE", "CITY", "PRIVATE"])),
                  F["small"][0], (w * 0.3, h * 0.03, w * 0.7, y0 * 0.8), tuple(col))
    else:
        ch = h * 0.36
        _text(img, parts[0], font, (m, h * 0.08, w - m, h * 0.08 + ch), tuple(col))
        _text(img, parts[1], font, (m, h * 0.55, w - m, h * 0.55 + ch), tuple(col))
    return img, _label(parts), 2 if two_line else 1


def _in_hsrp(img, rng, path):
    """Indian HSRP: a chrome hologram top-left and "IND" in blue below it; returns the margin's width."""
    H, W = img.shape[:2]
    mw = min(H * 0.34, W * 0.11)
    c, r = (int(mw * 0.55), int(mw * 0.6)), int(mw * 0.34)
    chrome = tuple(np.clip(np.array([0.62, 0.68, 0.8]) + rng.uniform(-0.1, 0.08, 3), 0, 1).tolist())
    if rng.random() < 0.5:
        cv2.circle(img, c, r, chrome, -1, lineType=cv2.LINE_AA)
    else:
        img[c[1] - r:c[1] + r, c[0] - r:c[0] + r][_rounded(2 * r, 2 * r, 0, r * 0.4)] = chrome
    cv2.circle(img, c, max(1, r // 2), (0.85, 0.88, 0.95), max(1, r // 5), lineType=cv2.LINE_AA)
    blue = (0.1, 0.25, 0.65)
    if rng.random() < 0.7:  # "IND" turned 90 degrees, reading upwards
        m = np.ascontiguousarray(np.rot90(_glyph_mask("IND", path)))
        bw = max(2, int(mw * 0.36))
        bh = max(2, min(int(H * 0.4), int(bw * m.shape[0] / m.shape[1])))
        _blend(img, cv2.resize(m, (bw, bh), interpolation=cv2.INTER_AREA), int(c[0] - bw / 2), int(H * 0.88) - bh, blue)
    else:
        _text(img, "IND", path, (mw * 0.1, H * 0.7, mw, H * 0.7 + mw * 0.3), blue)
    return mw


def _plate_in(rng, two_line):
    parts = [p for p in fmt_in(rng) if p]
    F = fonts()
    font = str(rng.choice(F[str(rng.choice(["narrow", "din", "us"], p=[0.5, 0.3, 0.2]))]))
    bg, col, r = _white(rng), (0.04, 0.04, 0.05), rng.random()
    if r < 0.25:  # commercial
        bg = np.array([0.98, 0.8, 0.05]) + rng.uniform(-0.08, 0.02, 3)
    elif r < 0.3:  # electric
        bg, col = np.array([0.05, 0.45, 0.2]) + rng.uniform(-0.04, 0.04, 3), (1, 1, 1) if r < 0.28 else (1, 0.85, 0.1)
    elif r < 0.33:  # rental
        bg, col = np.array([0.05, 0.05, 0.06]), (1, 0.85, 0.1)
    if two_line:
        w, h = int(rng.uniform(260, 300)), int(rng.uniform(185, 210))
    else:
        w = int(rng.uniform(470, 520))
        h = int(w / rng.uniform(4.3, 5.0))
    img = _canvas(w, h, np.clip(bg, 0, 1), rng, gradient=rng.uniform(0, 0.04))
    left = _in_hsrp(img, rng, F["small"][0]) if rng.random() < 0.5 else 0
    sep = str(rng.choice([" ", "", "-", "."], p=[0.55, 0.25, 0.12, 0.08]))
    m = w * 0.035
    emb = rng.uniform(0, 0.3)
    if not two_line:
        s = parts[0] + str(rng.choice([sep, ""])) + parts[1] + sep + sep.join(parts[2:])
        ch = h * rng.uniform(0.62, 0.74)
        y0 = (h - ch) / 2 + rng.uniform(-1, 1) * h * 0.03
        _text(img, s, font, (left + m, y0, w - m, y0 + ch), col, squeeze=rng.uniform(0.85, 1.1), emboss=emb)
        lines = [s]
    else:
        k = 3 if len(parts) == 4 and parts[1] != "BH" and rng.random() < 0.2 else 2
        j = " " if sep == "." else sep
        lines = [j.join(parts[:k]), j.join(parts[k:])]
        ch = h * 0.36
        for y, s in zip((0.08, 0.55), lines):
            _text(img, s, font, (left + m, h * y, w - m, h * y + ch), col, emboss=emb)
    return img, _label(lines), len(lines)


def _plate_id(rng):
    parts = fmt_id(rng)
    F = fonts()
    font = str(rng.choice(F["din"] if rng.random() < 0.6 else F["narrow"]))
    if rng.random() < 0.65:  # old style: white / silver on black
        bg, col = np.array([0.06, 0.06, 0.07]) + rng.uniform(0, 0.06), tuple([float(rng.uniform(0.78, 0.97))] * 3)
    else:
        bg, col = _white(rng), (0.04, 0.04, 0.05)
    w, h = int(rng.uniform(400, 440)), int(rng.uniform(110, 128))
    img = _canvas(w, h, np.clip(bg, 0, 1), rng, gradient=rng.uniform(0, 0.04))
    if rng.random() < 0.85:  # raised rim with round corners
        _border(img, max(2, int(h * 0.03)), col, radius=h * 0.15, inset=int(h * rng.uniform(0.03, 0.07)))
    s = " ".join(p for p in parts if p)
    ch = h * rng.uniform(0.48, 0.56)
    y0 = h * rng.uniform(0.1, 0.14)
    _text(img, s, font, (w * 0.06, y0, w * 0.94, y0 + ch), col, squeeze=rng.uniform(0.9, 1.15),
          emboss=rng.uniform(0, 0.3))
    if rng.random() < 0.3:
        _rect(img, w * 0.08, h * 0.7, w * 0.92, h * 0.7 + max(1, h * 0.015), col)
    exp = "%02d%s%02d" % (rng.integers(1, 13), rng.choice([".", " "]), rng.integers(22, 31))  # expiry: not read
    _text(img, exp, str(rng.choice([font, F["small"][0]])), (w * 0.38, h * 0.74, w * 0.62, h * 0.88), col)
    return img, _label(parts), 1


# --------------------------------------------------------------------------------------------------- surface fx

def _surface(img, rng, night=False):
    H, W = img.shape[:2]
    if rng.random() < 0.85:  # embossed / painted edge
        bc = rng.uniform(0, 0.25, 3) if rng.random() < 0.7 else rng.uniform(0.5, 0.9, 3)
        _border(img, max(1, int(H * rng.uniform(0.015, 0.04))), tuple(bc.tolist()))
    if rng.random() < 0.45:
        _screws(img, rng, ys=(0.5,) if rng.random() < 0.3 else (rng.uniform(0.06, 0.12), rng.uniform(0.88, 0.94)))
    if rng.random() < 0.35:  # dirt: soft dark blotches
        n = int(rng.integers(2, 10))
        dirt = np.zeros((H // 4 + 1, W // 4 + 1), np.float32)
        for _ in range(n):
            cv2.circle(dirt, (int(rng.uniform(0, W / 4)), int(rng.uniform(0, H / 4))), int(rng.uniform(2, H / 8)),
                       float(rng.uniform(0.1, 0.45)), -1)
        dirt = cv2.GaussianBlur(dirt, (0, 0), 2)
        dirt = cv2.resize(dirt, (W, H))[..., None]
        img *= 1 - dirt * np.array([0.8, 0.85, 0.95], np.float32)
    if rng.random() < 0.3:  # cast shadow across part of the plate
        x = np.linspace(0, 1, W, dtype=np.float32)[None, :]
        y = np.linspace(0, 1, H, dtype=np.float32)[:, None]
        a, b, c = rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-0.5, 0.5)
        side = (a * (x - 0.5) + b * (y - 0.5) + c) > 0
        soft = cv2.GaussianBlur(side.astype(np.float32), (0, 0), max(1, H * 0.05))
        img *= (1 - soft * rng.uniform(0.3, 0.65))[..., None]
    if rng.random() < 0.2:  # specular glare
        g = np.zeros((H, W), np.float32)
        cv2.ellipse(g, (int(rng.uniform(0, W)), int(rng.uniform(0, H))),
                    (int(rng.uniform(0.1, 0.4) * W), int(rng.uniform(0.1, 0.5) * H)), rng.uniform(0, 180), 0, 360,
                    1.0, -1)
        g = cv2.GaussianBlur(g, (0, 0), max(1, H * 0.12)) * rng.uniform(0.3, 0.9)
        img += g[..., None] * (1 - img) 
    if night:
        # headlight-lit plate in a dark scene: dim, tinted, uneven
        img *= rng.uniform(0.25, 0.7)
        img *= np.clip(np.array([1.0, 0.9, 0.75]) + rng.uniform(-0.15, 0.15, 3), 0.4, 1.2).astype(np.float32)
    return img


# ---------------------------------------------------------------------------------------------------- public API

def render_plate(rng, region=None, effects=True, night=None, two_line=None):
    """One synthetic plate. Returns dict(image, text, region, lines) (see module docstring).

    region: a code from REGIONS (or "us" for a random US state, "eu" for a random EU country); None samples one
    (Romania weighted up). effects: surface effects (edge, screws, dirt, shadow, glare, night).
    """
    if region is None:
        region = str(rng.choice(REGIONS, p=region_weights()))
    elif region == "us":
        region = "us-" + str(rng.choice(list(US_STATES)))
    elif region == "eu":
        region = str(rng.choice(EU_REGIONS))
    region = region.lower()
    if two_line is None:
        two_line = rng.random() < (0.4 if region == "in" else
                                   0.12 if region in ("gb", "br", "generic", "de", "ro", "fr", "it", "pl") else 0.05)
    if region in EU_FORMATS:
        img, text, lines = _plate_eu(rng, region, two_line)
    elif region == "gb":
        img, text, lines = _plate_gb(rng, two_line)
    elif region.startswith("us-"):
        img, text, lines = _plate_us(rng, region[3:])
    elif region == "br":
        img, text, lines = _plate_br(rng, two_line)
    elif region == "generic":
        img, text, lines = _plate_generic(rng, two_line)
    elif region == "in":
        img, text, lines = _plate_in(rng, two_line)
    elif region == "id":
        img, text, lines = _plate_id(rng)  # one line only (two_line is ignored)
    else:
        raise ValueError("unknown region %r (one of %s)" % (region, ", ".join(REGIONS)))
    if effects:
        if night is None:
            night = rng.random() < 0.15
        img = _surface(img, rng, night=night)
    img = np.clip(img * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return {"image": img, "text": text, "region": region, "lines": lines}


if __name__ == "__main__":
    import sys
    import time
    rng = np.random.default_rng(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    out = sys.argv[2] if len(sys.argv) > 2 else "/tmp/plates.png"
    t = time.time()
    ps = [render_plate(rng) for _ in range(200)]
    print("%.2f ms / plate" % ((time.time() - t) * 1000 / 200))
    tiles = []
    for p in ps[:48]:
        im = cv2.resize(p["image"], (200, 100 if p["lines"] == 2 else 50))
        tile = np.full((110, 210, 3), 128, np.uint8)
        tile[:im.shape[0], :200] = im
        cv2.putText(tile, "%s %s" % (p["region"], p["text"]), (2, 106), 0, 0.35, (0, 0, 0), 1)
        tiles.append(tile)
    rows = [np.hstack(tiles[i:i + 6]) for i in range(0, 48, 6)]
    cv2.imwrite(out, cv2.cvtColor(np.vstack(rows), cv2.COLOR_RGB2BGR))
    print(out)
