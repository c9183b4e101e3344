"""Tensor op generators: each adds one op (plus conditioning ops) or raises GenFail."""

import math

import numpy as np

from kilntest import IMAX, IMIN, bshape

from .builders import DT_WEIGHTS, FLOAT_CONSTS, INT_CONSTS, TB, choice, const_infer
from .conditioning import condition
from .dtypes import (FLOAT_TYPES, LIMIT, MANT, UNIT, Meta, arr, fmt_scalar, iclamp, is_float,
                     ucomp, valid_float)
from .elementwise import FFNS
from .graphs import GenFail
from .kernels import (BOOL_COMBINERS, FLOAT_COMBINERS, INT_COMBINERS, _reduce_fold, build_kernel,
                      combiner_kernel, select_infer)
from .shapes import CAP, DIMS, factor_shape, partner, prod, rand_shape


def gen_binary(b):
    rng = b.rng
    fname = choice(rng, ["add", "sub", "mul", "div", "max", "min", "pow", "shift_left",
                         "shift_right"], [4, 3, 4, 2, 2, 2, 2, 1, 1])
    special = fname in ("max", "min")
    if fname == "pow":
        ok = is_float
    elif fname.startswith("shift"):
        ok = lambda d: not is_float(d) and d != "i1"
    elif special:
        ok = lambda d: True
    else:
        ok = lambda d: d != "i1"
    x = b.operand(lambda m: ok(m.dt) and (special or not m.special),
                  lambda: b.fresh(rand_shape(rng), b.rand_dt(ok), special=special))
    mx = b.meta(x)
    dt, ys = mx.dt, partner(rng, mx.shape)
    y = b.operand(lambda m: m.dt == dt and m.shape == ys and (special or not m.special),
                  lambda: b.fresh(ys, dt, special=special), p_pool=0.5)
    if rng.random() < 0.5:
        x, y = y, x
    if is_float(dt):
        fn = FFNS[fname]
        x, y = condition(b, x, fn.reqs[0], dt), condition(b, y, fn.reqs[1], dt)
    return b.ew(fname, [x, y])


UNARY = ["neg", "abs", "relu", "exp", "log", "sqrt", "rsqrt", "tanh", "sigmoid", "silu", "gelu",
         "gelu_tanh", "erf", "floor", "ceil", "roundeven", "sin", "cos", "tan", "asin", "acos",
         "atan", "sinh", "cosh", "asinh", "acosh", "atanh"]


def gen_unary(b):
    rng = b.rng
    fname = choice(rng, UNARY)
    fn = FFNS[fname]
    if fname in ("neg", "abs", "relu"):
        ok = lambda d: d != "i1"
    else:
        ok = is_float
    need_exact = fn.disc
    x = b.operand(lambda m: ok(m.dt) and (fn.special_ok or not m.special) and
                  (m.exact or not need_exact),
                  lambda: b.fresh(rand_shape(rng), b.rand_dt(ok), special=fn.special_ok))
    dt = b.meta(x).dt
    if is_float(dt):
        x = condition(b, x, fn.reqs[0], dt)
    return b.ew(fname, [x])


def gen_cmp(b):
    rng = b.rng
    dt = b.rand_dt()
    kind = "integral" if is_float(dt) else None
    x = b.operand(lambda m: m.exact and m.dt == dt,
                  lambda: b.fresh(rand_shape(rng), dt, kind=kind, special=True))
    mx = b.meta(x)
    ys = partner(rng, mx.shape)
    y = b.operand(lambda m: m.exact and m.dt == dt and m.shape == ys,
                  lambda: b.fresh(ys, dt, kind=kind, special=True), p_pool=0.6)
    if rng.random() < 0.5:
        x, y = y, x
    shape = bshape(mx.shape, ys)
    pred = choice(rng, ["eq", "ne", "lt", "le", "gt", "ge"])

    def infer(ms, shape=shape):
        if not all(m.exact for m in ms) or ms[0].dt != ms[1].dt:
            return None
        return Meta(shape, "i1", 0, 1, integral=True)
    return b.add_node("cmp", [x, y], f'predicate = "{pred}"', infer, shape, "i1")


def gen_select(b):
    rng = b.rng
    t = b.operand(lambda m: True, lambda: b.fresh(rand_shape(rng), b.rand_dt(), special=True))
    mt = b.meta(t)
    cs = partner(rng, mt.shape)
    c = b.operand(lambda m: m.dt == "i1" and m.shape == cs,
                  lambda: gen_cmp_shaped(b, cs) if rng.random() < 0.5 else b.fresh(cs, "i1"),
                  p_pool=0.6)
    r = bshape(mt.shape, cs)
    fs = partner(rng, r)
    f = b.operand(lambda m: m.dt == mt.dt and m.shape == fs,
                  lambda: b.fresh(fs, mt.dt, special=True), p_pool=0.6)
    if rng.random() < 0.5:
        t, f = f, t
    shape = bshape(r, fs)
    return b.add_node("select", [c, t, f], "", select_infer, shape, mt.dt)


