"""e2e cases of the gathers: gather (numpy.take) and gather_elements (numpy.take_along_axis).

The indices are drawn from [-n - 3, n + 2] for an axis of size n, so every case has negative
indices (counted from the end) and out-of-range ones (which select zero) besides plain ones.
Tolerances: data movement is exact.
"""
import numpy as np

from cases import Case
from kilntest import NPY


def positions(indices, n):
    """Where each index points along an axis of size n, and whether it lies inside."""
    i = indices.astype(np.int64)
    inside = (i >= -n) & (i < n)
    return np.where(inside, np.where(i < 0, i + n, i), 0), inside


def take(x, indices, axis):
    axis %= x.ndim
    if x.shape[axis] == 0:  # nothing to take: every index is out of range
        return np.zeros(x.shape[:axis] + indices.shape + x.shape[axis + 1:], x.dtype)
    at, inside = positions(indices, x.shape[axis])
    r = np.take(x, at, axis=axis)
    mask = inside.reshape((1,) * axis + inside.shape + (1,) * (x.ndim - axis - 1))
    return np.where(mask, r, np.zeros((), x.dtype))


def take_along(x, indices, axis):
    axis %= x.ndim
    at, inside = positions(indices, x.shape[axis])
    region = tuple(slice(0, s) if d != axis else slice(None) for d, s in enumerate(indices.shape))
    r = np.take_along_axis(x[region], at, axis=axis)
    return np.where(inside, r, np.zeros((), x.dtype))


def index_range(n, dtype):
    lo, hi = -n - 3, n + 2
    if dtype == "i8":
        lo, hi = max(lo, -128), min(hi, 127)
    return lo, hi


def gather_cases():
    out = []
    for shape, dtype, ishape, idtype, axis in [
            ((1000, 64), "f32", (2, 16), "i64", 0),     # an embedding table
            ((7, 33), "f32", (5,), "i32", 1),
            ((3, 5, 7), "i8", (), "i64", -1),           # a scalar index drops the axis
            ((3, 5, 7), "f64", (4, 2), "i16", 1),
            ((1031,), "i1", (33,), "i8", 0),
            ((2, 9), "f16", (3, 1, 2), "i64", 0),
            ((0, 3), "f32", (4,), "i64", 0)]:           # every index out of range: zeros
        a = axis % len(shape)
        r = shape[:a] + ishape + shape[a + 1:]
        out.append(Case("gather", [(shape, dtype, -9, 9),
                                   (ishape, idtype, *index_range(shape[a], idtype))],
                        [(r, dtype)], (lambda ax: lambda x, i: take(x, i, ax))(axis),
                        attrs=f"axis = {axis} : i64"))
    return out


def gather_elements_cases():
    out = []
    for shape, dtype, ishape, idtype, axis in [
            ((4, 3), "f32", (2, 5), "i64", 1),
            ((7, 33), "i32", (7, 33), "i64", 0),
            ((2, 3, 17), "f32", (2, 3, 40), "i32", -1),
            ((1031,), "f64", (1031,), "i64", 0),
            ((5, 6), "i16", (9, 4), "i8", 0)]:
        a = axis % len(shape)
        out.append(Case("gather_elements", [(shape, dtype, -9, 9),
                                            (ishape, idtype, *index_range(shape[a], idtype))],
                        [(ishape, dtype)], (lambda ax: lambda x, i: take_along(x, i, ax))(axis),
                        attrs=f"axis = {axis} : i64"))
    return out


def iota_cases():
    """Positions along an axis, in every numeric type; i8 wraps past 127 as a cast does."""
    out = []
    for shape, axis, dtype in [((7,), 0, "i64"), ((3, 1031), 1, "f32"), ((5, 4, 3), -2, "i32"),
                               ((200,), 0, "i8"), ((2, 33), 0, "f64"), ((9, 2), 0, "f16"),
                               ((0, 4), 1, "i16")]:
        def ref(shape=shape, axis=axis, dtype=dtype):
            positions = np.indices(shape)[axis] if shape else np.zeros(())
            return positions.astype(NPY[dtype]) if dtype.startswith("i") else positions
        out.append(Case("iota", [], [(shape, dtype)], ref, attrs=f"axis = {axis} : i64"))
    return out


CASES = {
    "gather": gather_cases,
    "gather_elements": gather_elements_cases,
    "iota": iota_cases,
}
