"""The one place that decides which real frames are held out for validation.

ro-dashcam frames are consecutive video frames (near-duplicates), so we hold out by video:
all of `dayride_type1_003`, plus the last third (by frame time, t >= 358) of `nightride_type3_001`
so that night scenes are validated too. web-plates is split by `source` (several augmented exports
share one source photo): a stable hash of the source puts ~10 % in validation.
"""
import hashlib
import json
import os
import re

SHARED = os.environ.get("ALPR_SHARED", os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared"))
DATA = os.path.join(SHARED, "data")
FONTS = os.path.join(SHARED, "fonts")

HELD_OUT_VIDEOS = {"dayride_type1_003"}
NIGHT_VIDEO = "nightride_type3_001"
NIGHT_CUT_T = 358


def frame_time(file_name):
    m = re.search(r"_t_(\d+)", file_name)
    return int(m.group(1)) if m else 0


def ro_is_val(row):
    """row: a line of ro-dashcam annotations.jsonl or plates.jsonl (needs 'file'; 'video' optional)."""
    video = row.get("video") or os.path.basename(row["file"]).split(".mp4")[0]
    if video in HELD_OUT_VIDEOS:
        return True
    return video == NIGHT_VIDEO and frame_time(row["file"]) >= NIGHT_CUT_T


def web_is_val(row):
    h = int(hashlib.sha1(row["source"].encode()).hexdigest()[:8], 16)
    return h % 10 == 0


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def ro_rows(split):
    rows = read_jsonl(os.path.join(DATA, "ro-dashcam", "annotations.jsonl"))
    return [r for r in rows if ro_is_val(r) == (split == "val")]


def ro_plate_rows(split):
    rows = read_jsonl(os.path.join(DATA, "ro-dashcam", "plates.jsonl"))
    return [r for r in rows if ro_is_val(r) == (split == "val")]


def web_rows(split):
    rows = read_jsonl(os.path.join(DATA, "web-plates", "annotations.jsonl"))
    return [r for r in rows if web_is_val(r) == (split == "val")]