def gen_cmp_shaped(b, shape):
    """A cmp of fresh or pooled values giving an i1 tensor of exactly `shape`."""
    dt = b.rand_dt(lambda d: d != "i1")
    kind = "integral" if is_float(dt) else None
    x = b.operand(lambda m: m.exact and m.dt == dt and m.shape == tuple(shape),
                  lambda: b.fresh(shape, dt, kind=kind), p_pool=0.5)
    y = b.const(dt, choice(b.rng, [0, 1, -1, 2]))
    pred = choice(b.rng, ["lt", "ge", "eq", "ne"])

    def infer(ms, shape=tuple(shape)):
        if not all(m.exact for m in ms):
            return None
        return Meta(shape, "i1", 0, 1, integral=True)
    return b.add_node("cmp", [x, y], f'predicate = "{pred}"', infer, shape, "i1")


def gen_cast(b):
    rng = b.rng
    dst = b.rand_dt() if rng.random() < 0.5 else choice(rng, list(DT_WEIGHTS))
    if dst in FLOAT_TYPES:
        pred = lambda m: m.dt != dst
    else:
        pred = lambda m: m.dt != dst and (m.exact or not is_float(m.dt))
    x = b.operand(pred, lambda: b.fresh(rand_shape(rng), choice(
        rng, [d for d in DT_WEIGHTS if d != dst]), special=True))
    if b.meta(x).dt == dst:
        raise GenFail("same type")
    return b.cast(x, dst)


def mm_infer(K, out_dt, shape):
    def infer(ms):
        a, c = ms
        if a.dt != c.dt or a.special or c.special:
            return None
        if not is_float(a.dt):
            B = K * max(abs(a.lo), abs(a.hi)) * max(abs(c.lo), abs(c.hi))
            return Meta(shape, out_dt, *iclamp(out_dt, -B, B), integral=True)
        dt = a.dt
        B = K * a.M * c.M
        acc = "f32" if dt in ("f16", "bf16") else dt
        if a.exact and c.exact and a.integral and c.integral and B <= 2.0 ** MANT[acc] and \
                B <= LIMIT[dt]:
            return Meta(shape, dt, -B, B, 0.0, True)
        err = K * (a.M * c.err + c.M * a.err + a.err * c.err) + \
            4 * UNIT[acc] * K ** 1.5 * a.M * c.M + 2 * UNIT[dt] * B
        out = Meta(shape, dt, -B - err, B + err, err)
        return out if valid_float(out) else None
    return infer


def gen_matmul(b):
    rng = b.rng
    ok = lambda d: d != "i1"

    def make():
        batch = rand_shape(rng, int(rng.choice([0, 0, 1, 2])), cap=12)
        return b.fresh(batch + (int(rng.choice(DIMS)), int(rng.choice(DIMS[:-2]))), b.rand_dt(ok))
    x = b.operand(lambda m: ok(m.dt) and len(m.shape) >= 2 and m.shape[-1] <= 33 and
                  not m.special, make)
    mx = b.meta(x)
    dt, K, M = mx.dt, mx.shape[-1], mx.shape[-2]
    N = int(rng.choice(DIMS))
    yb = partner(rng, mx.shape[:-2], cap=16)
    ys = yb + (K, N)
    y = b.operand(lambda m: m.dt == dt and m.shape == ys and not m.special,
                  lambda: b.fresh(ys, dt), p_pool=0.5)
    out_dt = "i32" if dt == "i8" and rng.random() < 0.6 else dt
    shape = bshape(mx.shape[:-2], yb) + (M, N)
    if prod(shape) > CAP:
        raise GenFail("too big")
    return b.add_node("matmul", [x, y], "", mm_infer(K, out_dt, shape), shape, out_dt)


def reduced_shape(shape, axes, keep):
    return tuple(1 if i in axes else d for i, d in enumerate(shape)
                 if keep or i not in axes)


def rand_axes(rng, rank, count=None):
    n = count if count is not None else int(rng.integers(1, rank + 1))
    axes = sorted(int(a) for a in rng.choice(rank, size=n, replace=False))
    shown = [a - rank if rng.random() < 0.3 else a for a in axes]
    if rng.random() < 0.3:
        shown = shown[::-1]
    return axes, shown


