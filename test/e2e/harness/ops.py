"""The end-to-end cases of every Kiln op: graph, random inputs, float64 reference, tolerance.

Tolerances: exact for integers and data movement; 1e-6 relative for f32 arithmetic; 2e-6 for
f32 transcendentals (MLIR's polynomial approximations are within a few ulp); sums and matmuls
get a bound that grows with the reduction length. f16 results are rounded once: 1e-3.
"""
import numpy as np

from kilntest import INT_TYPES, NPY, bshape, ttype


class Case:
    """One graph applying `op` to inputs `ins` [(shape, dtype, lo, hi)] giving `outs`."""

    def __init__(self, op, ins, outs, ref, attrs="", rtol=1e-6, atol=1e-6, body=None,
                 prelude="", integral=False):
        self.op, self.ins, self.outs, self.ref = op, ins, outs, ref
        self.attrs, self.rtol, self.atol, self.body = attrs, rtol, atol, body
        # Module-level text (user kernels); "@K" in it and in `body` names this case's kernel.
        self.prelude = prelude
        # Float inputs rounded to integers, so that comparisons meet equal values.
        self.integral = integral

    def describe(self):
        ins = ", ".join(ttype(s, d) for s, d, *_ in self.ins)
        return f"{self.op}({ins}){' ' + self.attrs if self.attrs else ''}"

    def mlir(self, name):
        args = ", ".join(f"%a{i}: {ttype(s, d)}" for i, (s, d, *_) in enumerate(self.ins))
        res = ", ".join(ttype(s, d) for s, d in self.outs)
        if self.body:
            body = self.body
        else:
            operands = ", ".join(f"%a{i}" for i in range(len(self.ins)))
            in_types = ", ".join(ttype(s, d) for s, d, *_ in self.ins)
            attrs = f" {{{self.attrs}}}" if self.attrs else ""
            body = (f"  %r0 = kiln.{self.op} {operands}{attrs} : ({in_types}) -> {res}\n"
                    f"  kiln.return %r0 : {res}\n")
        graph = f"kiln.graph @{name}({args}) -> ({res}) {{\n{body}}}\n"
        return (self.prelude + graph).replace("@K", f"@{name}_kernel")

    def make_inputs(self, rng):
        arrays = []
        for shape, dtype, lo, hi in self.ins:
            if dtype == "i1":
                arrays.append(rng.integers(0, 2, shape).astype(np.bool_))
            elif dtype.startswith("i"):
                arrays.append(rng.integers(lo, hi + 1, shape).astype(NPY[dtype]))
            else:
                a = rng.uniform(lo, hi, shape)
                arrays.append((np.round(a) if self.integral else a).astype(NPY[dtype]))
        return arrays

    def reference(self, arrays):
        with np.errstate(all="ignore"):
            r = self.ref(*arrays)
        r = r if isinstance(r, (list, tuple)) else [r]
        return [np.asarray(x).astype(NPY[d]) if d.startswith("i") else np.asarray(x, np.float64)
                for x, (_, d) in zip(r, self.outs)]


# Shape pairs for binary ops: equal, row/column broadcasts, scalars, awkward sizes.
BINARY_SHAPES = [((1,), (1,)), ((7,), (7,)), ((1031,), (1031,)), ((7, 33), (33,)),
                 ((7, 1), (1, 33)), ((), (33,)), ((3, 1, 17), (5, 1)), ((33, 7), (33, 7))]
UNARY_SHAPES = [(1,), (7,), (33,), (1031,), (7, 33), (2, 3, 17), ()]


def binary(op, fn, dtypes=("f32", "f64"), lo=-4.0, hi=4.0, rhs_lo=None, rhs_hi=None,
           rtol=1e-6, atol=1e-6):
    def cases():
        out = []
        for dtype in dtypes:
            for a, b in BINARY_SHAPES:
                r = bshape(a, b)
                l2 = lo if rhs_lo is None else rhs_lo
                h2 = hi if rhs_hi is None else rhs_hi
                if dtype.startswith("i"):
                    ilo, ihi = (int(lo), int(hi)) if dtype != "i8" else (-11, 11)
                    ins = [(a, dtype, ilo, ihi), (b, dtype, ilo, ihi)]
                else:
                    ins = [(a, dtype, lo, hi), (b, dtype, l2, h2)]
                tol = (1e-3, 1e-3) if dtype == "f16" else (rtol, atol)
                out.append(Case(op, ins, [(r, dtype)], fn, rtol=tol[0], atol=tol[1]))
        return out
    return cases


