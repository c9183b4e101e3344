"""e2e cases of conv2d, conv_transpose2d, max_pool2d and avg_pool2d (NHWC input, HWIO filter).

Tolerances: integer results are exact; a convolution window of k terms gets 8 k eps (1e-3 for
eps in f16); pools 1e-6, f16 1e-3.
"""
import numpy as np

from cases import Case, arr


def windows(x, kh, kw, strides, padding, dilations, fill):
    """The (N, Ho, Wo, kh, kw, C) windows of an NHWC array padded with `fill`."""
    top, bottom, left, right = padding
    xp = np.pad(x, [(0, 0), (top, bottom), (left, right), (0, 0)], constant_values=fill)
    sh, sw = strides
    dh, dw = dilations
    ho = (xp.shape[1] - dh * (kh - 1) - 1) // sh + 1
    wo = (xp.shape[2] - dw * (kw - 1) - 1) // sw + 1
    out = np.empty((x.shape[0], ho, wo, kh, kw, x.shape[3]), xp.dtype)
    for i in range(kh):
        for j in range(kw):
            out[:, :, :, i, j, :] = xp[:, i * dh:i * dh + sh * (ho - 1) + 1:sh,
                                       j * dw:j * dw + sw * (wo - 1) + 1:sw, :]
    return out


def conv_ref(strides, padding, dilations, groups=1):
    """Each group's output channels convolve that group's input channels only."""
    def f(x, w):
        wide = np.int64 if x.dtype.kind == "i" else np.float64
        win = windows(x.astype(wide), w.shape[0], w.shape[1], strides, padding, dilations, 0)
        cg, og = w.shape[2], w.shape[3] // groups
        return np.concatenate(
            [np.einsum("nhwijc,ijco->nhwo", win[..., g * cg:(g + 1) * cg],
                       w[..., g * og:(g + 1) * og].astype(wide)) for g in range(groups)], axis=-1)
    return f