def red_infer(op, n, shape):
    def infer(ms):
        m = ms[0]
        dt = m.dt
        if op in ("reduce_max", "reduce_min"):
            return m.but(shape=shape)
        if m.special:
            return None
        if not is_float(dt):
            if op == "reduce_sum":
                return Meta(shape, dt, *iclamp(dt, n * min(m.lo, 0), n * max(m.hi, 0)),
                            integral=True)
            P = max(abs(m.lo), abs(m.hi)) ** n
            return Meta(shape, dt, *iclamp(dt, -P, P), integral=True)
        acc = "f32" if dt in ("f16", "bf16") else dt
        M = m.M
        if op == "reduce_sum":
            lo, hi = min(n * m.lo, m.lo), max(n * m.hi, m.hi)
            if m.exact and m.integral and n * M <= 2.0 ** MANT[acc] and n * M <= LIMIT[dt]:
                return Meta(shape, dt, lo, hi, 0.0, True)
            err = n * m.err + 4 * UNIT[acc] * n ** 1.5 * M + 2 * UNIT[dt] * n * M
        elif op == "reduce_mean":
            lo, hi = m.lo, m.hi
            err = m.err + 4 * UNIT[acc] * (n ** 0.5 + 2) * M + 2 * UNIT[dt] * M
        else:  # reduce_prod
            P = M ** n
            if P > LIMIT[dt]:
                return None
            lo, hi = (m.lo ** n, m.hi ** n) if m.lo >= 0 else (-P, P)
            if m.exact and m.integral and P <= 2.0 ** MANT[acc]:
                return Meta(shape, dt, lo, hi, 0.0, True)
            err = n * max(M, 1.0) ** (n - 1) * m.err + 4 * UNIT[acc] * n * P + 2 * UNIT[dt] * P
        out = Meta(shape, dt, lo - err, hi + err, err)
        return out if valid_float(out) else None
    return infer


def gen_reduction(b):
    rng = b.rng
    op = choice(rng, ["reduce_sum", "reduce_max", "reduce_min", "reduce_mean", "reduce_prod"],
                [4, 2, 2, 2, 1])
    ok = {"reduce_mean": is_float}.get(op, lambda d: True if op in ("reduce_max", "reduce_min")
                                       else d != "i1")
    special = op in ("reduce_max", "reduce_min")
    x = b.operand(lambda m: ok(m.dt) and len(m.shape) >= 1 and (special or not m.special),
                  lambda: b.fresh(rand_shape(rng, min_rank=1), b.rand_dt(ok), special=special))
    mx = b.meta(x)
    axes, shown = rand_axes(rng, len(mx.shape))
    n = prod(mx.shape[a] for a in axes)
    if op == "reduce_prod":
        if n > 12:
            raise GenFail("long product")
        if is_float(mx.dt) and (mx.M > 1.5 or mx.lo < 0.5) and rng.random() < 0.8:
            x = b.prim("add", b.prim("mul", b.prim("tanh", x), 0.5), 1.0)
            mx = b.meta(x)
    keep = bool(rng.random() < 0.4)
    shape = reduced_shape(mx.shape, axes, keep)
    attrs = f"axes = {arr(shown)}" + (", keep_dims = true" if keep else "")
    return b.add_node(op, [x], attrs, red_infer(op, n, shape), shape, mx.dt)


def gen_argmax(b):
    rng = b.rng
    x = b.operand(lambda m: len(m.shape) >= 1 and m.exact,
                  lambda: b.fresh(rand_shape(rng, min_rank=1), b.rand_dt(),
                                  kind=choice(rng, ["integral", "uniform"]), special=True))
    mx = b.meta(x)
    axes, shown = rand_axes(rng, len(mx.shape), 1)
    keep = bool(rng.random() < 0.4)
    shape = reduced_shape(mx.shape, axes, keep)
    size = mx.shape[axes[0]]

    def infer(ms, shape=shape):
        return Meta(shape, "i64", 0, size - 1, integral=True) if ms[0].exact else None
    attrs = f"axes = {arr(shown)}" + (", keep_dims = true" if keep else "")
    return b.add_node(choice(rng, ["argmax", "argmin"]), [x], attrs, infer, shape, "i64")


def gen_cumsum(b):
    """A running sum: each result is a sum of up to n terms (reduce_sum's bounds, with a
    sequential sum's error) and exclusive ones include 0."""
    rng = b.rng
    x = b.operand(lambda m: m.dt != "i1" and len(m.shape) >= 1 and not m.special,
                  lambda: b.fresh(rand_shape(rng, min_rank=1), b.rand_dt(lambda d: d != "i1")))
    mx = b.meta(x)
    axes, shown = rand_axes(rng, len(mx.shape), 1)
    n = mx.shape[axes[0]]
    attrs = [f"axis = {shown[0]} : i64"]
    if rng.random() < 0.4:
        attrs.append("exclusive = true")
    if rng.random() < 0.4:
        attrs.append("reverse = true")

    def infer(ms):
        m = ms[0]
        lo, hi = min(n * m.lo, m.lo, 0), max(n * m.hi, m.hi, 0)
        if not is_float(m.dt):
            return Meta(m.shape, m.dt, *iclamp(m.dt, lo, hi), integral=True)
        acc = "f32" if m.dt in ("f16", "bf16") else m.dt
        if m.exact and m.integral and n * m.M <= 2.0 ** MANT[acc] and n * m.M <= LIMIT[m.dt]:
            return Meta(m.shape, m.dt, lo, hi, 0.0, True)
        err = n * m.err + 4 * UNIT[acc] * n ** 2 * m.M + 2 * UNIT[m.dt] * n * m.M
        out = Meta(m.shape, m.dt, lo - err, hi + err, err)
        return out if valid_float(out) else None
    return b.add_node("cumsum", [x], ", ".join(attrs), infer, mx.shape, mx.dt)