def unary(op, fn, dtypes=("f32", "f64"), lo=-4.0, hi=4.0, rtol=1e-6, atol=1e-6, attrs=""):
    def cases():
        out = []
        for dtype in dtypes:
            for s in UNARY_SHAPES:
                tol = (1e-3, 1e-3) if dtype == "f16" else (rtol, atol)
                rng = (int(lo), int(hi)) if dtype.startswith("i") else (lo, hi)
                out.append(Case(op, [(s, dtype, *rng)], [(s, dtype)], fn, rtol=tol[0],
                                atol=tol[1], attrs=attrs))
        return out
    return cases


def int_div(a, b):
    a64, b64 = a.astype(np.int64), b.astype(np.int64)
    safe = np.where(b64 == 0, 1, b64)
    q = np.trunc(a64 / safe).astype(np.int64)
    return np.where(b64 == 0, 0, q)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def matmul_cases():
    out = []
    shapes = [((1, 1), (1, 1)), ((7, 33), (33, 5)), ((33, 1031), (1031, 7)), ((2, 3, 7), (2, 7, 9)),
              ((2, 1, 3, 4), (5, 4, 6)), ((3, 7, 9), (9, 2)), ((1, 17), (17, 1031))]
    for a, b in shapes:
        r = tuple(np.broadcast_shapes(a[:-2], b[:-2])) + (a[-2], b[-1])
        k = a[-1]
        for dtype in ("f32", "f64"):
            eps = 1.2e-7 if dtype == "f32" else 2.3e-16
            out.append(Case("matmul", [(a, dtype, -1, 1), (b, dtype, -1, 1)], [(r, dtype)],
                            np.matmul, rtol=eps * 8 * k, atol=eps * 8 * k))
    out.append(Case("matmul", [((7, 33), "i8", -128, 127), ((33, 5), "i8", -128, 127)],
                    [((7, 5), "i32")], lambda x, y: x.astype(np.int64) @ y.astype(np.int64)))
    out.append(Case("matmul", [((3, 5), "i32", -100, 100), ((5, 4), "i32", -100, 100)],
                    [((3, 4), "i32")], lambda x, y: x.astype(np.int64) @ y.astype(np.int64)))
    out.append(Case("matmul", [((7, 33), "f16", -1, 1), ((33, 5), "f16", -1, 1)],
                    [((7, 5), "f16")], np.matmul, rtol=2e-3, atol=2e-3))
    out += transposed_matmul_cases()
    out.append(matmul_epilogue_case())
    out += staged_matmul_cases()
    return out


def staged_matmul_cases():
    """Matmuls that the GPU stages through shared memory in 16-byte pieces (k and n multiples
    of 8 for f16, 4 for f32): ragged row and column blocks, a partial last k step, and a batch
    over shared weights (one matmul over all rows). f16 runs on tensor cores: products are
    exact in the f32 sum; the f16 result is within half an ulp plus the sum's error."""
    out = []
    for a, b in (((200, 72), (72, 136)), ((2, 37, 40), (40, 24))):
        r = a[:-1] + b[-1:]
        out.append(Case("matmul", [(a, "f16", -1, 1), (b, "f16", -1, 1)], [(r, "f16")],
                        np.matmul, rtol=2e-3, atol=4e-3))
        k = a[-1]
        out.append(Case("matmul", [(a, "f32", -1, 1), (b, "f32", -1, 1)], [(r, "f32")],
                        np.matmul, rtol=1.2e-7 * 8 * k, atol=1.2e-7 * 8 * k))
    return out


def matmul_epilogue_case():
    """relu((A B + bias) * R): the elementwise tail runs on the matmul's output tiles (three
    passes over k = 600, 29 columns: masked vectors)."""
    m, k, n = 37, 600, 29
    body = (f"  %0 = kiln.matmul %a0, %a1 : (tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>) -> "
            f"tensor<{m}x{n}xf32>\n"
            f"  %1 = kiln.add %0, %a2 : (tensor<{m}x{n}xf32>, tensor<{n}xf32>) -> tensor<{m}x{n}xf32>\n"
            f"  %2 = kiln.mul %1, %a3 : (tensor<{m}x{n}xf32>, tensor<{m}x{n}xf32>) -> "
            f"tensor<{m}x{n}xf32>\n"
            f"  %3 = kiln.relu %2 : (tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>\n"
            f"  kiln.return %3 : tensor<{m}x{n}xf32>\n")
    return Case("matmul", [((m, k), "f32", -1, 1), ((k, n), "f32", -1, 1), ((n,), "f32", -1, 1),
                           ((m, n), "f32", -1, 1)], [((m, n), "f32")],
                lambda a, b, bias, r: np.maximum((a @ b + bias) * r, 0), body=body,
                rtol=1e-5, atol=1e-4)


