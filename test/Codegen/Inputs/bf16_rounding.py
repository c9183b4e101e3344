#!/usr/bin/python3
"""Inputs and expected results of test/Codegen/bf16-rounding.mlir.

  bf16_rounding.py inputs X.npy         f32 values whose rounding to bf16 is a corner case
  bf16_rounding.py check X.npy Y.npy    Y must be X rounded to bf16 (to nearest, ties to even)

The reference rounds the f32 bit patterns with integers, as IEEE 754 specifies: add half a
bf16 ulp less one, plus one when the kept part is odd (ties to even), and keep the top 16 bits.
"""
import sys

import numpy as np

CORNERS = [
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


def rounded(bits):
    bits = bits.astype(np.uint64)
    return (((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16).astype(np.uint32)


def main():
    if sys.argv[1] == "inputs":
        rng = np.random.default_rng(3)
        random = rng.integers(0, 2**32, size=4096 - len(CORNERS), dtype=np.uint64)
        bits = np.concatenate([np.array(CORNERS, dtype=np.uint64), random]).astype(np.uint32)
        np.save(sys.argv[2], bits.view(np.float32))
        return 0
    x = np.load(sys.argv[2]).view(np.uint32)
    y = np.load(sys.argv[3]).view(np.uint32)
    nan = np.isnan(x.view(np.float32))
    bad = np.flatnonzero(~nan & (y != rounded(x)))
    bad_nan = np.flatnonzero(nan & ~np.isnan(y.view(np.float32)))
    for i in list(bad[:10]) + list(bad_nan[:10]):
        print(f"0x{x[i]:08x} rounded to 0x{y[i]:08x}, expected 0x{rounded(x[i:i + 1])[0]:08x}")
    print(f"{len(x)} values, {len(bad) + len(bad_nan)} rounded wrongly")
    return 1 if len(bad) or len(bad_nan) else 0


if __name__ == "__main__":
    sys.exit(main())