def gen_iota(b):
    """Positions along an axis, in a type that holds them exactly."""
    rng = b.rng
    shape = rand_shape(rng, min_rank=1)
    axis = int(rng.integers(0, len(shape)))
    n = shape[axis]
    dt = b.rand_dt(lambda d: d != "i1" and (n - 1 <= IMAX[d] if d in IMAX else
                                            n <= 2.0 ** MANT[d]))

    def infer(ms):
        return Meta(shape, dt, 0, max(n - 1, 0), 0.0, True)
    return b.add_node("iota", [], f"axis = {axis} : i64", infer, shape, dt)


def softmax_infer(op, n, shape):
    def infer(ms):
        m = ms[0]
        if m.special or not is_float(m.dt) or m.err > 0.5:
            return None
        dt = m.dt
        uc = ucomp(dt)
        width = m.hi - m.lo
        if op == "softmax":
            lo, hi = 0.0, 1.0
            err = math.expm1(2 * m.err) + (34 + n + width) * uc + 2 * UNIT[dt]
        else:
            lo, hi = -(width + math.log(n)), 0.0
            err = 2 * m.err + (34 + n) * uc + 4 * uc * (width + m.M + math.log(n)) + \
                2 * UNIT[dt] * (width + math.log(n))
        out = Meta(shape, dt, lo - err, hi + err, err)
        return out if valid_float(out) else None
    return infer


def gen_softmax(b):
    rng = b.rng
    op = choice(rng, ["softmax", "log_softmax"])
    x = b.operand(lambda m: is_float(m.dt) and len(m.shape) >= 1 and not m.special,
                  lambda: b.fresh(rand_shape(rng, min_rank=1), b.rand_dt(is_float)))
    mx = b.meta(x)
    r = len(mx.shape)
    axis = int(rng.integers(-r, r))
    n = mx.shape[axis]
    return b.add_node(op, [x], f"axis = {axis} : i64", softmax_infer(op, n, mx.shape),
                      mx.shape, mx.dt)


def norm_infer(op, nd, eps, shape):
    def infer(ms):
        if any(m.special for m in ms) or any(m.dt != ms[0].dt for m in ms):
            return None
        x, g = ms[0], ms[1]
        bb = ms[2] if op == "layer_norm" else None
        dt = x.dt
        uc = ucomp(dt)
        A = 1.0 / math.sqrt(eps)
        if op == "layer_norm":
            B = min(math.sqrt(max(nd - 1, 0)), (x.hi - x.lo) * A)
            err_d = 2 * x.err + (4 + 4 * math.sqrt(nd)) * uc * x.M
        else:
            B = min(math.sqrt(nd), x.M * A)
            err_d = x.err + 2 * uc * x.M
        err_x = (1 + math.sqrt(nd)) * A * err_d + (8 + nd) * uc * B
        Mb = bb.M if bb else 0.0
        eb = bb.err if bb else 0.0
        Mo = B * g.M + Mb
        err = err_x * g.M + B * g.err + eb + 4 * uc * Mo + 2 * UNIT[dt] * Mo
        out = Meta(shape, dt, -Mo - err, Mo + err, err)
        return out if valid_float(out) else None
    return infer


def gen_norm(b):
    rng = b.rng
    op = choice(rng, ["layer_norm", "rms_norm"])
    x = b.operand(lambda m: is_float(m.dt) and len(m.shape) >= 1 and not m.special,
                  lambda: b.fresh(rand_shape(rng, min_rank=1), b.rand_dt(is_float)))
    mx = b.meta(x)
    r = len(mx.shape)
    axis = int(rng.integers(-r, r))
    pshape = mx.shape[axis % r:]
    nd = prod(pshape)
    eps = float(choice(rng, [1e-5, 1e-3, 0.1, 1.0]))
    g = b.operand(lambda m: m.dt == mx.dt and m.shape == pshape and not m.special,
                  lambda: b.fresh(pshape, mx.dt, kind="uniform", lo=0.5, hi=2.0), p_pool=0.3)
    ops = [x, g]
    if op == "layer_norm":
        ops.append(b.operand(lambda m: m.dt == mx.dt and m.shape == pshape and not m.special,
                             lambda: b.fresh(pshape, mx.dt, kind="uniform", lo=-1.0, hi=1.0),
                             p_pool=0.3))
    attrs = f"axis = {axis} : i64, epsilon = {eps:.6e} : f32"
    return b.add_node(op, ops, attrs, norm_infer(op, nd, eps, mx.shape), mx.shape, mx.dt)


def move_infer(shape):
    return lambda ms: ms[0].but(shape=shape)


