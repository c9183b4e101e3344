"""Kernel bodies: random scalar arith/math steps for kiln.map, combiners for kiln.reduce."""

from kilntest import IMAX, IMIN, INT_TYPES, bshape

from .builders import FLOAT_CONSTS, INT_CONSTS, KB, choice
from .conditioning import condition
from .dtypes import FLOAT_TYPES, MANT, UNIT, WIDTH, Meta, iclamp, is_float, ucomp, valid_float
from .elementwise import FFNS, IFNS, infer_cast
from .graphs import GenFail, Kernel, Step
from .known_issues import known


SCALAR_FFNS = [n for n, f in FFNS.items() if f.scalar]
SCALAR_IFNS = [n for n, f in IFNS.items() if f.scalar]
CMPF = ["false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord", "ueq", "ugt", "uge", "ult",
        "ule", "une", "uno", "true"]
CMPI = ["eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"]
FLOAT_ORDER = {"f16": 1, "bf16": 1, "f32": 2, "f64": 3}


def cmp_scalar_infer(ms):
    if any(not m.exact for m in ms) or ms[0].dt != ms[1].dt:
        return None
    return Meta((), "i1", 0, 1, integral=True)


def select_infer(ms):
    c, t, f = ms
    if c.dt != "i1" or t.dt != f.dt:
        return None
    shape = bshape(c.shape, t.shape, f.shape)
    if is_float(t.dt):
        return Meta(shape, t.dt, min(t.lo, f.lo), max(t.hi, f.hi), max(t.err, f.err),
                    t.integral and f.integral, t.special or f.special)
    return Meta(shape, t.dt, min(t.lo, f.lo), max(t.hi, f.hi), integral=True)


def class_infer(ms):
    return Meta((), "i1", 0, 1, integral=True) if is_float(ms[0].dt) else None


def bitcast_infer(dst):
    def infer(ms):
        m = ms[0]
        if is_float(m.dt):
            if not m.exact or m.special:
                return None
            return Meta((), dst, IMIN[dst], IMAX[dst], integral=True)
        big = {"f16": 65504.0, "bf16": 3.38e38, "f32": 3.4e38, "f64": 1.79e308}[dst]
        return Meta((), dst, -big, big, 0.0, False, True)
    return infer


def fpowi_infer(ms):
    x, e = ms
    if x.special or not is_float(x.dt) or x.lo < 0.25 or not (0 <= e.lo and e.hi <= 3):
        return None
    vals = [x.lo ** k for k in range(int(e.lo), int(e.hi) + 1)] + \
           [x.hi ** k for k in range(int(e.lo), int(e.hi) + 1)]
    lo, hi = min(vals), max(vals)
    Mo = max(abs(lo), abs(hi))
    err = 3 * max(x.M, 1.0) ** 2 * x.err + 32 * ucomp(x.dt) * Mo
    if x.dt in ("f16", "bf16"):
        err += 2 * UNIT[x.dt] * Mo
    out = Meta((), x.dt, lo - err, hi + err, err)
    return out if valid_float(out) else None


def conversion_for(rng, src, meta):
    """A legal arith conversion op from src: (op, dst) or None."""
    options = []
    if is_float(src):
        for dst in FLOAT_TYPES:
            if {src, dst} == {"f16", "bf16"} or src == dst:
                continue
            options.append(("arith.extf" if FLOAT_ORDER[dst] > FLOAT_ORDER[src] else "arith.truncf", dst))
        for dst in INT_TYPES:
            options.append(("arith.fptosi", dst))
            options.append(("arith.fptoui", dst))
        w = {"f32": "i32", "f64": "i64", "f16": "i16", "bf16": "i16"}[src]
        options.append(("arith.bitcast", w))
    else:
        for dst in FLOAT_TYPES:
            options.append(("arith.sitofp", dst))
            if src != "i1":
                options.append(("arith.uitofp", dst))
        for dst in INT_TYPES + ("i1",):
            if WIDTH[dst] > WIDTH[src]:
                options.append(("arith.extsi", dst))
                options.append(("arith.extui", dst))
            elif WIDTH[dst] < WIDTH[src]:
                options.append(("arith.trunci", dst))
        if src in ("i16", "i32", "i64"):
            w = {"i16": choice(rng, ["f16", "bf16"]), "i32": "f32", "i64": "f64"}[src]
            options.append(("arith.bitcast", w))
    return choice(rng, options) if options else None


