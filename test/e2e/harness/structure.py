"""e2e cases of whole graphs rather than one op: constants, a fused chain across families with
two results, and bf16 arithmetic (bf16 crosses the .npy boundary only through casts). The
references of the ops they combine come from those ops' families.

Tolerances: 1e-6 relative for constants; 1e-5 for the chain; bf16 results are compared with a
bf16 rounding of the float64 reference, within one bf16 ulp (2^-8 relative).
"""
import numpy as np

from cases import BINARY_SHAPES, Case
from elementwise import gelu
from kilntest import bf16_round, bshape, ttype
from normalization import softmax_ref


def constant_cases():
    body = ("  %c = kiln.constant dense<[[1.5, -2.0, 3.25], [0.5, 4.0, -8.0]]> : tensor<2x3xf32>\n"
            "  %s = kiln.constant dense<2.0> : tensor<f32>\n"
            "  %0 = kiln.mul %c, %s : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>\n"
            "  %1 = kiln.add %a0, %0 : (tensor<7x2x3xf32>, tensor<2x3xf32>) -> tensor<7x2x3xf32>\n"
            "  kiln.return %1 : tensor<7x2x3xf32>\n")
    c = np.array([[1.5, -2.0, 3.25], [0.5, 4.0, -8.0]])
    ibody = ("  %c = kiln.constant dense<[3, -4, 5, 7]> : tensor<4xi64>\n"
             "  %0 = kiln.sub %a0, %c : (tensor<33x4xi64>, tensor<4xi64>) -> tensor<33x4xi64>\n"
             "  kiln.return %0 : tensor<33x4xi64>\n")
    return [Case("constant", [((7, 2, 3), "f32", -1, 1)], [((7, 2, 3), "f32")],
                 lambda x: x + 2 * c, body=body),
            Case("constant", [((33, 4), "i64", -9, 9)], [((33, 4), "i64")],
                 lambda x: x - np.array([3, -4, 5, 7]), body=ibody)]


def mlp_chain_cases():
    """A fused chain over several ops with two results: what users actually write."""
    body = ("  %0 = kiln.matmul %a0, %a1 : (tensor<9x33xf32>, tensor<33x7xf32>) -> "
            "tensor<9x7xf32>\n"
            "  %1 = kiln.add %0, %a2 : (tensor<9x7xf32>, tensor<7xf32>) -> tensor<9x7xf32>\n"
            "  %2 = kiln.tanh %1 : (tensor<9x7xf32>) -> tensor<9x7xf32>\n"
            "  %3 = kiln.softmax %2 {axis = -1 : i64} : (tensor<9x7xf32>) -> tensor<9x7xf32>\n"
            "  %4 = kiln.reduce_mean %1 {axes = array<i64: 0>} : (tensor<9x7xf32>) -> "
            "tensor<7xf32>\n"
            "  kiln.return %3, %4 : tensor<9x7xf32>, tensor<7xf32>\n")

    def ref(x, w, b):
        h = x @ w + b
        return [softmax_ref(-1)(np.tanh(h)), h.mean(axis=0)]
    return [Case("chain", [((9, 33), "f32", -1, 1), ((33, 7), "f32", -1, 1), ((7,), "f32", -1, 1)],
                 [((9, 7), "f32"), ((7,), "f32")], ref, body=body, rtol=1e-5, atol=1e-5)]


def bf16_cases():
    """bf16 arithmetic, entered and left through casts from and to f32."""
    out = []
    ops = [("add", lambda a, b: a + b), ("mul", lambda a, b: a * b), ("max", np.maximum)]
    for op, fn in ops:
        for a, b in BINARY_SHAPES[1:5]:
            r = bshape(a, b)
            body = (f"  %x = kiln.cast %a0 : ({ttype(a, 'f32')}) -> {ttype(a, 'bf16')}\n"
                    f"  %y = kiln.cast %a1 : ({ttype(b, 'f32')}) -> {ttype(b, 'bf16')}\n"
                    f"  %z = kiln.{op} %x, %y : ({ttype(a, 'bf16')}, {ttype(b, 'bf16')}) -> "
                    f"{ttype(r, 'bf16')}\n"
                    f"  %r = kiln.cast %z : ({ttype(r, 'bf16')}) -> {ttype(r, 'f32')}\n"
                    f"  kiln.return %r : {ttype(r, 'f32')}\n")
            ref = (lambda f: lambda x, y: bf16_round(f(bf16_round(x), bf16_round(y))))(fn)
            out.append(Case(f"bf16 {op}", [(a, "f32", -4, 4), (b, "f32", -4, 4)], [(r, "f32")],
                            ref, body=body, rtol=2.0 ** -8, atol=0))
    for op, fn in [("exp", np.exp), ("tanh", np.tanh), ("gelu", gelu)]:
        s = (7, 33)
        body = (f"  %x = kiln.cast %a0 : ({ttype(s, 'f32')}) -> {ttype(s, 'bf16')}\n"
                f"  %z = kiln.{op} %x : ({ttype(s, 'bf16')}) -> {ttype(s, 'bf16')}\n"
                f"  %r = kiln.cast %z : ({ttype(s, 'bf16')}) -> {ttype(s, 'f32')}\n"
                f"  kiln.return %r : {ttype(s, 'f32')}\n")
        ref = (lambda f: lambda x: bf16_round(f(bf16_round(x))))(fn)
        out.append(Case(f"bf16 {op}", [(s, "f32", -4, 4)], [(s, "f32")], ref, body=body,
                        rtol=2.0 ** -8, atol=1e-30))
    out.append(bf16_matmul_case())
    return out


def bf16_matmul_case():
    """A bf16 matmul (on the GPU's tensor cores): products exact in the f32 sum, one bf16
    rounding of the result (one ulp allowed, as the f32 sum may round across a tie), and the
    f32 sum's own error near cancellation."""
    m, k, n = 130, 264, 24
    body = (f"  %x = kiln.cast %a0 : (tensor<{m}x{k}xf32>) -> tensor<{m}x{k}xbf16>\n"
            f"  %y = kiln.cast %a1 : (tensor<{k}x{n}xf32>) -> tensor<{k}x{n}xbf16>\n"
            f"  %z = kiln.matmul %x, %y : (tensor<{m}x{k}xbf16>, tensor<{k}x{n}xbf16>) -> "
            f"tensor<{m}x{n}xbf16>\n"
            f"  %r = kiln.cast %z : (tensor<{m}x{n}xbf16>) -> tensor<{m}x{n}xf32>\n"
            f"  kiln.return %r : tensor<{m}x{n}xf32>\n")
    return Case("bf16 matmul", [((m, k), "f32", -1, 1), ((k, n), "f32", -1, 1)],
                [((m, n), "f32")], lambda x, y: bf16_round(bf16_round(x) @ bf16_round(y)),
                body=body, rtol=2.0 ** -8, atol=1e-4)


CASES = {
    "constant": constant_cases,
    "chain": mlp_chain_cases,
    "bf16": bf16_cases,
}
