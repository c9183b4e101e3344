"""e2e cases of matmul: batches that broadcast, i8 x i8 -> i32, f16, transposed operands read in
place, a fused elementwise epilogue, and the sizes the GPU stages through shared memory.

Tolerances: integers are exact; floats get a bound that grows with the contraction length k
(8 k eps), f16 2e-3 (4e-3 absolute when staged), the epilogue and transposed operands 1e-5.
"""
import numpy as np

from cases import Case


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
    out += vnni_matmul_cases()
    out.append(matmul_epilogue_case())
    out.append(residual_in_place_case())
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


def matmul_bias_body(m, k, n, operand, acc, tail):
    """%1 = %a0 x %a1 + the bias %a2, then the lines of `tail`, which return the result."""
    t = f"tensor<{m}x{n}x{acc}>"
    return (f"  %0 = kiln.matmul %a0, %a1 : (tensor<{m}x{k}x{operand}>, "
            f"tensor<{k}x{n}x{operand}>) -> {t}\n"
            f"  %1 = kiln.add %0, %a2 : ({t}, tensor<{n}x{acc}>) -> {t}\n"
            + "".join(f"  {line}\n" for line in tail))


def vnni_matmul_cases():
    """i8 x i8 -> i32 with k a multiple of 4, which runs on vpdpbusd where the CPU has AVX-512
    VNNI (A biased by 128, B's column sums taking it out): every byte value, ragged rows and
    columns, three passes over k = 520 (256, 256, 8), two row blocks, and a bias + relu epilogue
    on the i32 tiles."""
    out = []
    for m, k, n in ((37, 64, 29), (13, 520, 70), (150, 256, 40)):
        out.append(Case("matmul", [((m, k), "i8", -128, 127), ((k, n), "i8", -128, 127)],
                        [((m, n), "i32")], lambda x, y: x.astype(np.int64) @ y.astype(np.int64)))
    m, k, n = 37, 64, 29
    t = f"tensor<{m}x{n}xi32>"
    body = matmul_bias_body(m, k, n, "i8", "i32", [f"%2 = kiln.relu %1 : ({t}) -> {t}",
                                                   f"kiln.return %2 : {t}"])
    out.append(Case("matmul", [((m, k), "i8", -128, 127), ((k, n), "i8", -128, 127),
                               ((n,), "i32", -50000, 50000)], [((m, n), "i32")],
                    lambda a, b, bias: np.maximum(a.astype(np.int64) @ b.astype(np.int64) + bias, 0),
                    body=body))
    return out


def matmul_epilogue_case():
    """relu((A B + bias) * R): the elementwise tail runs on the matmul's output tiles (three
    passes over k = 600, 29 columns: masked vectors)."""
    m, k, n = 37, 600, 29
    t = f"tensor<{m}x{n}xf32>"
    body = matmul_bias_body(m, k, n, "f32", "f32", [f"%2 = kiln.mul %1, %a3 : ({t}, {t}) -> {t}",
                                                    f"%3 = kiln.relu %2 : ({t}) -> {t}",
                                                    f"kiln.return %3 : {t}"])
    return Case("matmul", [((m, k), "f32", -1, 1), ((k, n), "f32", -1, 1), ((n,), "f32", -1, 1),
                           ((m, n), "f32", -1, 1)], [((m, n), "f32")],
                lambda a, b, bias, r: np.maximum((a @ b + bias) * r, 0), body=body,
                rtol=1e-5, atol=1e-4)


def residual_in_place_case():
    """(X W1 + X W2) W3: the second matmul's epilogue adds the first's result, an intermediate
    it reads for the last time, element by element, so kiln-plan-workspace computes the sum in
    that result's bytes (whole tiles and panels: no masked writes)."""
    m, k, n, p = 48, 40, 64, 32

    def t(rows, cols):
        return f"tensor<{rows}x{cols}xf32>"
    body = (f"  %r = kiln.matmul %a0, %a1 : ({t(m, k)}, {t(k, n)}) -> {t(m, n)}\n"
            f"  %q = kiln.matmul %a0, %a2 : ({t(m, k)}, {t(k, n)}) -> {t(m, n)}\n"
            f"  %s = kiln.add %q, %r : ({t(m, n)}, {t(m, n)}) -> {t(m, n)}\n"
            f"  %y = kiln.matmul %s, %a3 : ({t(m, n)}, {t(n, p)}) -> {t(m, p)}\n"
            f"  kiln.return %y : {t(m, p)}\n")
    return Case("matmul", [((m, k), "f32", -1, 1), ((k, n), "f32", -1, 1), ((k, n), "f32", -1, 1),
                           ((n, p), "f32", -1, 1)], [((m, p), "f32")],
                lambda x, w1, w2, w3: (x @ w1 + x @ w2) @ w3, body=body, rtol=1e-5, atol=1e-4)


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
    out += transposed_batched_cases()
    return out


def transposed_batched_cases():
    """Batched matmuls of a transposed rhs: an attention's keys (batch, seq, heads, dim) ->
    (batch, heads, dim, seq), and a swap of the last two dimensions (ragged sizes)."""
    batch, heads, m, k, n = 2, 3, 37, 45, 29
    out = []
    for perm, keys in (((0, 2, 3, 1), (batch, n, heads, k)), ((0, 1, 3, 2), (batch, heads, n, k))):
        for dtype in ("f32", "f64"):
            t = "x".join(str(keys[p]) for p in perm)
            body = (f"  %kt = kiln.transpose %a1 {{permutation = array<i64: "
                    f"{', '.join(map(str, perm))}>}} : (tensor<{'x'.join(map(str, keys))}x{dtype}>)"
                    f" -> tensor<{t}x{dtype}>\n"
                    f"  %0 = kiln.matmul %a0, %kt : (tensor<{batch}x{heads}x{m}x{k}x{dtype}>, "
                    f"tensor<{t}x{dtype}>) -> tensor<{batch}x{heads}x{m}x{n}x{dtype}>\n"
                    f"  kiln.return %0 : tensor<{batch}x{heads}x{m}x{n}x{dtype}>\n")

            def ref(q, key, perm=perm):
                return q.astype(np.float64) @ np.transpose(key.astype(np.float64), perm)
            out.append(Case("matmul", [((batch, heads, m, k), dtype, -1, 1), (keys, dtype, -1, 1)],
                            [((batch, heads, m, n), dtype)], ref, body=body, rtol=1e-5,
                            atol=1e-5))
    return out


CASES = {
    "matmul": matmul_cases,
}