def transposed_matmul_cases():
    """A^T B, A B^T and A^T B^T: kilnc reads the transposed operand in place (ragged sizes)."""
    def body(a_t, b_t, m, k, n, dtype, acc):
        lines, lhs, rhs = [], "%a0", "%a1"
        if a_t:
            lines.append(f"  %at = kiln.transpose %a0 {{permutation = array<i64: 1, 0>}} : "
                         f"(tensor<{k}x{m}x{dtype}>) -> tensor<{m}x{k}x{dtype}>")
            lhs = "%at"
        if b_t:
            lines.append(f"  %bt = kiln.transpose %a1 {{permutation = array<i64: 1, 0>}} : "
                         f"(tensor<{n}x{k}x{dtype}>) -> tensor<{k}x{n}x{dtype}>")
            rhs = "%bt"
        lines.append(f"  %0 = kiln.matmul {lhs}, {rhs} : (tensor<{m}x{k}x{dtype}>, "
                     f"tensor<{k}x{n}x{dtype}>) -> tensor<{m}x{n}x{acc}>")
        lines.append(f"  kiln.return %0 : tensor<{m}x{n}x{acc}>")
        return "\n".join(lines) + "\n"

    out = []
    m, k, n = 37, 45, 29
    for a_t, b_t, dtype, acc in ((True, False, "f32", "f32"), (False, True, "f32", "f32"),
                                 (True, True, "i8", "i32")):
        a = (k, m) if a_t else (m, k)
        b = (n, k) if b_t else (k, n)
        lo, hi = (-128, 127) if dtype == "i8" else (-1, 1)

        def ref(x, y, a_t=a_t, b_t=b_t):
            wide = np.int64 if x.dtype.kind == "i" else np.float64
            x, y = x.astype(wide), y.astype(wide)
            return (x.T if a_t else x) @ (y.T if b_t else y)
        out.append(Case("matmul", [(a, dtype, lo, hi), (b, dtype, lo, hi)], [((m, n), acc)], ref,
                        body=body(a_t, b_t, m, k, n, dtype, acc), rtol=1e-5, atol=1e-5))
    return out


REDUCE_SHAPES = [((1,), [0], False), ((1031,), [0], False), ((7, 33), [1], False),
                 ((7, 33), [0], True), ((7, 33), [-1, 0], False), ((2, 3, 17), [0, 2], True),
                 ((3, 1031), [1], True), ((5, 7, 9), [1], False)]


def reduced(shape, axes, keep):
    axes = [a % len(shape) for a in axes]
    return tuple(1 if i in axes and keep else d for i, d in enumerate(shape)
                 if keep or i not in axes)


def reduction(op, fn, dtypes=("f32", "f64", "i32"), flo=-2.0, fhi=2.0):
    def cases():
        out = []
        for dtype in dtypes:
            for shape, axes, keep in REDUCE_SHAPES:
                n = int(np.prod([shape[a % len(shape)] for a in axes]))
                eps = {"f32": 1.2e-7, "f64": 2.3e-16}.get(dtype, 0)
                lo, hi = (-100, 100) if dtype.startswith("i") else (flo, fhi)
                attrs = f"axes = array<i64: {', '.join(map(str, axes))}>"
                if keep:
                    attrs += ", keep_dims = true"
                ref = (lambda ax, kp: lambda x: fn(x, axis=tuple(ax), keepdims=kp))(axes, keep)
                out.append(Case(op, [(shape, dtype, lo, hi)], [(reduced(shape, axes, keep), dtype)],
                                ref, attrs=attrs, rtol=eps * 4 * n, atol=eps * 4 * n))
        return out
    return cases


def softmax_ref(axis):
    def f(x):
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)
    return f


def softmax_cases():
    out = []
    for shape, axis in [((7, 33), -1), ((33, 7), 0), ((1031,), 0), ((2, 3, 17), 1), ((1, 1), -1),
                        ((4, 1031), -1)]:
        for dtype in ("f32", "f64"):
            out.append(Case("softmax", [(shape, dtype, -8, 8)], [(shape, dtype)], softmax_ref(axis),
                            attrs=f"axis = {axis} : i64", rtol=1e-5, atol=1e-7))
    return out


def transpose_cases():
    out = []
    for shape, perm in [((7, 33), (1, 0)), ((2, 3, 17), (2, 0, 1)), ((1031,), (0,)),
                        ((3, 1, 5, 7), (3, 1, 0, 2))]:
        for dtype in ("f32", "i64", "i8"):
            r = tuple(shape[p] for p in perm)
            out.append(Case("transpose", [(shape, dtype, -9, 9)], [(r, dtype)],
                            (lambda p: lambda x: np.transpose(x, p))(perm),
                            attrs=f"permutation = array<i64: {', '.join(map(str, perm))}>"))
    return out


