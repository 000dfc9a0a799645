"""The plate reader: a small conv net with fixed character slots (one softmax per slot) and a region head.

Input uint8 NHWC [N, H, W, 3] RGB; scaling to 0..1 happens inside the graph. Outputs
chars [N, slots, len(alphabet) + 1] (last class = empty slot) and region [N, len(regions)], both softmaxed
(the export wraps them; training uses the logits).
"""
import torch
import torch.nn as nn

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
HEIGHT, WIDTH, SLOTS = 64, 160, 10


def cbr(cin, cout, stride=1, k=3):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, k // 2, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class PlateOCR(nn.Module):
    def __init__(self, n_regions, slots=SLOTS, n_chars=len(ALPHABET) + 1, width=1.0):
        super().__init__()
        c = [int(round(v * width)) for v in (24, 40, 64, 96, 128)]
        self.slots, self.n_chars = slots, n_chars
        self.features = nn.Sequential(
            cbr(3, c[0], 2),            # 32 x 80
            cbr(c[0], c[1], 2),         # 16 x 40
            cbr(c[1], c[1]),
            cbr(c[1], c[2], 2),         # 8 x 20
            cbr(c[2], c[2]),
            cbr(c[2], c[3], (2, 1)),    # 4 x 20
            cbr(c[3], c[3]),
            cbr(c[3], c[4], (1, 2)),    # 4 x 10
        )
        self.squeeze = cbr(c[4], 32, k=1)
        self.drop = nn.Dropout(0.2)
        self.chars = nn.Linear(32 * 4 * 10, slots * n_chars)
        self.region = nn.Linear(c[4], n_regions)

    def forward_logits(self, x):
        """x: float [N, 3, H, W] in 0..1."""
        f = self.features(x)
        s = self.squeeze(f).flatten(1)
        chars = self.chars(self.drop(s)).view(-1, self.slots, self.n_chars)
        region = self.region(f.mean(dim=(2, 3)))
        return chars, region


class Exported(nn.Module):
    """uint8 NHWC in, softmaxed (chars, region) out: what ocr.onnx computes."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, image):
        x = image.permute(0, 3, 1, 2).float() * (1.0 / 255.0)
        chars, region = self.net.forward_logits(x)
        return torch.softmax(chars, dim=-1), torch.softmax(region, dim=-1)


def count_params(m):
    return sum(p.numel() for p in m.parameters())
