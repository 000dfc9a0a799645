"""Speed experiment (issue #7, lever "int8"): the detector with every Conv in int8, to learn whether
onnxruntime-web's WASM int8 kernels are faster than its float ones on this graph.

    /usr/bin/python3 training/detector/int8_speed.py models/detector.onnx /tmp/det_int8.onnx
    node bench/profile-detector.mjs --model /tmp/det_int8.onnx --threads 1 --runs 8

QDQ format (QuantizeLinear/DequantizeLinear pairs, which ORT fuses into QLinearConv / QLinearAdd): uint8
activations, int8 per-channel symmetric weights, int32 biases. The activation ranges are fixed guesses
([0, 6] after a ReLU, [-4, 6] elsewhere; a JSON {tensor: [lo, hi]} may give real ones), so the graph's outputs are
not meaningful: this answers the speed question only. The answer (docs/engine.md, "int8"): no; ORT's WASM int8
depthwise kernel is ~4.5x slower than its float one and the pointwise convs gain ~20 %, so the int8 graph is
slower as a whole, and a float-depthwise hybrid would gain < 10 % for an accuracy risk. Not shipped.

    int8_speed.py SRC DST [RANGES.json] [CONV,NAMES,TO,SKIP]
"""
import json
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

src, dst = sys.argv[1], sys.argv[2]
ranges = json.load(open(sys.argv[3])) if len(sys.argv) > 3 and sys.argv[3] else {}
skip = set(sys.argv[4].split(',')) if len(sys.argv) > 4 else set()
m = onnx.load(src)
g = m.graph
inits = {i.name: i for i in g.initializer}
producers = {o: n for n in g.node for o in n.output}
consumers = {}
for n in g.node:
    for i in n.input:
        consumers.setdefault(i, []).append(n)

def is_relu_out(t):
    p = producers.get(t)
    return p is not None and p.op_type == 'Relu'

targets = {}
for n in g.node:
    if n.op_type != 'Conv' or n.name in skip:
        continue
    targets[n.input[0]] = is_relu_out(n.input[0])
    out = n.output[0]
    cs = consumers.get(out, [])
    if len(cs) == 1 and cs[0].op_type == 'Relu':
        out = cs[0].output[0]
    if out not in ('scores', 'boxes') and not n.name.startswith('/head/head.1'):
        targets[out] = is_relu_out(out)
for n in g.node:
    if n.op_type == 'Add':
        targets[n.output[0]] = False

new_inits = []
qdq = {}
for t, relu in targets.items():
    lo, hi = ranges.get(t, (0.0 if relu else -4.0, 6.0))
    lo = min(0.0, lo); hi = max(hi, lo + 1e-3)
    if relu: lo = 0.0
    s = (hi - lo) / 255.0
    zp = int(np.clip(round(-lo / s), 0, 255))
    sn, zn = t + '_qs', t + '_qzp'
    new_inits += [numpy_helper.from_array(np.array(s, np.float32), sn), numpy_helper.from_array(np.array(zp, np.uint8), zn)]
    qdq[t] = (s, [helper.make_node('QuantizeLinear', [t, sn, zn], [t + '_q'], name=t + '_Q'),
                  helper.make_node('DequantizeLinear', [t + '_q', sn, zn], [t + '_dq'], name=t + '_DQ')])

nodes = []
for n in g.node:
    pre = []
    if n.op_type == 'Conv' and n.name not in skip:
        sx = qdq[n.input[0]][0]
        W = numpy_helper.to_array(inits[n.input[1]]).astype(np.float32)
        oc = W.shape[0]
        sw = np.maximum(np.abs(W.reshape(oc, -1)).max(axis=1) / 127.0, 1e-8).astype(np.float32)
        Wq = np.clip(np.round(W / sw.reshape(-1, 1, 1, 1)), -127, 127).astype(np.int8)
        wn = n.input[1] + '_i8'
        new_inits += [numpy_helper.from_array(Wq, wn), numpy_helper.from_array(sw, wn + '_s'), numpy_helper.from_array(np.zeros(oc, np.int8), wn + '_zp')]
        pre.append(helper.make_node('DequantizeLinear', [wn, wn + '_s', wn + '_zp'], [wn + '_dq'], name=wn + '_DQ', axis=0))
        ins = [n.input[0], wn + '_dq']
        if len(n.input) > 2 and n.input[2]:
            B = numpy_helper.to_array(inits[n.input[2]]).astype(np.float32)
            sb = (sx * sw).astype(np.float32)
            bn = n.input[2] + '_i32'
            new_inits += [numpy_helper.from_array(np.round(B / sb).astype(np.int32), bn), numpy_helper.from_array(sb, bn + '_s'), numpy_helper.from_array(np.zeros(oc, np.int32), bn + '_zp')]
            pre.append(helper.make_node('DequantizeLinear', [bn, bn + '_s', bn + '_zp'], [bn + '_dq'], name=bn + '_DQ', axis=0))
            ins.append(bn + '_dq')
        del n.input[:]
        n.input.extend(ins)
    # consumers read the DQ output of quantized tensors
    for k, i in enumerate(list(n.input)):
        if i in qdq:
            n.input[k] = i + '_dq'
    nodes += pre + [n]
    for o in n.output:
        if o in qdq:
            nodes += qdq[o][1]
del g.node[:]
g.node.extend(nodes)
g.initializer.extend(new_inits)
used = {i for n in g.node for i in n.input}
keep = [i for i in g.initializer if i.name in used]
del g.initializer[:]
g.initializer.extend(keep)
onnx.checker.check_model(m)
onnx.save(m, dst)
print('saved', dst)