def conversion_infer(op, dst):
    if op == "arith.bitcast":
        return bitcast_infer(dst)

    def infer(ms):
        m = ms[0]
        if op in ("arith.extsi", "arith.sitofp") and m.dt == "i1":  # signed i1: true is -1
            return Meta((), dst, -1.0 if is_float(dst) else -1, 0, 0.0, True)
        return infer_cast(m, dst, kernel_op=op)
    return infer


def kernel_step(kb):
    rng = kb.rng
    r = rng.random()
    floats = lambda m: is_float(m.dt)
    if r < 0.42 and kb.pick(floats):
        fname = choice(rng, SCALAR_FFNS)
        fn = FFNS[fname]
        x = kb.pick(lambda m: is_float(m.dt) and (fn.special_ok or not m.special))
        if x is None:
            raise GenFail("no float operand")
        dt = kb.metas[x].dt
        ops = [x]
        for _ in range(fn.arity - 1):
            y = kb.pick(lambda m: m.dt == dt and (fn.special_ok or not m.special))
            if y is None or rng.random() < 0.3:
                y = kb.const(dt, choice(rng, FLOAT_CONSTS))
            ops.append(y)
        if fn.arity > 1 and rng.random() < 0.5:
            ops[0], ops[1] = ops[1], ops[0]
        ops = [condition(kb, o, req, dt) for o, req in zip(ops, fn.reqs)]
        return kb.ew(fname, ops)
    if r < 0.6 and kb.pick(lambda m: not is_float(m.dt)):
        x = kb.pick(lambda m: not is_float(m.dt))
        dt = kb.metas[x].dt
        names = [n for n in SCALAR_IFNS if dt != "i1" or IFNS[n].bool_ok]
        fname = choice(rng, names)
        fn = IFNS[fname]
        ops = [x]
        for _ in range(fn.arity - 1):
            y = kb.pick(lambda m: m.dt == dt)
            if y is None or rng.random() < 0.3:
                y = kb.const(dt, choice(rng, INT_CONSTS))
            ops.append(y)
        if fn.arity > 1 and rng.random() < 0.5 and not any(fn.reqs[1]):
            ops[0], ops[1] = ops[1], ops[0]
        ops = [condition(kb, o, req, dt) for o, req in zip(ops, fn.reqs)]
        return kb.ew(fname, ops)
    if r < 0.7:
        x = kb.pick(lambda m: m.exact)
        if x is None:
            raise GenFail("no exact operand")
        dt = kb.metas[x].dt
        y = kb.pick(lambda m: m.dt == dt and m.exact)
        if y is None or rng.random() < 0.3:
            y = kb.const(dt, choice(rng, FLOAT_CONSTS if is_float(dt) else INT_CONSTS))
        if is_float(dt):
            pred = choice(rng, CMPF)
            if known(f"arith.cmpf {pred}", dt):
                raise GenFail("known issue: cmpf")
            return kb.add_step("arith.cmpf", [x, y], "i1", "cmp", pred, cmp_scalar_infer)
        return kb.add_step("arith.cmpi", [x, y], "i1", "cmp", choice(rng, CMPI),
                           cmp_scalar_infer)
    if r < 0.78:
        c = kb.pick(lambda m: m.dt == "i1")
        if c is None:
            raise GenFail("no condition")
        t = kb.pick(lambda m: True)
        dt = kb.metas[t].dt
        f = kb.pick(lambda m: m.dt == dt)
        if rng.random() < 0.5:
            t, f = f, t
        return kb.add_step("arith.select", [c, t, f], dt, "select", None, select_infer)
    if r < 0.92:
        x = kb.pick(lambda m: True)
        src = kb.metas[x].dt
        conv = conversion_for(rng, src, kb.metas[x])
        if conv is None:
            raise GenFail("no conversion")
        op, dst = conv
        return kb.add_step(op, [x], dst, "conv", None, conversion_infer(op, dst))
    if r < 0.96:
        x = kb.pick(floats)
        if x is None:
            raise GenFail("no float")
        op = choice(rng, ["math.isnan", "math.isinf", "math.isfinite"])
        return kb.add_step(op, [x], "i1", "class", None, class_infer)
    x = kb.pick(lambda m: is_float(m.dt) and not m.special)
    e = kb.pick(lambda m: m.dt in INT_TYPES)
    if x is None or e is None:
        raise GenFail("fpowi operands")
    dt = kb.metas[x].dt
    if known("math.fpowi exponent", kb.metas[e].dt):
        raise GenFail("known issue: fpowi")
    x = condition(kb, x, [("min", 0.25)], dt)
    e = kb.prim("andi", e, 3)
    return kb.add_step("math.fpowi", [x, e], dt, "fpowi", None, fpowi_infer)


