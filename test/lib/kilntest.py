"""What Kiln's Python test tools share: the e2e harness (test/e2e/harness), the CUDA tests
(test/cuda-emulator/gpu.py) and the fuzzer (tools/kiln-fuzz). Kept in one place so that they
spell Kiln's types and read its .npy files the same way.
"""
import numpy as np

INT_TYPES = ("i8", "i16", "i32", "i64")
# The NumPy dtype of each element type that a .npy file (kiln-run's and kiln-interp's inputs
# and outputs) can hold: all but bf16, which NumPy lacks, so graphs cast it from and to f32.
NPY = {"f32": np.float32, "f64": np.float64, "f16": np.float16, "i1": np.bool_, "i8": np.int8,
       "i16": np.int16, "i32": np.int32, "i64": np.int64, "ui8": np.uint8, "ui16": np.uint16,
       "ui32": np.uint32}
# The range of each integer type; i1 holds 0 and 1 (false and true).
IMIN = {"i1": 0, "i8": -2 ** 7, "i16": -2 ** 15, "i32": -2 ** 31, "i64": -2 ** 63, "ui8": 0,
        "ui16": 0, "ui32": 0}
IMAX = {"i1": 1, "i8": 2 ** 7 - 1, "i16": 2 ** 15 - 1, "i32": 2 ** 31 - 1, "i64": 2 ** 63 - 1,
        "ui8": 2 ** 8 - 1, "ui16": 2 ** 16 - 1, "ui32": 2 ** 32 - 1}


def is_int(dt):
    """Whether element type `dt` is an integer type (i1, signed or unsigned)."""
    return dt[0] in "iu"


def ttype(shape, dt):
    """The tensor type `tensor<2x3xf32>`; a scalar (shape ()) is `tensor<f32>`."""
    return "tensor<" + "".join(f"{d}x" for d in shape) + dt + ">"


def bshape(*shapes):
    """The shape that `shapes` broadcast to (Kiln broadcasts as NumPy does)."""
    return tuple(np.broadcast_shapes(*[tuple(s) for s in shapes]))


def bf16_round(x):
    """Rounds float64 values to bf16 (through f32, as the compiled casts do), as float64."""
    u = np.asarray(x, np.float32).view(np.uint32).astype(np.uint64)
    u = (u + 0x7FFF + ((u >> 16) & 1)) & 0xFFFF0000
    return u.astype(np.uint32).view(np.float32).astype(np.float64)
