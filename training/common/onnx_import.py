"""Shipped ONNX weights back into the PyTorch models, so training can start from what is in models/.

Checkpoints live in training/runs/, which git ignores: a fresh machine has the shipped ONNX files and nothing to
fine-tune from. The export (torch.onnx with constant folding, eval mode) folded every BatchNorm into the conv before
it, and the detector's input normalisation into its stem. This module undoes that:

- each Conv / Gemm node of the graph is matched to its module by the node's scope name (`/s4/s4.0/pw/pw.0/Conv` is
  module `s4.0.pw.0`), and the conv gets the folded weights;
- the BatchNorm after it is set so the network computes exactly what the graph computes: with `calibrate` (a batch
  of inputs the model will train on), its running mean / variance are the conv outputs' own statistics on that batch
  and its scale / shift undo them (`gamma = sqrt(var + eps)`, `beta = mean + folded bias`), so a fine-tune starts with
  batch statistics close to the running ones; without it, an identity BatchNorm (mean 0, var 1 - eps, gamma 1) that
  carries the folded bias, which is exact in eval mode but not a good start for training.

`check_roundtrip` exports the model again (eval mode, folded the same way) and compares its weights with the graph's.
Used by training/ocr/from_onnx.py and training/detector/from_onnx.py.
"""
import argparse
import os
import tempfile

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper


def _scope_parts(node_name):
    """'/features/features.0/features.0.0/Conv' -> ['features', '0', '0'] (each scope adds its last dotted part)."""
    return [s.split(".")[-1] for s in node_name.split("/")[1:-1] if s]


def _module_path(net, node_name):
    """The module of a Conv / Gemm node: its scope parts joined ('features.0.0'), less any wrapper scopes."""
    parts = _scope_parts(node_name)
    names = dict(net.named_modules())
    for start in range(len(parts)):  # an export wrapper adds leading scopes (Exported's `net`, `det`)
        path = ".".join(parts[start:])
        if path in names:
            return path
    raise KeyError("no module for ONNX node %s" % node_name)


def _next_bn(net, path):
    """The BatchNorm2d right after the conv at `path` in its Sequential, or None."""
    parent, _, idx = path.rpartition(".")
    if not idx.isdigit():
        return None
    seq = net.get_submodule(parent) if parent else net
    nxt = int(idx) + 1
    if isinstance(seq, nn.Sequential) and nxt < len(seq) and isinstance(seq[nxt], nn.BatchNorm2d):
        return seq[nxt]
    return None


def folded_layers(onnx_path, net):
    """[(module path, weight array, bias array or None)] for every Conv and Gemm of the graph, in graph order."""
    g = onnx.load(onnx_path).graph
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    consts = {}
    for n in g.node:  # weights the exporter left as Constant nodes
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value":
                    consts[n.output[0]] = numpy_helper.to_array(a.t)
    inits.update(consts)
    out = []
    for n in g.node:
        if n.op_type not in ("Conv", "Gemm"):
            continue
        w = inits[n.input[1]]
        b = inits[n.input[2]] if len(n.input) > 2 else None
        if n.op_type == "Gemm":
            trans_b = next((a.i for a in n.attribute if a.name == "transB"), 0)
            if not trans_b:
                w = w.T
        out.append((_module_path(net, n.name), w, b))
    return out


