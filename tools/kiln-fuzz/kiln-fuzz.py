#!/usr/bin/python3
"""kiln-fuzz: differential fuzzer of the Kiln compiler against the reference interpreter.

It generates random, well-typed Kiln graphs (every op of the language, user kernels over
arith/math with kiln.map and kiln.reduce, broadcasting, odd sizes, all element types), compiles
each batch of graphs into one module with `kilnc --emit=shared` at -O0 and -O3, runs every graph
with `kiln-run` on random inputs and compares both compiled results with `kiln-interp` (the
float64/int64 reference interpreter). See docs/fuzzing.md.

    kiln-fuzz.py --tools BUILD/bin [--interp PATH] [--seed N] [--count N] [--batch N]
                 [--tmp DIR] [--keep] [--keep-going] [--jobs N] [--time-limit S]
    kiln-fuzz.py --tools BUILD/bin --seed N --only INDEX [--print]   (one generated graph)
    kiln-fuzz.py --tools BUILD/bin --replay FILE.mlir [...]          (a reproducer / regression)
    kiln-fuzz.py --tools BUILD/bin --minimize FILE.mlir   (regenerate and shrink the graph of
                                                         a kiln-fuzz reproducer)

Same seed, same graphs, same inputs: graph INDEX of seed N is generated from (N, INDEX) alone,
whatever --batch and --count are.

Tolerances
----------
Every value of a generated graph carries a static analysis: an interval [lo, hi] that bounds
its elements and `err`, a first-order bound of how far two correct implementations may differ
on it. `err` starts at 0 for inputs and grows op by op:
  * propagation: the op's sensitivity to its operands' `err` (evaluated on a grid over the
    operands' intervals, so the derivative of exp at the top of its range, 1/x near the
    bottom of a divisor's range, ... are all accounted for);
  * rounding: `c * u * scale` per op, where u is the unit roundoff of the computing type
    (2^-24 f32, 2^-53 f64; f16 and bf16 ops compute in f32 and add 2 * u(f16|bf16) * |result|
    for the final rounding on each side), c = 2 for correctly rounded ops (add, sub, mul,
    div, sqrt, casts), 32-64 for transcendentals (MLIR's polynomial approximations; e2e
    checks them at 2e-6..4e-6 relative), and scale = the largest |result| (max(|result|, 1)
    for log-like functions, max(|result|, |input|) where a formula cancels, as gelu);
  * reductions of n elements (reduce_sum/mean, matmul and conv2d with n = K, softmax, norms,
    avg_pool2d, kiln.reduce): 4 * u_acc * n^1.5 * |element| for the accumulation, where
    u_acc is f32's for f16/bf16 (they accumulate in f32);
  * layer_norm/rms_norm: (1 + sqrt(n)) / sqrt(epsilon) amplification of errors of x - mean;
  * depth: errors add along the chain, so deeper graphs get looser bounds.
A result element passes if |got - ref| <= 3 * err + tiny(dtype) + 2 * u(dtype) * |ref|
(tiny = the smallest normal number), or both are NaN, or got == ref (infinities).
Integer and i1 results are compared exactly, and so are float results whose `err` is 0
(data movement, max/min/neg/abs/relu/floor/ceil/select/cast of exact values, and integral
arithmetic that stays below 2^mantissa).

Well-conditioning: ops that are discontinuous in their input (cmp, floor, ceil, float->int
and ->i1 casts, argmax/argmin, fmod, bitcast, ...) only receive exact values (err = 0), so a
rounding difference can never flip a comparison. log/sqrt/rsqrt/pow/div/asin/... get operands in their
well-conditioned domain: the generator inserts abs + add of a constant, a clamp with max/min of
a constant, or tanh * constant where the interval requires it. Values never leave
|x| <= 1e12 (f32/bf16), 4e3 (f16), 1e60 (f64). NaN and +-inf appear only in inputs of the
'special' kind and only flow into ops that handle them exactly (max/min/cmp/select/cast/abs/
neg/relu/floor/ceil/argmax/argmin/reduce_max/min/max_pool2d/data movement). Integer ops wrap (both
sides agree), kernel integer divisions get divisors in [1, 7] and shift amounts below the
width, so nothing is undefined.

A failure prints the op chain, the graph, the seed and the worst element, writes the graph as a
standalone reproducer (fail-gN.mlir, annotated with input ranges and tolerances, runnable with
--replay) and a minimized one (fail-gN.min.mlir), and the exit status is 1. Known compiler bugs
(KNOWN_ISSUES, KNOWN_PATTERNS in kilnfuzz/known_issues.py) are not generated / not counted
unless --include-known.

The code is the package kilnfuzz next to this script, one module per stage: dtypes, elementwise,
graphs, shapes, conditioning, builders, kernels and generators generate graphs; running,
minimize and replay check them; driver is the command line.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# kilntest: the helpers the fuzzer shares with the e2e tests (types, .npy dtypes).
sys.path.insert(0, os.path.join(HERE, "..", "..", "test", "lib"))
from kilnfuzz.driver import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(__doc__))