def conv_cases():
    out = []
    configs = [((1, 7, 9, 3), (3, 3, 3, 4), (1, 1), (0, 0, 0, 0), (1, 1)),
               ((2, 9, 8, 5), (3, 3, 5, 2), (2, 2), (1, 1, 1, 1), (1, 1)),
               ((1, 11, 10, 2), (3, 2, 2, 3), (1, 2), (2, 0, 1, 1), (2, 1)),
               ((1, 5, 5, 1), (1, 1, 1, 1), (1, 1), (0, 0, 0, 0), (1, 1)),
               # f32 reads its im2col columns from the input in runs: a filter row (3 x 160
               # channels) split into passes over k of 240, two row blocks; and at dilated
               # width, a tap's 100 channels at a time, two taps per pass.
               ((2, 10, 9, 160), (3, 3, 160, 5), (1, 1), (1, 1, 1, 1), (1, 1)),
               ((1, 9, 12, 100), (2, 3, 100, 4), (2, 1), (0, 1, 2, 0), (1, 2)),
               # With 16 channels or more, an input padded by a copy is read in place, a tap's
               # channels per run, zeros for taps in the padding: every side padded unevenly,
               # a 5 x 3 filter at stride 2, and padding wider than a stride.
               ((1, 7, 6, 32), (5, 3, 32, 8), (2, 2), (2, 1, 1, 2), (1, 1)),
               ((2, 5, 5, 16), (3, 3, 16, 3), (1, 1), (2, 2, 2, 2), (1, 1)),
               # A tap of more channels than a panel is deep (1040 > 1024): runs of 520.
               ((1, 3, 4, 1040), (3, 3, 1040, 2), (1, 1), (1, 1, 1, 1), (1, 1))]
    # Grouped: depthwise (groups = channels) with multipliers 1 and 2, and groups of several
    # channels, through strides, padding and dilations. Depthwise f32 runs kiln-depthwise-conv's
    # kernel: channels past a whole vector (17, 35), blocks of 8, 3 and 7 output pixels, and
    # inputs padded on every side or only below and right (read unpadded, with bounds checks).
    grouped = [((1, 9, 8, 17), (3, 3, 1, 17), (1, 1), (1, 1, 1, 1), (1, 1), 17),
               ((2, 9, 11, 35), (3, 3, 1, 35), (2, 1), (1, 1, 1, 1), (1, 2), 35),
               ((1, 7, 7, 32), (5, 5, 1, 32), (1, 1), (2, 2, 2, 2), (1, 1), 32),
               ((1, 8, 10, 16), (3, 3, 1, 16), (1, 1), (0, 2, 0, 2), (1, 1), 16),
               ((2, 10, 9, 6), (3, 3, 1, 12), (2, 2), (0, 1, 1, 0), (1, 1), 6),
               ((1, 8, 7, 6), (3, 2, 2, 9), (1, 2), (1, 1, 0, 1), (2, 1), 3),
               ((1, 6, 6, 4), (1, 1, 2, 4), (1, 1), (0, 0, 0, 0), (1, 1), 2)]
    for xs, ws, st, pad, dil, groups in [c + (1,) for c in configs] + grouped:
        ho = (xs[1] + pad[0] + pad[1] - dil[0] * (ws[0] - 1) - 1) // st[0] + 1
        wo = (xs[2] + pad[2] + pad[3] - dil[1] * (ws[1] - 1) - 1) // st[1] + 1
        r = (xs[0], ho, wo, ws[3])
        attrs = f"strides = {arr(st)}, padding = {arr(pad)}, dilations = {arr(dil)}"
        if groups > 1:
            attrs += f", groups = {groups} : i64"
        k = ws[0] * ws[1] * ws[2]
        for dtype in ("f32", "f64", "f16"):
            eps = {"f32": 1.2e-7, "f64": 2.3e-16, "f16": 1e-3}[dtype]
            out.append(Case("conv2d", [(xs, dtype, -1, 1), (ws, dtype, -1, 1)], [(r, dtype)],
                            conv_ref(st, pad, dil, groups), attrs=attrs, rtol=eps * 8 * k,
                            atol=eps * 8 * k))
        out.append(Case("conv2d", [(xs, "i8", -128, 127), (ws, "i8", -128, 127)], [(r, "i32")],
                        conv_ref(st, pad, dil, groups), attrs=attrs))
    return out


def conv_transpose_ref(strides, padding, dilations, groups, out_hw):
    """Scatters each input position through the filter, as the op's definition reads."""
    def f(x, w):
        wide = np.int64 if x.dtype.kind == "i" else np.float64
        x, w = x.astype(wide), w.astype(wide)
        n, h, wd, c = x.shape
        kh, kw, cg, o = w.shape
        og = o // groups
        out = np.zeros((n, out_hw[0], out_hw[1], o), wide)
        for g in range(groups):
            xg, wg = x[..., g * cg:(g + 1) * cg], w[..., g * og:(g + 1) * og]
            for i in range(kh):
                for j in range(kw):
                    contrib = np.einsum("nyxc,co->nyxo", xg, wg[i, j])
                    for y in range(h):
                        r = y * strides[0] + i * dilations[0] - padding[0]
                        if not 0 <= r < out_hw[0]:
                            continue
                        for xx in range(wd):
                            col = xx * strides[1] + j * dilations[1] - padding[2]
                            if 0 <= col < out_hw[1]:
                                out[:, r, col, g * og:(g + 1) * og] += contrib[:, y, xx]
        return out
    return f


