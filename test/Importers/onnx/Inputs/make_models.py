#!/usr/bin/env python3
"""Writes the small ONNX models the importer's lit tests use, into the directory given.

mlp.onnx          Gemm -> Relu -> Gemm -> Softmax with initializers, a symbolic batch 'batch'
                  and an unnamed node; mlp_ref.py computes its float64 reference
unsupported.onnx  two unsupported nodes (LpNormalization, MeanVarianceNormalization) and a
                  supported one between them
opset18.onnx      an Abs at opset 18
shape_input.onnx  Reshape whose shape is a graph input (needs --input-value)
conv_bn.onnx      Conv then BatchNormalization; conv_bn_x.npy and conv_bn_ref.npy (float64)
einsum.onnx       attention scores as an Einsum (bhqd,bhkd->bhqk)
fmod.onnx         two float Mod (fmod = 1) nodes
resize.onnx       a bilinear 2x upsampling (Resize with constant scales)
topk.onnx         TopK (k = 3, the largest) of a 2x6 input with ties; topk_x.npy, topk_values.npy
                  and topk_indices.npy
quantize.onnx     u8 image -> DequantizeLinear -> Relu -> QuantizeLinear -> u8; quantize_x.npy
u8_ops.onnx       Shrink and a constant Pad of a u8 vector; u8_ops_x.npy
embedding.onnx    Gather of rows of a 30522x8 table by run-time ids; embedding_ids.npy (with
                  negative and out-of-range ids) and embedding_ref.npy
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)


def save(model, name):
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, name))


w1 = rng.standard_normal((16, 32)).astype(np.float32)
b1 = rng.standard_normal(32).astype(np.float32)
w2 = rng.standard_normal((10, 32)).astype(np.float32)
b2 = rng.standard_normal(10).astype(np.float32)
np.savez(os.path.join(out, "mlp_weights.npz"), w1=w1, b1=b1, w2=w2, b2=b2)
mlp = helper.make_graph(
    [helper.make_node("Gemm", ["input.1", "w1", "b1"], ["h"], name="fc1"),
     helper.make_node("Relu", ["h"], ["r"], name="relu1"),
     helper.make_node("Gemm", ["r", "w2", "b2"], ["logits"], name="fc2", transB=1),
     helper.make_node("Softmax", ["logits"], ["probs"], axis=-1)],
    "mlp-classifier",
    [helper.make_tensor_value_info("input.1", TensorProto.FLOAT, ["batch", 16])],
    [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["batch", 10])],
    [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(b1, "b1"),
     numpy_helper.from_array(w2, "w2"), numpy_helper.from_array(b2, "b2")])
save(helper.make_model(mlp, opset_imports=[helper.make_opsetid("", 13)]), "mlp.onnx")

unsupported = helper.make_graph(
    [helper.make_node("LpNormalization", ["x"], ["s"], name="lpnorm"),
     helper.make_node("Relu", ["x"], ["r"], name="fine"),
     helper.make_node("MeanVarianceNormalization", ["r"], ["g"], name="mvn", axes=[1])],
    "unsupported",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
    [helper.make_tensor_value_info("s", TensorProto.FLOAT, [2, 3]),
     helper.make_tensor_value_info("g", TensorProto.FLOAT, [2, 3])])
save(helper.make_model(unsupported, opset_imports=[helper.make_opsetid("", 13)]), "unsupported.onnx")

abs18 = helper.make_graph(
    [helper.make_node("Abs", ["x"], ["y"])], "abs18",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])])
# ONNX 1.12's checker does not know opset 18: written unchecked, as a newer exporter would.
onnx.save(helper.make_model(abs18, opset_imports=[helper.make_opsetid("", 18)]),
          os.path.join(out, "opset18.onnx"))

reshape = helper.make_graph(
    [helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")], "reshape",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 6]),
     helper.make_tensor_value_info("shape", TensorProto.INT64, [2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, None])])
save(helper.make_model(reshape, opset_imports=[helper.make_opsetid("", 14)]), "shape_input.onnx")
with open(os.path.join(out, "shape_3x4.pb"), "wb") as f:
    f.write(numpy_helper.from_array(np.array([3, -1], np.int64)).SerializeToString())

# A 1x1 convolution followed by BatchNormalization (folded into the convolution at import), with
# its float64 reference.
x = rng.standard_normal((1, 3, 4, 4)).astype(np.float32)
w = rng.standard_normal((2, 3, 1, 1)).astype(np.float32)
b = rng.standard_normal(2).astype(np.float32)
scale, shift = np.array([1.5, 0.5], np.float32), np.array([0.1, -0.2], np.float32)
mean, var = np.array([0.3, -0.4], np.float32), np.array([0.8, 1.2], np.float32)
conv_bn = helper.make_graph(
    [helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv"),
     helper.make_node("BatchNormalization", ["c", "scale", "shift", "mean", "var"], ["y"],
                      name="bn", epsilon=1e-3)],
    "conv_bn",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 4, 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 4, 4])],
    [numpy_helper.from_array(a, n) for a, n in
     [(w, "w"), (b, "b"), (scale, "scale"), (shift, "shift"), (mean, "mean"), (var, "var")]])
save(helper.make_model(conv_bn, opset_imports=[helper.make_opsetid("", 15)]), "conv_bn.onnx")
conv = np.einsum("nchw,mc->nmhw", x.astype(np.float64), w[:, :, 0, 0]) + b[None, :, None, None]
ref = ((conv - mean[None, :, None, None]) / np.sqrt(var[None, :, None, None] + 1e-3)
       * scale[None, :, None, None] + shift[None, :, None, None])
np.save(os.path.join(out, "conv_bn_x.npy"), x)
np.save(os.path.join(out, "conv_bn_ref.npy"), ref)

# Semantics that Kiln's own ops do not give directly (semantics.test).
cast_bool = helper.make_graph(
    [helper.make_node("Cast", ["x"], ["y"], name="to_bool", to=TensorProto.BOOL)], "cast_bool",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
    [helper.make_tensor_value_info("y", TensorProto.BOOL, [4])])
save(helper.make_model(cast_bool, opset_imports=[helper.make_opsetid("", 13)]), "cast_bool.onnx")
np.save(os.path.join(out, "cast_bool_x.npy"), np.array([np.nan, 0.0, -0.0, 2.5], np.float32))
hardmax = helper.make_graph(
    [helper.make_node("Hardmax", ["x"], ["y"], name="hardmax", axis=1)], "hardmax11",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3, 4])])
save(helper.make_model(hardmax, opset_imports=[helper.make_opsetid("", 11)]), "hardmax11.onnx")

# An embedding lookup of BERT-base's vocabulary size by ids known only at run time: one
# kiln.gather. Negative ids count from the end, as ONNX defines; an out-of-range id (an error in
# ONNX) gives a row of zeros (docs/onnx.md).
table = rng.standard_normal((30522, 8)).astype(np.float32)
embedding = helper.make_graph(
    [helper.make_node("Gather", ["table", "ids"], ["rows"], name="lookup", axis=0)], "embedding",
    [helper.make_tensor_value_info("ids", TensorProto.INT64, [2, 3])],
    [helper.make_tensor_value_info("rows", TensorProto.FLOAT, [2, 3, 8])],
    [numpy_helper.from_array(table, "table")])
save(helper.make_model(embedding, opset_imports=[helper.make_opsetid("", 13)]), "embedding.onnx")
ids = np.array([[0, 30521, 101], [-1, -30522, 30522]], np.int64)
rows = table[np.clip(np.where(ids < 0, ids + 30522, ids), 0, 30521)].astype(np.float64)
rows[1, 2] = 0.0
np.save(os.path.join(out, "embedding_ids.npy"), ids)
np.save(os.path.join(out, "embedding_ref.npy"), rows)

# The three largest of each row, ties by ascending index (the order ONNX's reference gives): one
# kiln.top_k.
topk = helper.make_graph(
    [helper.make_node("TopK", ["x", "k"], ["values", "indices"], name="best")], "topk",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 6])],
    [helper.make_tensor_value_info("values", TensorProto.FLOAT, [2, 3]),
     helper.make_tensor_value_info("indices", TensorProto.INT64, [2, 3])],
    [numpy_helper.from_array(np.array([3], np.int64), "k")])
save(helper.make_model(topk, opset_imports=[helper.make_opsetid("", 13)]), "topk.onnx")
topk_x = np.array([[1, 5, 2, 5, 0, 5], [-1, -3, -2, -1, -3, -2]], np.float32)
np.save(os.path.join(out, "topk_x.npy"), topk_x)
np.save(os.path.join(out, "topk_values.npy"), np.array([[5, 5, 5], [-1, -1, -2]], np.float32))
np.save(os.path.join(out, "topk_indices.npy"), np.array([[1, 3, 5], [0, 3, 2]], np.int64))

# A bilinear 2x upsampling of an NCHW image (Resize, scales known): each of H and W becomes two
# gathers with build-time positions, times build-time weights; N and C stay as they are.
resize = helper.make_graph(
    [helper.make_node("Resize", ["x", "", "scales"], ["y"], name="upsample", mode="linear")],
    "resize",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 3, 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 6, 8])],
    [numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales")])
save(helper.make_model(resize, opset_imports=[helper.make_opsetid("", 13)]), "resize.onnx")

# Mod of floats (fmod = 1) twice: one kernel around arith.remf, applied by two kiln.map.
fmod = helper.make_graph(
    [helper.make_node("Mod", ["x", "y"], ["r"], name="mod1", fmod=1),
     helper.make_node("Mod", ["r", "y"], ["s"], name="mod2", fmod=1)], "fmod",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3]),
     helper.make_tensor_value_info("y", TensorProto.FLOAT, [3])],
    [helper.make_tensor_value_info("s", TensorProto.FLOAT, [3])])
save(helper.make_model(fmod, opset_imports=[helper.make_opsetid("", 13)]), "fmod.onnx")

# Attention scores as an Einsum, bhqd,bhkd->bhqk: one batched matmul over (b, h) of q times k
# transposed.
einsum = helper.make_graph(
    [helper.make_node("Einsum", ["q", "k"], ["s"], name="scores", equation="bhqd, bhkd -> bhqk")],
    "einsum",
    [helper.make_tensor_value_info("q", TensorProto.FLOAT, [2, 4, 8, 16]),
     helper.make_tensor_value_info("k", TensorProto.FLOAT, [2, 4, 6, 16])],
    [helper.make_tensor_value_info("s", TensorProto.FLOAT, [2, 4, 8, 6])])
save(helper.make_model(einsum, opset_imports=[helper.make_opsetid("", 13)]), "einsum.onnx")

# A u8 image dequantized (zero point 128), rectified and quantized again (zero point 10): the
# unsigned element type at the graph's boundary, saturation at 255 included.
quantize = helper.make_graph(
    [helper.make_node("DequantizeLinear", ["x", "x_scale", "x_zero"], ["f"], name="dequantize"),
     helper.make_node("Relu", ["f"], ["r"], name="relu"),
     helper.make_node("QuantizeLinear", ["r", "y_scale", "y_zero"], ["y"], name="quantize")],
    "quantize",
    [helper.make_tensor_value_info("x", TensorProto.UINT8, [1, 2, 2, 2])],
    [helper.make_tensor_value_info("y", TensorProto.UINT8, [1, 2, 2, 2])],
    [numpy_helper.from_array(np.array(0.5, np.float32), "x_scale"),
     numpy_helper.from_array(np.array(128, np.uint8), "x_zero"),
     numpy_helper.from_array(np.array(0.25, np.float32), "y_scale"),
     numpy_helper.from_array(np.array(10, np.uint8), "y_zero")])
save(helper.make_model(quantize, opset_imports=[helper.make_opsetid("", 13)]), "quantize.onnx")
np.save(os.path.join(out, "quantize_x.npy"),
        np.array([0, 100, 128, 129, 200, 250, 255, 130], np.uint8).reshape(1, 2, 2, 2))

# Shrink and a constant Pad of a u8 vector: Shrink's lower threshold (x < -lambd) never holds
# for unsigned x, and the pad value 200 is above i8's range.
u8_ops = helper.make_graph(
    [helper.make_node("Shrink", ["x"], ["s"], name="shrink", lambd=1.5, bias=1.0),
     helper.make_node("Pad", ["x", "pads", "fill"], ["p"], name="pad")],
    "u8_ops",
    [helper.make_tensor_value_info("x", TensorProto.UINT8, [4])],
    [helper.make_tensor_value_info("s", TensorProto.UINT8, [4]),
     helper.make_tensor_value_info("p", TensorProto.UINT8, [6])],
    [numpy_helper.from_array(np.array([1, 1], np.int64), "pads"),
     numpy_helper.from_array(np.array(200, np.uint8), "fill")])
save(helper.make_model(u8_ops, opset_imports=[helper.make_opsetid("", 13)]), "u8_ops.onnx")
np.save(os.path.join(out, "u8_ops_x.npy"), np.array([0, 1, 2, 250], np.uint8))