def reshape_cases():
    out = []
    for a, b in [((7, 33), (231,)), ((1031,), (1, 1031, 1)), ((2, 3, 17), (17, 6)), ((1, 1), ()),
                 ((), (1,)), ((6, 35), (5, 7, 6))]:
        for dtype in ("f32", "i32"):
            out.append(Case("reshape", [(a, dtype, -9, 9)], [(b, dtype)],
                            (lambda s: lambda x: x.reshape(s))(b)))
    return out


def broadcast_cases():
    out = []
    for a, b in [((33,), (7, 33)), ((7, 1), (2, 7, 33)), ((), (1031,)), ((1, 1), (3, 5)),
                 ((2, 1, 3), (2, 4, 3))]:
        for dtype in ("f32", "i16"):
            out.append(Case("broadcast_to", [(a, dtype, -9, 9)], [(b, dtype)],
                            (lambda s: lambda x: np.broadcast_to(x, s))(b)))
    return out


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
    body = ("  %0 = kiln.matmul %a0, %a1 : (tensor<9x33xf32>, tensor<33x7xf32>) -> tensor<9x7xf32>\n"
            "  %1 = kiln.add %0, %a2 : (tensor<9x7xf32>, tensor<7xf32>) -> tensor<9x7xf32>\n"
            "  %2 = kiln.tanh %1 : (tensor<9x7xf32>) -> tensor<9x7xf32>\n"
            "  %3 = kiln.softmax %2 {axis = -1 : i64} : (tensor<9x7xf32>) -> tensor<9x7xf32>\n"
            "  %4 = kiln.reduce_mean %1 {axes = array<i64: 0>} : (tensor<9x7xf32>) -> tensor<7xf32>\n"
            "  kiln.return %3, %4 : tensor<9x7xf32>, tensor<7xf32>\n")

    def ref(x, w, b):
        h = x @ w + b
        return [softmax_ref(-1)(np.tanh(h)), h.mean(axis=0)]
    return [Case("chain", [((9, 33), "f32", -1, 1), ((33, 7), "f32", -1, 1), ((7,), "f32", -1, 1)],
                 [((9, 7), "f32"), ((7,), "f32")], ref, body=body, rtol=1e-5, atol=1e-5)]


CASES = {
    "add": binary("add", np.add, dtypes=("f32", "f64", "f16") + INT_TYPES),
    "sub": binary("sub", np.subtract, dtypes=("f32", "f64") + INT_TYPES),
    "mul": binary("mul", np.multiply, dtypes=("f32", "f64") + INT_TYPES),
    "div": binary("div", lambda a, b: int_div(a, b) if a.dtype.kind == "i" else a / b,
                  dtypes=("f32", "f64", "i32", "i64"), rhs_lo=0.5, rhs_hi=4.0),
    "max": binary("max", np.maximum, dtypes=("f32", "f64", "i32", "i1")),
    "min": binary("min", np.minimum, dtypes=("f32", "f64", "i64", "i1")),
    "neg": unary("neg", np.negative, dtypes=("f32", "f64", "i32")),
    "abs": unary("abs", np.abs, dtypes=("f32", "f64", "i32")),
    "exp": unary("exp", np.exp, lo=-80.0, hi=80.0, rtol=2e-6, atol=0),
    "log": unary("log", np.log, lo=1e-3, hi=1e3, rtol=2e-6, atol=2e-6),
    "sqrt": unary("sqrt", np.sqrt, lo=0.0, hi=1e4),
    "rsqrt": unary("rsqrt", lambda x: 1 / np.sqrt(x), lo=1e-3, hi=1e4, rtol=2e-6),
    "tanh": unary("tanh", np.tanh, lo=-10.0, hi=10.0, rtol=2e-6, atol=2e-7),
    "sigmoid": unary("sigmoid", sigmoid, lo=-20.0, hi=20.0, rtol=2e-6, atol=1e-7),
    "relu": unary("relu", lambda x: np.maximum(x, 0), dtypes=("f32", "f64", "f16", "i8", "i64")),
    "matmul": matmul_cases,
    "reduce_sum": reduction("reduce_sum", np.sum),
    "reduce_max": reduction("reduce_max", np.max),
    "reduce_mean": reduction("reduce_mean", np.mean, dtypes=("f32", "f64")),
    "softmax": softmax_cases,
    "transpose": transpose_cases,
    "reshape": reshape_cases,
    "broadcast_to": broadcast_cases,
    "constant": constant_cases,
    "chain": mlp_chain_cases,
}
