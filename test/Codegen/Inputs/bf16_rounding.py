#!/usr/bin/python3
"""Checks test/Codegen/bf16-rounding.mlir's artifacts.

  bf16_rounding.py check-artifact SO DIR
      For each KIND of f32, f64, i32, i64 and i1: writes DIR/KIND.npy, values of KIND whose
      rounding to bf16 is a corner case and random ones, runs graph from_KIND of SO on it with
      kiln-run (found on PATH) and checks that each result is its input rounded once to bf16.

The reference rounds the exact value of each input (a Fraction) to nearest, ties to even, at
bf16's precision: 8 significant bits, subnormals down to 2^-133, infinity from 2^128 on.
"""
import math
import os
import subprocess
import sys
from fractions import Fraction

import numpy as np

F32_CORNERS = [
    0x3F808000,  # a tie below an even value: rounds down to 0x3F80
    0x3F818000,  # a tie below an odd value: rounds up to 0x3F82
    0x3F808001, 0x3F807FFF,  # just above and below a tie
    0x00008000, 0x00018000, 0x0000FFFF, 0x00000001,  # subnormals, ties among them
    0x807FFFFF,  # the largest negative subnormal rounds to the smallest normal
    0x7F7FFFFF,  # the largest float rounds up to infinity
    0x7F7F7FFF,  # ... and just below the tie, to the largest bf16
    0x7F800000, 0xFF800000,  # infinities
    0x7FC00000, 0x7F800001, 0xFFFFFFFF,  # quiet, signaling (only low bits set) and negative NaN
    0x80000000, 0x00000000,  # zeros
]
F64_CORNERS = [
    1 + 2**-8 + 2**-30, -(1 + 2**-8 + 2**-30),  # just above a tie: through f32, the tie
    1 + 2**-8, 1 + 3 * 2**-8, 1 + 2**-8 - 2**-40,  # ties to even, just below a tie
    2**-133, 2**-134, 3 * 2**-135, 2**-134 + 2**-160,  # bf16 subnormals and ties among them
    2**-150, 2**-200, 1e-300, -1e-300,  # below every bf16 and f32 subnormal
    3.3961e38, 3.4e38, 2**128, 1e300, -1e300,  # near and beyond the largest bf16 and f32
    math.inf, -math.inf, math.nan, 0.0, -0.0,
]
INT_CORNERS = {
    "i32": [2**24 + 2**16 + 1, -(2**24 + 2**16 + 1), 2**24 + 2**16, 2**24 + 3 * 2**16,
            2**31 - 1, -2**31, 0, 1, -1, 255, 257],
    "i64": [2**56 + 2**48 + 1, -(2**56 + 2**48 + 1), 2**56 + 2**48, 2**62 + 2**54 - 1,
            2**63 - 1, -2**63, 2**53 + 1, 2**24 + 2**16 + 1, 0, -1],
}


def rounded_to_bf16(value):
    """The float value of `value` (a Python float or int) rounded once to bf16."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return value
    exact = Fraction(value)
    if exact == 0:
        return math.copysign(0.0, value) if isinstance(value, float) else 0.0
    sign, magnitude = (-1 if exact < 0 else 1), abs(exact)
    # floor(log2(magnitude)), exactly: from the bit lengths, then at most one step down.
    exponent = magnitude.numerator.bit_length() - magnitude.denominator.bit_length()
    if Fraction(2) ** exponent > magnitude:
        exponent -= 1
    quantum = Fraction(2) ** max(exponent - 7, -133)
    steps, remainder = divmod(magnitude, quantum)
    if remainder * 2 > quantum or (remainder * 2 == quantum and steps % 2 == 1):
        steps += 1
    result = steps * quantum
    if result >= Fraction(2) ** 128:
        return sign * math.inf
    return math.copysign(float(result), sign)


def make_inputs(kind, rng):
    n = 4096
    if kind == "f32":
        random = rng.integers(0, 2**32, size=n - len(F32_CORNERS), dtype=np.uint64)
        bits = np.concatenate([np.array(F32_CORNERS, dtype=np.uint64), random])
        return bits.astype(np.uint32).view(np.float32)
    if kind == "f64":
        # Random significands over bf16's whole exponent range and beyond.
        random = np.ldexp(rng.uniform(-1, 1, size=n - len(F64_CORNERS)),
                          rng.integers(-140, 132, size=n - len(F64_CORNERS)))
        return np.concatenate([np.array(F64_CORNERS, dtype=np.float64), random])
    if kind == "i1":
        return rng.integers(0, 2, size=n).astype(np.bool_)
    dtype = np.int32 if kind == "i32" else np.int64
    info = np.iinfo(dtype)
    random = rng.integers(info.min, info.max, size=n - len(INT_CORNERS[kind]), dtype=dtype,
                          endpoint=True)
    # Integers with few significant bits hit ties: shift random bytes to random places.
    random[::2] = (rng.integers(-255, 256, size=len(random[::2])) <<
                   rng.integers(0, info.bits - 9, size=len(random[::2]))).astype(dtype)
    return np.concatenate([np.array(INT_CORNERS[kind], dtype=dtype), random])


def check(kind, x, y):
    """Prints the wrongly rounded values of y (at most 10); returns how many there are."""
    wrong = 0
    for value, got in zip(x.tolist(), y.tolist()):
        expected = rounded_to_bf16(value)
        same = (math.isnan(expected) and math.isnan(got)) or (
            got == expected and math.copysign(1, got) == math.copysign(1, expected))
        if not same:
            wrong += 1
            if wrong <= 10:
                print(f"{value!r} ({kind}) rounded to {got!r}, expected {expected!r}")
    return wrong


def main():
    if len(sys.argv) != 4 or sys.argv[1] != "check-artifact":
        sys.exit(__doc__)
    artifact, directory = sys.argv[2], sys.argv[3]
    failed = 0
    for kind in ["f32", "f64", "i32", "i64", "i1"]:
        x = make_inputs(kind, np.random.default_rng(3))
        inputs = os.path.join(directory, f"{kind}.npy")
        outputs = os.path.join(directory, f"{os.path.basename(artifact)}.{kind}.npy")
        np.save(inputs, x)
        subprocess.run(["kiln-run", artifact, "--graph", f"from_{kind}", "--input", inputs,
                        "--output", outputs], check=True)
        wrong = check(kind, x, np.load(outputs))
        print(f"{os.path.basename(artifact)}: {len(x)} {kind} values, {wrong} rounded wrongly")
        failed += wrong
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