@torch.no_grad()
def import_onnx(net, onnx_path, calibrate=None, forward=None, input_norm=None):
    """Loads `onnx_path`'s folded weights into `net` (a freshly built model of the same architecture).

    calibrate: a batch for `forward(net, batch)` (default `net(batch)`), used for the BatchNorm statistics.
    input_norm: (module path, mean, std) of a conv whose input the graph did not normalise (the detector's stem:
    the graph's stem works on 0..255, the model's on (x - mean) / std)."""
    net.eval()
    layers = folded_layers(onnx_path, net)
    bns = {}
    for path, w, b in layers:
        conv = net.get_submodule(path)
        w = torch.from_numpy(np.ascontiguousarray(w)).float()
        shift = torch.zeros(w.shape[0]) if b is None else torch.from_numpy(np.ascontiguousarray(b)).float()
        if input_norm and path == input_norm[0]:
            _, mean, std = input_norm
            shift = shift + (w * mean).flatten(1).sum(1)  # W x = W (std x' + mean) = (W std) x' + W mean
            w = w * std
        assert conv.weight.shape == w.shape, (path, tuple(conv.weight.shape), tuple(w.shape))
        conv.weight.copy_(w)
        bn = _next_bn(net, path) if isinstance(conv, nn.Conv2d) else None
        if bn is None:
            if conv.bias is None:  # a conv with neither bias nor BatchNorm (a factorised layer's first half)
                assert b is None, "%s: the graph has a bias and the module none" % path
                continue
            conv.bias.copy_(shift)
            continue
        if conv.bias is not None:
            conv.bias.zero_()
        bn.running_mean.zero_()
        bn.running_var.fill_(1.0 - bn.eps)
        bn.weight.fill_(1.0)
        bn.bias.copy_(shift)
        bns[path] = (conv, bn, shift)
    if calibrate is not None and bns:
        stats, hooks = {}, []
        for path, (conv, _, _) in bns.items():
            def hook(_m, _i, y, path=path):
                y = y.double()
                stats[path] = (y.mean(dim=(0, 2, 3)), y.var(dim=(0, 2, 3), unbiased=False))
            hooks.append(conv.register_forward_hook(hook))
        (forward or (lambda m, x: m(x)))(net, calibrate)
        for h in hooks:
            h.remove()
        for path, (conv, bn, shift) in bns.items():
            mu, var = stats[path]
            var = var.clamp(min=1e-6)
            bn.running_mean.copy_(mu.float())
            bn.running_var.copy_(var.float())
            bn.weight.copy_(torch.sqrt(var + bn.eps).float())
            bn.bias.copy_((mu + shift.double()).float())


def layer_shapes(onnx_path):
    """{module path: weight shape} of the graph's Conv and Gemm nodes, for building the matching model (scopes read
    as in `_module_path`, with no wrapper scope)."""
    g = onnx.load(onnx_path).graph
    inits = {i.name: tuple(i.dims) for i in g.initializer}
    out = {}
    for n in g.node:
        if n.op_type in ("Conv", "Gemm") and n.input[1] in inits:
            out[".".join(_scope_parts(n.name))] = inits[n.input[1]]
    return out


def check_roundtrip(net, onnx_path, export):
    """Exports `net` again with `export(net, path)` (the way the shipped graph was made) and compares every Conv /
    Gemm weight and bias with `onnx_path`'s. Returns {'layers': n, 'max_abs_diff': d}."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "again.onnx")
        export(net, path)
        a = folded_layers(onnx_path, net)
        b = folded_layers(path, net)
    assert [p for p, _, _ in a] == [p for p, _, _ in b], "the graphs' layers differ"
    d = 0.0
    for (_, wa, ba), (_, wb, bb) in zip(a, b):
        d = max(d, float(np.abs(wa - wb).max()))
        if ba is not None or bb is not None:
            ba = np.zeros(wa.shape[0], np.float32) if ba is None else ba
            bb = np.zeros(wb.shape[0], np.float32) if bb is None else bb
            d = max(d, float(np.abs(ba - bb).max()))
    return {"layers": len(a), "max_abs_diff": d}


def main(what, default_onnx, default_out, recover, export_for, tol):
    """The from_onnx.py scripts: `recover(onnx_path)` -> (net, checkpoint dict), the round trip through
    `export_for(net, ck)` (`check_roundtrip`) within `tol`, then the checkpoint saved."""
    ap = argparse.ArgumentParser(description="the shipped %s back into a PyTorch checkpoint" % what)
    ap.add_argument("--onnx", default=default_onnx)
    ap.add_argument("--out", default=default_out)
    a = ap.parse_args()
    torch.set_num_threads(1)
    net, ck = recover(a.onnx)
    rep = check_roundtrip(net, a.onnx, export_for(net, ck))
    print("round trip: %d layers, max |weight difference| %.2e" % (rep["layers"], rep["max_abs_diff"]))
    if rep["max_abs_diff"] > tol:
        raise SystemExit("the recovered %s does not export to the same weights" % what)
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    torch.save(ck, a.out)
    print("wrote %s (from %s, version %s)" % (a.out, a.onnx, ck["from_onnx"]["version"]))