def build_kernel(rng, kid, arg_metas, max_steps=6):
    kb = KB(rng, arg_metas)
    for _ in range(int(rng.integers(1, max_steps + 1))):
        try:
            kernel_step(kb)
        except GenFail:
            pass
    return kb.finish(kid)


# Combiners for kiln.reduce: (name, dtypes, body builder, fold analysis).
def _reduce_fold(name, n, m, init):
    """The Meta of folding n elements of meta m with combiner `name` from `init`."""
    dt = m.dt
    if not is_float(dt):
        if dt == "i1":
            return Meta((), dt, 0, 1, integral=True)
        if name in ("maxsi", "minsi"):
            return Meta((), dt, min(m.lo, init), max(m.hi, init), integral=True)
        if name == "addi":
            return Meta((), dt, *iclamp(dt, init + n * min(m.lo, 0), init + n * max(m.hi, 0)),
                        integral=True)
        return Meta((), dt, IMIN[dt], IMAX[dt], integral=True)
    if m.special and name not in ("maximumf", "minimumf"):
        return None
    u, M = UNIT[dt], max(m.M, abs(init))
    if name in ("maximumf", "minimumf"):
        return Meta((), dt, min(m.lo, init), max(m.hi, init), m.err, m.integral and
                    float(init).is_integer(), m.special)
    if name == "addf":
        lo, hi = init + n * min(m.lo, 0), init + n * max(m.hi, 0)
        if m.exact and m.integral and float(init).is_integer() and \
                n * M + abs(init) <= 2.0 ** MANT[dt]:
            return Meta((), dt, lo, hi, 0.0, True)
        err = n * m.err + 4 * u * n ** 1.5 * M
    elif name == "addabs":
        lo, hi = init, init + n * m.M
        err = n * m.err + 4 * u * n ** 1.5 * M
    elif name == "sumsq":
        lo, hi = init, init + n * m.M ** 2
        err = n * 2 * m.M * m.err + 4 * u * n ** 1.5 * max(m.M ** 2, abs(init))
    elif name == "decay":
        B = abs(init) + 2 * m.M
        lo, hi = -B, B
        err = 2 * m.err + 8 * u * B
    else:
        return None
    out = Meta((), dt, lo - err, hi + err, err)
    return out if valid_float(out) else None


def combiner_body(name, dt):
    """Steps of a (acc, x) -> acc combiner named `name`."""
    if name in ("addabs", "sumsq", "decay", "hash"):
        if name == "addabs":
            return [("math.absf", ["x1"], "a"), ("arith.addf", ["x0", "a"], "r")]
        if name == "sumsq":
            return [("arith.mulf", ["x1", "x1"], "a"), ("arith.addf", ["x0", "a"], "r")]
        if name == "decay":
            return [("const", "0.5", "h"), ("arith.mulf", ["x0", "h"], "a"),
                    ("arith.addf", ["a", "x1"], "r")]
        return [("const", "31", "h"), ("arith.muli", ["x0", "h"], "a"),
                ("arith.addi", ["a", "x1"], "r")]
    return [(f"arith.{name}", ["x0", "x1"], "r")]


def combiner_kernel(kid, name, dt):
    steps = []
    anything = lambda ms: Meta((), dt, 0, 0)  # kiln.reduce nodes analyse the whole fold
    for op, operands, sid in combiner_body(name, dt):
        if op == "const":
            steps.append(Step(sid, "arith.constant", [], dt, "const", operands, anything))
        else:
            steps.append(Step(sid, op, operands, dt, "op", None, anything))
    return Kernel(kid, [("x0", dt), ("x1", dt)], steps, "r")


FLOAT_COMBINERS = ["addf", "addabs", "maximumf", "minimumf", "sumsq", "decay"]
INT_COMBINERS = ["addi", "muli", "maxsi", "minsi", "xori", "ori", "andi", "hash"]
BOOL_COMBINERS = ["ori", "andi", "xori"]