def conv_transpose_cases():
    out = []
    # (input, filter, strides, padding, dilations, groups): stride 1 (one phase), the usual
    # stride-2 upsamplers, strides larger than the kernel's reach (phases no tap reaches), a
    # negative padding on each side (ONNX's output_padding), dilations, groups and depthwise.
    configs = [((1, 4, 5, 3), (3, 3, 3, 2), (1, 1), (0, 0, 0, 0), (1, 1), 1),
               ((1, 5, 4, 8), (4, 4, 8, 3), (2, 2), (1, 1, 1, 1), (1, 1), 1),
               ((2, 3, 4, 2), (3, 3, 2, 5), (2, 2), (1, 0, 1, -1), (1, 1), 1),
               ((1, 4, 3, 2), (2, 3, 2, 2), (3, 2), (0, 0, 2, 1), (2, 1), 1),
               ((1, 3, 3, 2), (1, 1, 2, 3), (2, 3), (-1, -2, 0, -1), (1, 1), 1),
               ((1, 4, 4, 4), (3, 3, 2, 6), (2, 2), (0, 1, 1, 0), (1, 1), 2),
               ((1, 5, 6, 6), (3, 3, 1, 6), (2, 1), (1, 1, 1, 1), (1, 2), 6)]
    for xs, ws, st, pad, dil, groups in configs:
        hw = [(xs[1 + d] - 1) * st[d] + dil[d] * (ws[d] - 1) + 1 - pad[2 * d] - pad[2 * d + 1]
              for d in range(2)]
        r = (xs[0], hw[0], hw[1], ws[3])
        attrs = f"strides = {arr(st)}, padding = {arr(pad)}, dilations = {arr(dil)}"
        if groups > 1:
            attrs += f", groups = {groups} : i64"
        k = ws[0] * ws[1] * ws[2]
        ref = conv_transpose_ref(st, pad, dil, groups, hw)
        for dtype in ("f32", "f64", "f16"):
            eps = {"f32": 1.2e-7, "f64": 2.3e-16, "f16": 1e-3}[dtype]
            out.append(Case("conv_transpose2d", [(xs, dtype, -1, 1), (ws, dtype, -1, 1)],
                            [(r, dtype)], ref, attrs=attrs, rtol=eps * 8 * k, atol=eps * 8 * k))
        out.append(Case("conv_transpose2d", [(xs, "i8", -128, 127), (ws, "i8", -128, 127)],
                        [(r, "i32")], ref, attrs=attrs))
    return out


def pool_ref(kind, window, strides, padding):
    def f(x):
        if kind == "max":
            lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
            return windows(x, *window, strides, padding, (1, 1), lowest).max(axis=(3, 4))
        x = x.astype(np.float64)
        sums = windows(x, *window, strides, padding, (1, 1), 0).sum(axis=(3, 4))
        ones = np.ones((1,) + x.shape[1:3] + (1,))
        counts = windows(ones, *window, strides, padding, (1, 1), 0).sum(axis=(3, 4))
        return sums / counts
    return f


def pool_cases(kind):
    out = []
    configs = [((1, 8, 8, 3), (2, 2), None, (0, 0, 0, 0)),
               ((2, 7, 9, 2), (3, 3), (2, 2), (1, 1, 1, 1)),
               ((1, 5, 6, 1), (3, 2), (1, 1), (2, 0, 1, 1)),
               ((1, 1, 1, 4), (1, 1), None, (0, 0, 0, 0)),
               # More than 25 taps: max pooling reduces over the window instead of unrolling it.
               ((1, 9, 8, 3), (6, 5), (1, 2), (2, 1, 0, 4))]
    dtypes = ("f32", "f64", "f16") + (("i8", "i32") if kind == "max" else ())
    for xs, window, strides, pad in configs:
        st = strides or window
        ho = (xs[1] + pad[0] + pad[1] - window[0]) // st[0] + 1
        wo = (xs[2] + pad[2] + pad[3] - window[1]) // st[1] + 1
        attrs = f"window = {arr(window)}, padding = {arr(pad)}"
        if strides:
            attrs += f", strides = {arr(strides)}"
        for dtype in dtypes:
            tol = 1e-3 if dtype == "f16" else 1e-6
            out.append(Case(f"{kind}_pool2d", [(xs, dtype, -50, 50)],
                            [((xs[0], ho, wo, xs[3]), dtype)], pool_ref(kind, window, st, pad),
                            attrs=attrs, rtol=tol, atol=tol))
    return out


CASES = {
    "conv2d": conv_cases,
    "conv_transpose2d": conv_transpose_cases,
    "max_pool2d": lambda: pool_cases("max"),
    "avg_pool2d": lambda: pool_cases("avg"),
}
