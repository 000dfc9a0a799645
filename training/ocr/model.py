"""The plate reader: a small conv net read out into fixed character slots, plus a region head.

Input uint8 NHWC [N, H, W, 3] RGB; scaling to 0..1 happens inside the graph. Outputs (models/README.md):
chars [N, slots, len(alphabet) + 1] (last class = empty slot, characters left-aligned) and region
[N, len(regions)], both softmax probabilities.

Two heads exist:
- "ctc" (the shipped one): the 4x20 feature map is pooled to 2 rows x 20 columns and read as one sequence of 40 steps
  (top row left to right, then bottom row: so two-line plates come out top line first). Each step has a softmax over
  alphabet + blank, trained with CTC. The exported graph turns the greedy CTC path into the contract's slots inside
  ONNX: a step starts a new character when its arg-max is not blank and differs from the previous step's; the n-th
  such step's distribution becomes slot n; unused slots are one-hot "empty". CTC learns alignment by itself, which
  made it learn far faster on our CPU budget than flatten-and-classify slots.
- "slots" (fast-plate-ocr style: flatten + one dense softmax per slot); kept for reference.
"""
import torch
import torch.nn as nn

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
HEIGHT, WIDTH, SLOTS = 64, 160, 10
SQUEEZE = 20  # slot head only: channels kept before the flatten
BLANK = len(ALPHABET)  # CTC blank == the contract's "empty slot" class


def cbr(cin, cout, stride=1, k=3):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, k // 2, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class PlateOCR(nn.Module):
    def __init__(self, n_regions, slots=SLOTS, n_chars=len(ALPHABET) + 1, width=1.0, head="ctc", chans=None):
        """chans: the 8 convolutions' output channels (a pruned net, training/ocr/prune.py); otherwise they follow
        from width."""
        super().__init__()
        if chans is None:
            c = [int(round(v * width)) for v in (24, 40, 64, 96, 128)]
            chans = (c[0], c[1], c[1], c[2], c[2], c[3], c[3], c[4])
        k = self.chans = tuple(int(v) for v in chans)
        assert len(k) == 8, chans
        self.slots, self.n_chars, self.head = slots, n_chars, head
        self.features = nn.Sequential(
            cbr(3, k[0], 2),            # 32 x 80
            cbr(k[0], k[1], 2),         # 16 x 40
            cbr(k[1], k[2]),
            cbr(k[2], k[3], 2),         # 8 x 20
            cbr(k[3], k[4]),
            cbr(k[4], k[5], (2, 1)),    # 4 x 20
            cbr(k[5], k[6]),
            cbr(k[6], k[7], (1, 2) if head == "slots" else 1),  # 4 x 10 (slots) / 4 x 20 (ctc)
        )
        if head == "slots":
            self.squeeze = cbr(k[7], SQUEEZE, k=1)
            self.drop = nn.Dropout(0.2)
            self.chars = nn.Linear(SQUEEZE * 4 * 10, slots * n_chars)
        else:
            self.drop = nn.Dropout(0.1)
            self.chars = nn.Conv2d(k[7], n_chars, 1)
        self.region = nn.Linear(k[7], n_regions)

    def forward_logits(self, x):
        """x: float [N, 3, H, W] in 0..1. Returns (char logits, region logits).
        slots: [N, slots, n_chars]; ctc: [N, T=40, n_chars] (top row then bottom row)."""
        f = self.features(x)
        region = self.region(f.mean(dim=(2, 3)))
        if self.head == "slots":
            s = self.squeeze(f).flatten(1)
            return self.chars(self.drop(s)).view(-1, self.slots, self.n_chars), region
        pooled = (f[:, :, 0::2] + f[:, :, 1::2]) * 0.5    # 4 x 20 -> 2 x 20 (AvgPool2d would export a Pad)
        g = self.chars(self.drop(pooled))                 # [N, C, 2, 20]
        return g.flatten(2).transpose(1, 2), region       # [N, 40, C]

    def slot_probs(self, x):
        """Softmax probabilities in the contract's slot layout: [N, slots, n_chars]."""
        logits, region = self.forward_logits(x)
        p = torch.softmax(logits, dim=-1)
        if self.head == "slots":
            return p, torch.softmax(region, dim=-1)
        return ctc_to_slots(p, self.slots), torch.softmax(region, dim=-1)


def ctc_to_slots(p, slots):
    """p: [N, T, C] step probabilities (blank = C-1). Greedy CTC path -> left-aligned slots [N, slots, C].
    Written with plain ops (ArgMax, CumSum, Equal, MatMul) and literal constants so the ONNX graph stays simple."""
    n_cls = p.shape[2]
    a = torch.argmax(p, dim=2)                                            # [N, T]
    prev = torch.cat([a[:, :1] * 0 + (n_cls - 1), a[:, :-1]], dim=1)
    keep = ((a != n_cls - 1) & (a != prev)).float()                       # a new character starts here
    pos = torch.cumsum(keep, dim=1) - 1.0                                 # its slot index
    idx = torch.tensor([[[float(i) for i in range(slots)]]], dtype=p.dtype)
    onehot = (pos.unsqueeze(2) == idx).float() * keep.unsqueeze(2)        # [N, T, slots]
    chars = torch.matmul(onehot.transpose(1, 2), p)                       # [N, slots, C]
    filled = onehot.sum(dim=1)                                            # [N, slots] 0 or 1
    empty = torch.tensor([[[0.0] * (n_cls - 1) + [1.0]]], dtype=p.dtype)
    return chars + (1.0 - filled).unsqueeze(2) * empty


class Exported(nn.Module):
    """uint8 NHWC in, softmaxed (chars, region) out: what ocr.onnx computes."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, image):
        x = image.permute(0, 3, 1, 2).float() * (1.0 / 255.0)
        return self.net.slot_probs(x)


def count_params(m):
    return sum(p.numel() for p in m.parameters())
