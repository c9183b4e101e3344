"""What every op family's e2e table builds on: Case, one graph with its random inputs, float64
reference and tolerance, and the helpers that several families' tables use. The tables are
one module per op family, the families of the lowering (compiler/lib/Conversion/KilnToLinalg);
e2e.py gathers them into CASES.
"""
import numpy as np

from kilntest import NPY, is_int, ttype


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
            elif is_int(dtype):
                arrays.append(rng.integers(lo, hi + 1, shape).astype(NPY[dtype]))
            else:
                a = rng.uniform(lo, hi, shape)
                arrays.append((np.round(a) if self.integral else a).astype(NPY[dtype]))
        return arrays

    def reference(self, arrays):
        with np.errstate(all="ignore"):
            r = self.ref(*arrays)
        r = r if isinstance(r, (list, tuple)) else [r]
        return [np.asarray(x).astype(NPY[d]) if is_int(d) else np.asarray(x, np.float64)
                for x, (_, d) in zip(r, self.outs)]


def f32_literal(v):
    """An f32 literal of MLIR's dense syntax: NaN and infinities as their bits."""
    if np.isnan(v):
        return "0x7FC00000"
    if np.isinf(v):
        return "0x7F800000" if v > 0 else "0xFF800000"
    text = repr(float(v))
    # MLIR's float literals need a point before an exponent: 1.0e-08, not 1e-08.
    return text.replace("e", ".0e") if "e" in text and "." not in text else text


# Shape pairs for binary ops: equal, row/column broadcasts, scalars, awkward sizes.
BINARY_SHAPES = [((1,), (1,)), ((7,), (7,)), ((1031,), (1031,)), ((7, 33), (33,)),
                 ((7, 1), (1, 33)), ((), (33,)), ((3, 1, 17), (5, 1)), ((33, 7), (33, 7))]


def reduced(shape, axes, keep):
    axes = [a % len(shape) for a in axes]
    return tuple(1 if i in axes and keep else d for i, d in enumerate(shape)
                 if keep or i not in axes)


def arr(values):
    return f"array<i64: {', '.join(map(str, values))}>"