def gen_transpose(b):
    rng = b.rng
    x = b.operand(lambda m: len(m.shape) >= 1,
                  lambda: b.fresh(rand_shape(rng, min_rank=2), b.rand_dt(), special=True))
    mx = b.meta(x)
    perm = [int(p) for p in rng.permutation(len(mx.shape))]
    shape = tuple(mx.shape[p] for p in perm)
    return b.add_node("transpose", [x], f"permutation = {arr(perm)}", move_infer(shape), shape,
                      mx.dt)


def gen_reshape(b):
    rng = b.rng
    x = b.operand(lambda m: True, lambda: b.fresh(rand_shape(rng), b.rand_dt(), special=True))
    mx = b.meta(x)
    n = prod(mx.shape)
    rank = int(rng.choice([0, 1, 2, 3, 4]))
    shape = factor_shape(rng, n, rank)
    if shape is None or shape == mx.shape:
        shape = factor_shape(rng, n, max(1, rank))
    return b.add_node("reshape", [x], "", move_infer(shape), shape, mx.dt)


def gen_broadcast(b):
    rng = b.rng
    x = b.operand(lambda m: prod(m.shape) <= CAP // 3,
                  lambda: b.fresh(rand_shape(rng, cap=60), b.rand_dt(), special=True))
    mx = b.meta(x)
    shape = tuple(int(rng.choice(DIMS[2:10])) if d == 1 and rng.random() < 0.7 else d
                  for d in mx.shape)
    while len(shape) < 4 and rng.random() < 0.4:
        shape = (int(rng.choice([1, 2, 3, 5])),) + shape
    if prod(shape) > CAP:
        raise GenFail("too big")
    return b.add_node("broadcast_to", [x], "", move_infer(shape), shape, mx.dt)


def union_infer(shape):
    def infer(ms):
        dt = ms[0].dt
        if any(m.dt != dt for m in ms):
            return None
        lo, hi = min(m.lo for m in ms), max(m.hi for m in ms)
        if not is_float(dt):
            return Meta(shape, dt, lo, hi, integral=True)
        return Meta(shape, dt, lo, hi, max(m.err for m in ms), all(m.integral for m in ms),
                    any(m.special for m in ms))
    return infer


def gen_concat(b):
    rng = b.rng
    x = b.operand(lambda m: len(m.shape) >= 1,
                  lambda: b.fresh(rand_shape(rng, min_rank=1), b.rand_dt(), special=True))
    mx = b.meta(x)
    r = len(mx.shape)
    axis = int(rng.integers(0, r))
    parts = [x]
    total = mx.shape[axis]
    for _ in range(int(rng.integers(0, 3))):
        size = int(rng.choice([1, 2, 3, 5, 7]))
        s = mx.shape[:axis] + (size,) + mx.shape[axis + 1:]
        if rng.random() < 0.25:
            v, size = x, mx.shape[axis]
        else:
            v = b.operand(lambda m, s=s: m.dt == mx.dt and len(m.shape) == r and all(
                m.shape[d] == mx.shape[d] for d in range(r) if d != axis),
                lambda s=s: b.fresh(s, mx.dt, special=True), p_pool=0.5)
            size = b.meta(v).shape[axis]
        parts.append(v)
        total += size
    shape = mx.shape[:axis] + (total,) + mx.shape[axis + 1:]
    if prod(shape) > CAP:
        raise GenFail("too big")
    if rng.random() < 0.5:
        parts = parts[::-1]
    shown = axis - r if rng.random() < 0.3 else axis
    return b.add_node("concat", parts, f"axis = {shown} : i64", union_infer(shape), shape, mx.dt)


