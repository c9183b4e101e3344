"""e2e cases of user kernels: kiln.map (elementwise, broadcasting, fused with built-in ops) and
kiln.reduce (a fold in row-major order, also with a non-associative kernel).

Tolerances: 1e-6 relative for f32 arithmetic, exact for integers.
"""
import numpy as np

from cases import Case, reduced
from kilntest import ttype


SAXPY = """kiln.kernel @K(%a: f32, %x: f32, %y: f32) -> f32 {
  %0 = arith.mulf %a, %x : f32
  %1 = arith.addf %0, %y : f32
  kiln.yield %1 : f32
}
"""


# Clamp to [lo, hi] with math and compare ops: exercises cmpf, select and math in kernels.
CLAMP_SOFT = """kiln.kernel @K(%x: f64, %lo: f64) -> f64 {
  %c = arith.cmpf olt, %x, %lo : f64
  %m = arith.select %c, %lo, %x : f64
  %e = math.exp %m : f64
  %one = arith.constant 1.0 : f64
  %l = math.log1p %e : f64
  kiln.yield %l : f64
}
"""


INT_MIX = """kiln.kernel @K(%x: i32, %y: i32) -> i32 {
  %0 = arith.muli %x, %y : i32
  %c3 = arith.constant 3 : i32
  %1 = arith.shrsi %0, %c3 : i32
  %2 = arith.xori %1, %x : i32
  %3 = arith.maxsi %2, %y : i32
  kiln.yield %3 : i32
}
"""


# math.absi has no LLVM lowering in MLIR 22; the kernel lowering expands it (found by kiln-interp).
ABS_DIFF = """kiln.kernel @K(%x: i16, %y: i16) -> i16 {
  %d = arith.subi %x, %y : i16
  %a = math.absi %d : i16
  kiln.yield %a : i16
}
"""


ABS_SUM = """kiln.kernel @K(%acc: f32, %x: f32) -> f32 {
  %a = math.absf %x : f32
  %s = arith.addf %acc, %a : f32
  kiln.yield %s : f32
}
"""


# acc * 0.5 + x depends on the order of the fold: it checks the documented row-major order.
DECAY = """kiln.kernel @K(%acc: f64, %x: f64) -> f64 {
  %h = arith.constant 0.5 : f64
  %m = arith.mulf %acc, %h : f64
  %s = arith.addf %m, %x : f64
  kiln.yield %s : f64
}
"""


INT_MAX = """kiln.kernel @K(%acc: i16, %x: i16) -> i16 {
  %m = arith.maxsi %acc, %x : i16
  kiln.yield %m : i16
}
"""


def map_case(prelude, ins, out, ref, rtol=1e-6, atol=1e-6):
    types = ", ".join(ttype(s, d) for s, d, *_ in ins)
    operands = ", ".join(f"%a{i}" for i in range(len(ins)))
    res = ttype(*out)
    body = (f"  %r = kiln.map @K({operands}) : ({types}) -> {res}\n"
            f"  kiln.return %r : {res}\n")
    return Case("map", ins, [out], ref, body=body, prelude=prelude, rtol=rtol, atol=atol)


def map_cases():
    out = [
        map_case(SAXPY, [((), "f32", -2, 2), ((1031,), "f32", -2, 2), ((1031,), "f32", -2, 2)],
                 ((1031,), "f32"), lambda a, x, y: a * x + y),
        map_case(SAXPY, [((7, 1), "f32", -2, 2), ((33,), "f32", -2, 2), ((7, 33), "f32", -2, 2)],
                 ((7, 33), "f32"), lambda a, x, y: a * x + y),
        map_case(CLAMP_SOFT, [((7, 33), "f64", -5, 5), ((33,), "f64", -1, 1)], ((7, 33), "f64"),
                 lambda x, lo: np.log1p(np.exp(np.maximum(x, lo))), rtol=1e-14, atol=1e-14),
        map_case(INT_MIX, [((1031,), "i32", -5000, 5000), ((1031,), "i32", -5000, 5000)],
                 ((1031,), "i32"),
                 lambda x, y: np.maximum(((x.astype(np.int64) * y) >> 3).astype(np.int32) ^ x, y)),
    ]
    out.append(map_case(ABS_DIFF, [((33, 7), "i16", -9000, 9000), ((7,), "i16", -9000, 9000)],
                        ((33, 7), "i16"),
                        lambda x, y: np.abs(x.astype(np.int64) - y).astype(np.int16)))
    # A kernel between built-in elementwise ops: the three fuse into one loop.
    body = ("  %0 = kiln.exp %a1 : (tensor<33xf32>) -> tensor<33xf32>\n"
            "  %1 = kiln.map @K(%a0, %0, %a2) : (tensor<f32>, tensor<33xf32>, tensor<7x33xf32>)"
            " -> tensor<7x33xf32>\n"
            "  %2 = kiln.relu %1 : (tensor<7x33xf32>) -> tensor<7x33xf32>\n"
            "  kiln.return %2 : tensor<7x33xf32>\n")
    out.append(Case("map", [((), "f32", -2, 2), ((33,), "f32", -2, 2), ((7, 33), "f32", -2, 2)],
                    [((7, 33), "f32")], lambda a, x, y: np.maximum(a * np.exp(x) + y, 0),
                    body=body, prelude=SAXPY, rtol=2e-6, atol=1e-6))
    return out


def fold(x, axes, init, fn):
    """Folds `axes` of x with fn(acc, element) in row-major order over the reduced elements."""
    axes = sorted(a % x.ndim for a in axes)
    keep = [d for d in range(x.ndim) if d not in axes]
    moved = np.transpose(x, keep + axes)
    flat = moved.reshape(moved.shape[:len(keep)] + (-1,))
    acc = np.full(flat.shape[:-1], init, dtype=flat.dtype)
    for i in range(flat.shape[-1]):
        acc = fn(acc, flat[..., i])
    return acc


def reduce_case(prelude, shape, dtype, axes, keep, init, fn, lo, hi, rtol=1e-6):
    attrs = f"axes = array<i64: {', '.join(map(str, axes))}>, init = {init} : {dtype}"
    if keep:
        attrs += ", keep_dims = true"
    r = reduced(shape, axes, keep)
    body = (f"  %r = kiln.reduce @K(%a0) {{{attrs}}} : ({ttype(shape, dtype)}) -> "
            f"{ttype(r, dtype)}\n"
            f"  kiln.return %r : {ttype(r, dtype)}\n")

    def ref(x):
        return fold(x, axes, float(init) if dtype[0] == "f" else int(init), fn).reshape(r)
    return Case("reduce", [(shape, dtype, lo, hi)], [(r, dtype)], ref, body=body,
                prelude=prelude, rtol=rtol, atol=rtol)


def reduce_cases():
    return [
        reduce_case(ABS_SUM, (1031,), "f32", [0], False, "0.0", lambda a, x: a + abs(x), -2, 2,
                    rtol=1e-4),
        reduce_case(ABS_SUM, (7, 33), "f32", [1], True, "1.0", lambda a, x: a + abs(x), -2, 2),
        reduce_case(DECAY, (5, 7, 9), "f64", [0, 2], False, "0.0", lambda a, x: a * 0.5 + x,
                    -2, 2, rtol=1e-13),
        reduce_case(DECAY, (9, 4), "f64", [-2], False, "1.0", lambda a, x: a * 0.5 + x, -2, 2,
                    rtol=1e-13),
        reduce_case(INT_MAX, (33, 7), "i16", [0], False, "-5", np.maximum, -100, 100),
    ]


CASES = {
    'map': map_cases,
    'reduce': reduce_cases,
}
