"""Light anchor-free plate detector (CenterNet/FCOS-like), stride 8.

Input: uint8 NHWC RGB (as the engine feeds it). Output per the contract in models/README.md:
`scores` [1,1,H/8,W/8] sigmoid with 3x3 max-pool peak suppression, `boxes` [1,4,H/8,W/8] ltrb pixel
distances from the cell centre.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

STRIDE = 8
BOX_SCALE = 16.0  # boxes = exp(raw) * BOX_SCALE pixels
MEAN = 0.45 * 255
STD = 0.25 * 255


def conv_bn(cin, cout, k=3, s=1, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, s, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


def low_rank(cin, cout, rank):
    """A 1x1 conv_bn whose matrix is factorised through `rank` channels (lowrank.py): two 1x1 convs, the BatchNorm
    folded into the second, then ReLU. Cheaper than the cin x cout conv when rank < cin*cout / (cin + cout)."""
    return nn.Sequential(nn.Conv2d(cin, rank, 1, bias=False), nn.Conv2d(rank, cout, 1, bias=True), nn.ReLU(inplace=True))


class DWBlock(nn.Module):
    """Depthwise 3x3 (stride s) + pointwise; residual when shapes match."""

    def __init__(self, cin, cout, s=1, dilation=1):
        super().__init__()
        self.dw = nn.Sequential(nn.Conv2d(cin, cin, 3, s, dilation, dilation=dilation, groups=cin, bias=False),
                                nn.BatchNorm2d(cin))
        self.pw = conv_bn(cin, cout, 1)
        self.res = s == 1 and cin == cout

    def forward(self, x):
        y = self.pw(self.dw(x))
        return x + y if self.res else y


class Detector(nn.Module):
    def __init__(self, width=(24, 32, 48, 128, 176), neck=48, ranks=None):
        super().__init__()
        c1, c2, c3, c4, c5 = width
        self.arch = dict(width=tuple(width), neck=neck)
        # A 4x4/4 patch stem: convs over the full-resolution image are what cost time in WASM. It has no
        # padding, so the input normalisation folds into it exactly at export.
        self.stem = nn.Sequential(nn.Conv2d(3, c1, 4, 4, 0, bias=True), nn.BatchNorm2d(c1), nn.ReLU(inplace=True))  # /4
        self.s4 = nn.Sequential(DWBlock(c1, c2))                                               # /4
        self.s8 = nn.Sequential(DWBlock(c2, c3, 2), DWBlock(c3, c3))                           # /8
        self.s16 = nn.Sequential(DWBlock(c3, c4, 2), DWBlock(c4, c4), DWBlock(c4, c4))          # /16
        self.s32 = nn.Sequential(DWBlock(c4, c5, 2), DWBlock(c5, c5), DWBlock(c5, c5, dilation=2))  # /32
        self.lat32 = conv_bn(c5, neck, 1)
        self.lat16 = conv_bn(c4, neck, 1)
        self.lat8 = conv_bn(c3, neck, 1)
        self.fuse16 = DWBlock(neck, neck)
        self.fuse8 = DWBlock(neck, neck)
        self.head = nn.Sequential(DWBlock(neck, neck), nn.Conv2d(neck, 5, 1))  # 1 centre logit + 4 log-distances
        with torch.no_grad():
            self.head[-1].bias.zero_()
            self.head[-1].bias[0] = -4.6
        self.normalise = True
        for path, rank in (ranks or {}).items():  # e.g. {"s16.1.pw": 48, "lat8": 16}: 1x1 conv_bn layers factorised
            self.set_low_rank(path, rank)

    def set_low_rank(self, path, rank):
        old = self.get_submodule(path)
        if not (isinstance(old, nn.Sequential) and isinstance(old[0], nn.Conv2d) and old[0].kernel_size == (1, 1)
                and isinstance(old[1], nn.BatchNorm2d)):
            raise ValueError(f"{path} is not a 1x1 conv_bn layer")
        parent, _, name = path.rpartition(".")
        new = low_rank(old[0].in_channels, old[0].out_channels, rank)
        setattr(self.get_submodule(parent) if parent else self, name, new)
        self.arch.setdefault("ranks", {})[path] = rank
        return new

    def stride8(self, x):
        """The stride-8 features from the (normalised) input: stem, s4, s8."""
        return self.s8(self.s4(self.stem(x)))

    def neck16(self, f8):
        """The stride-16 neck tensor the deep part (s16, s32 and their laterals) hands to the stride-8 path."""
        f16 = self.s16(f8)
        f32 = self.s32(f16)
        p = self.lat32(f32)
        return self.fuse16(self.lat16(f16) + F.interpolate(p, scale_factor=2.0, mode="nearest"))

    def top(self, f8, p16):
        """The stride-8 neck and the head: (logits [N,1,h,w], raw box [N,4,h,w])."""
        p = self.fuse8(self.lat8(f8) + F.interpolate(p16, scale_factor=2.0, mode="nearest"))
        out = self.head(p)
        return out[:, :1], out[:, 1:]

    def normalised(self, x):
        return (x - MEAN) * (1.0 / STD) if self.normalise else x

    def forward_raw(self, x):
        """x: float NCHW 0..255. Returns (logits [N,1,h,w], raw box [N,4,h,w])."""
        f8 = self.stride8(self.normalised(x))
        return self.top(f8, self.neck16(f8))

    @torch.no_grad()
    def fold_input_norm(self):
        """Fold (x - MEAN) / STD into the stem conv (exact: the stem has no padding)."""
        if not self.normalise:
            return self
        conv = self.stem[0]
        w = conv.weight / STD
        conv.bias -= (w * MEAN).sum(dim=(1, 2, 3))
        conv.weight.copy_(w)
        self.normalise = False
        return self

    @staticmethod
    def decode_box(raw):
        return torch.exp(raw.clamp(max=6.0)) * BOX_SCALE


class Exported(nn.Module):
    """The graph shipped as models/detector.onnx."""

    def __init__(self, det):
        super().__init__()
        self.det = det

    def forward(self, image):
        x = image.permute(0, 3, 1, 2).float()
        logits, raw = self.det.forward_raw(x)
        s = torch.sigmoid(logits)
        peak = F.max_pool2d(s, 3, 1, 1)
        scores = s * (s >= peak).float()
        return scores, Detector.decode_box(raw)


def load_checkpoint(path):
    """(Detector with the checkpoint's widths and its EMA weights, in eval mode; the checkpoint dict)."""
    state = torch.load(path, map_location="cpu")
    det = Detector(**state.get("arch", {}))
    det.load_state_dict(state.get("ema") or state["model"])
    return det.eval(), state


def n_params(m):
    return sum(p.numel() for p in m.parameters())