def gen_slice(b):
    rng = b.rng
    x = b.operand(lambda m: len(m.shape) >= 1,
                  lambda: b.fresh(rand_shape(rng, min_rank=1), b.rand_dt(), special=True))
    mx = b.meta(x)
    starts, limits, strides, shape = [], [], [], []
    for d in mx.shape:
        s = int(rng.integers(0, d))
        lim = int(rng.integers(s + 1, d + 1))
        st = int(rng.choice([1, 1, 1, 2, 3]))
        starts.append(s)
        limits.append(lim)
        strides.append(st)
        shape.append(-(-(lim - s) // st))
    attrs = f"starts = {arr(starts)}, limits = {arr(limits)}"
    if any(st != 1 for st in strides) or rng.random() < 0.3:
        attrs += f", strides = {arr(strides)}"
    return b.add_node("slice", [x], attrs, move_infer(tuple(shape)), tuple(shape), mx.dt)


def gen_gather(b):
    """gather or gather_elements, with indices that are negative or out of range (zeros) too."""
    rng = b.rng
    x = b.operand(lambda m: len(m.shape) >= 1,
                  lambda: b.fresh(rand_shape(rng, min_rank=1), b.rand_dt(), special=True))
    mx = b.meta(x)
    rank = len(mx.shape)
    axis = int(rng.integers(0, rank))
    n = mx.shape[axis]
    elements = bool(rng.random() < 0.4)
    if elements:
        ishape = tuple(int(rng.integers(1, 2 * n + 2)) if d == axis else int(rng.integers(1, s + 1))
                       for d, s in enumerate(mx.shape))
        shape = ishape
    else:
        ishape = rand_shape(rng, rank=int(rng.integers(0, 3)))
        shape = mx.shape[:axis] + ishape + mx.shape[axis + 1:]
    if prod(shape) > CAP or prod(ishape) > CAP:
        raise GenFail("too big")
    idt = choice(rng, ["i8", "i16", "i32", "i64"])
    indices = b.fresh(ishape, idt, lo=max(-n - 2, -128), hi=min(n + 1, 127))
    op = "gather_elements" if elements else "gather"
    shown = axis - rank if rng.random() < 0.3 else axis

    def infer(ms, shape=shape):
        return ms[0].but(shape=shape, lo=min(ms[0].lo, 0), hi=max(ms[0].hi, 0))
    return b.add_node(op, [x, indices], f"axis = {shown} : i64", infer, shape, mx.dt)


def gen_pad(b):
    rng = b.rng
    x = b.operand(lambda m: len(m.shape) >= 1,
                  lambda: b.fresh(rand_shape(rng, min_rank=1), b.rand_dt(), special=True))
    mx = b.meta(x)
    low = [int(rng.integers(0, 3)) for _ in mx.shape]
    high = [int(rng.integers(0, 3)) for _ in mx.shape]
    shape = tuple(d + lo + hi for d, lo, hi in zip(mx.shape, low, high))
    if prod(shape) > CAP:
        raise GenFail("too big")
    attrs = f"low = {arr(low)}, high = {arr(high)}"
    value = 0
    if rng.random() < 0.6:
        if mx.dt == "i1":
            value = int(rng.integers(0, 2))
            attrs += f", value = {fmt_scalar(value, 'i1')}"
        else:
            value = choice(rng, FLOAT_CONSTS if is_float(mx.dt) else INT_CONSTS)
            attrs += f", value = {fmt_scalar(value, mx.dt)} : {mx.dt}"

    def infer(ms, value=value, shape=shape):
        m = ms[0]
        lo, hi = min(m.lo, value), max(m.hi, value)
        if not is_float(m.dt):
            return Meta(shape, m.dt, lo, hi, integral=True)
        return m.but(shape=shape, lo=lo, hi=hi, integral=m.integral and float(value).is_integer())
    return b.add_node("pad", [x], attrs, infer, shape, mx.dt)


def nhwc(b, ok, special=False, min_hw=1):
    """An NHWC operand: a pooled rank-4 value, a reshaped pooled value or a fresh input."""
    rng = b.rng
    r = rng.random()
    if r < 0.4:
        v = b.pick(lambda m: ok(m) and len(m.shape) == 4 and m.shape[1] >= min_hw and
                   m.shape[2] >= min_hw)
        if v is not None:
            return v
    if r < 0.7:
        v = b.pick(lambda m: ok(m) and prod(m.shape) >= min_hw * min_hw)
        if v is not None:
            m = b.meta(v)
            for _ in range(10):
                s = factor_shape(rng, prod(m.shape), 4)
                s = tuple(sorted(s[:1]) + list(s[1:]))
                if s[1] >= min_hw and s[2] >= min_hw:
                    return b.add_node("reshape", [v], "", move_infer(s), s, m.dt)
    shape = (int(rng.choice([1, 1, 2])), int(rng.choice([3, 5, 7, 8, 9])),
             int(rng.choice([3, 4, 6, 7, 9])), int(rng.choice([1, 2, 3, 4])))
    return b.fresh(shape, b.rand_dt(lambda d: ok(Meta((), d, 0, 0, 0, False, False))),
                   special=special)


def conv_infer(K, out_dt, shape):
    return mm_infer(K, out_dt, shape)


def window_out(size, lo, hi, k, stride, dil):
    eff = dil * (k - 1) + 1
    if size + lo + hi < eff:
        return None
    return (size + lo + hi - eff) // stride + 1


def gen_conv(b):
    rng = b.rng
    x = nhwc(b, lambda m: m.dt != "i1" and not m.special, min_hw=2)
    mx = b.meta(x)
    N, H, W, C = mx.shape
    if C > 16:
        raise GenFail("too many channels")
    KH, KW, O = int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.choice([1, 2, 3, 5]))
    # Grouped sometimes: depthwise (groups = C, a multiplier of 1 or 2) or a divisor of C.
    groups = 1
    if C > 1 and rng.random() < 0.3:
        groups = C if rng.random() < 0.5 else int(rng.choice([g for g in range(1, C + 1)
                                                               if C % g == 0]))
        O = groups * int(rng.choice([1, 1, 2]))
    strides = [int(rng.choice([1, 1, 2])) for _ in range(2)]
    dil = [int(rng.choice([1, 1, 2])) for _ in range(2)]
    # The transposed convolution's padding crops (or, when negative, extends) its result.
    transposed = bool(rng.random() < 0.25)
    pad = [int(rng.choice([-1, 0, 0, 1, 2] if transposed else [0, 0, 1, 2])) for _ in range(4)]
    if transposed:
        strides = [int(rng.choice([1, 2, 3])) for _ in range(2)]
        ho, wo = [(size - 1) * s + d * (k - 1) + 1 - lo - hi
                  for size, s, d, k, lo, hi in zip((H, W), strides, dil, (KH, KW), pad[::2],
                                                   pad[1::2])]
        if ho < 1 or wo < 1:
            raise GenFail("nothing left")
    else:
        ho = window_out(H, pad[0], pad[1], KH, strides[0], dil[0])
        wo = window_out(W, pad[2], pad[3], KW, strides[1], dil[1])
        if not ho or not wo:
            raise GenFail("window does not fit")
    fs = (KH, KW, C // groups, O)
    f = b.operand(lambda m: m.dt == mx.dt and m.shape == fs and not m.special,
                  lambda: b.fresh(fs, mx.dt), p_pool=0.3)
    out_dt = "i32" if mx.dt == "i8" and rng.random() < 0.6 else mx.dt
    shape = (N, ho, wo, O)
    if prod(shape) > CAP:
        raise GenFail("too big")
    attrs = []
    if strides != [1, 1] or rng.random() < 0.3:
        attrs.append(f"strides = {arr(strides)}")
    if pad != [0, 0, 0, 0] or rng.random() < 0.3:
        attrs.append(f"padding = {arr(pad)}")
    if dil != [1, 1] or rng.random() < 0.3:
        attrs.append(f"dilations = {arr(dil)}")
    if groups > 1:
        attrs.append(f"groups = {groups} : i64")
    return b.add_node("conv_transpose2d" if transposed else "conv2d", [x, f], ", ".join(attrs),
                      conv_infer(KH * KW * (C // groups), out_dt, shape), shape, out_dt)


def gen_pool(b):
    rng = b.rng
    op = choice(rng, ["max_pool2d", "avg_pool2d"])
    if op == "max_pool2d":
        ok = lambda m: m.dt != "i1"
    else:
        ok = lambda m: is_float(m.dt) and not m.special
    x = nhwc(b, ok, special=op == "max_pool2d", min_hw=2)
    mx = b.meta(x)
    N, H, W, C = mx.shape
    window = [int(rng.integers(1, 4)), int(rng.integers(1, 4))]
    strides = [int(rng.integers(1, 4)), int(rng.integers(1, 4))] if rng.random() < 0.6 else None
    st = strides or window
    pad = [int(rng.integers(0, window[i // 2])) if rng.random() < 0.5 else 0 for i in range(4)]
    ho = window_out(H, pad[0], pad[1], window[0], st[0], 1)
    wo = window_out(W, pad[2], pad[3], window[1], st[1], 1)
    if not ho or not wo:
        raise GenFail("window does not fit")
    shape = (N, ho, wo, C)
    attrs = f"window = {arr(window)}"
    if strides:
        attrs += f", strides = {arr(strides)}"
    if pad != [0, 0, 0, 0] or rng.random() < 0.3:
        attrs += f", padding = {arr(pad)}"
    k = window[0] * window[1]
    if op == "max_pool2d":
        infer = move_infer(shape)
    else:
        def infer(ms, shape=shape):
            m = ms[0]
            if m.special or not is_float(m.dt):
                return None
            err = m.err + (4 * k ** 0.5 + 4) * ucomp(m.dt) * m.M + 2 * UNIT[m.dt] * m.M
            out = Meta(shape, m.dt, m.lo - err, m.hi + err, err)
            return out if valid_float(out) else None
    return b.add_node(op, [x], attrs, infer, shape, mx.dt)


def gen_map(b):
    rng = b.rng
    nargs = int(choice(rng, [1, 2, 2, 3]))
    x = b.operand(lambda m: True, lambda: b.fresh(rand_shape(rng), b.rand_dt(), special=True))
    vids = [x]
    R = b.meta(x).shape
    for _ in range(nargs - 1):
        s = partner(rng, R)
        dt = b.meta(x).dt if rng.random() < 0.6 else b.rand_dt()
        v = b.operand(lambda m, s=s, dt=dt: m.shape == s and m.dt == dt,
                      lambda s=s, dt=dt: b.fresh(s, dt, special=True), p_pool=0.6)
        R = bshape(R, b.meta(v).shape)
        vids.append(v)
    if prod(R) > CAP:
        raise GenFail("too big")
    b.nk += 1
    kid = f"k{b.nk}"
    kernel = build_kernel(rng, kid, [b.meta(v) for v in vids])
    out = kernel.infer([b.meta(v) for v in vids])
    if out is None:
        raise GenFail("kernel")

    def infer(ms, kernel=kernel, shape=R):
        r = kernel.infer(ms)
        return r.but(shape=shape) if r else None
    b.g.kernels[kid] = kernel
    return b.add_node("map", vids, "", infer, R, out.dt, style="map", kernel=kid)


def gen_reduce_kernel(b):
    rng = b.rng
    x = b.operand(lambda m: len(m.shape) >= 1,
                  lambda: b.fresh(rand_shape(rng, min_rank=1), b.rand_dt(), special=True))
    mx = b.meta(x)
    dt = mx.dt
    if dt == "i1":
        name, inits = choice(rng, BOOL_COMBINERS), [0, 1]
    elif is_float(dt):
        name, inits = choice(rng, FLOAT_COMBINERS), [0.0, 1.0, -2.5, 0.5]
    else:
        name, inits = choice(rng, INT_COMBINERS), [0, 1, -5, 7]
    init = choice(rng, inits)
    axes, shown = rand_axes(rng, len(mx.shape))
    n = prod(mx.shape[a] for a in axes)
    keep = bool(rng.random() < 0.4)
    shape = reduced_shape(mx.shape, axes, keep)
    b.nk += 1
    kid = f"k{b.nk}"
    b.g.kernels[kid] = combiner_kernel(kid, name, dt)
    init_text = fmt_scalar(init, dt) if dt == "i1" else f"{fmt_scalar(init, dt)} : {dt}"
    attrs = f"axes = {arr(shown)}, init = {init_text}" + (", keep_dims = true" if keep else "")

    def infer(ms, name=name, n=n, init=init, shape=shape):
        r = _reduce_fold(name, n, ms[0].but(shape=()), init)
        return r.but(shape=shape) if r else None
    return b.add_node("reduce", [x], attrs, infer, shape, dt, style="reduce", kernel=kid)


def gen_constant(b, ok=lambda d: True):
    rng = b.rng
    dt = b.rand_dt(ok)
    shape = rand_shape(rng, int(rng.choice([0, 1, 1, 2])), cap=12)
    if dt == "i1":
        vals = rng.integers(0, 2, shape)
    elif is_float(dt):
        vals = rng.integers(-16, 17, shape) / 4.0
    else:
        vals = rng.integers(max(IMIN[dt], -100), min(IMAX[dt], 100) + 1, shape)
    vals = np.asarray(vals)

    def lit(a):
        if a.ndim == 0:
            return fmt_scalar(a.item(), dt)
        return "[" + ", ".join(lit(x) for x in a) + "]"
    lo, hi = (float(vals.min()), float(vals.max())) if is_float(dt) else (int(vals.min()),
                                                                          int(vals.max()))
    m = Meta(shape, dt, lo, hi, 0.0, True)
    return b.add_node("constant", [], f"dense<{lit(vals)}>", const_infer(m), shape, dt,
                      style="const")


GENERATORS = [(10, gen_binary), (8, gen_unary), (4, gen_cmp), (4, gen_select), (5, gen_cast),
              (5, gen_matmul), (6, gen_reduction), (2, gen_argmax), (3, gen_softmax),
              (3, gen_norm), (3, gen_transpose), (3, gen_reshape), (2, gen_broadcast),
              (2, gen_concat), (3, gen_slice), (2, gen_pad), (2, gen_gather), (3, gen_conv),
              (3, gen_pool), (6, gen_map), (3, gen_reduce_kernel), (1, gen_constant),
              (2, gen_cumsum), (1, gen_iota)]


def generate(seed, index):
    """Graph `index` of `seed`: a function of the two alone."""
    for attempt in range(20):
        rng = np.random.default_rng([seed, index, attempt])
        b = TB(rng, f"g{index}", int(rng.integers(0, 2 ** 31)))
        target = int(rng.integers(2, 13))
        made = 0
        for _ in range(60):
            if made >= target:
                break
            gen = choice(rng, [g for _, g in GENERATORS], [w for w, _ in GENERATORS])
            try:
                gen(b)
                made += 1
            except GenFail:
                pass
        g = b.g
        used = {o for n in g.nodes for o in n.operands}
        sinks = [n.vid for n in g.nodes if n.vid not in used and n.style != "const"]
        if not g.inputs:
            continue
        if not sinks:
            continue
        results = [sinks[-1]] + [s for s in sinks[:-1] if rng.random() < 0.7][-3:]
        final = []
        for r in results:
            if g.metas[r].dt == "bf16":
                try:
                    r = b.cast(r, choice(rng, ["f32", "f32", "f64", "i32"]))
                except GenFail:
                    continue
            final.append(r)
        if not final:
            continue
        # Now and then a result that no op computes: an argument or a constant (copy-outs).
        if rng.random() < 0.06 and g.inputs:
            a = choice(rng, g.inputs).vid
            if a not in final:
                final.append(a)
        if rng.random() < 0.05:
            try:
                final.append(gen_constant(b, lambda d: d != "bf16"))
            except GenFail:
                pass
        g.results = final
        g.dce()
        g.origin = f"seed={seed},index={index}"
        assert g.reinfer()
        return g
    raise RuntimeError(f"could not generate graph {index} of seed {seed}")
