"""Shapes: random, broadcast-compatible and factored ones."""

from kilntest import bshape


DIMS = [1, 1, 2, 3, 3, 5, 7, 7, 9, 13, 16, 17, 31, 33]
CAP = 700  # elements per tensor: every graph runs in milliseconds


def prod(xs):
    p = 1
    for x in xs:
        p *= int(x)
    return p


def rand_shape(rng, rank=None, cap=CAP, min_rank=0):
    if rank is None:
        rank = int(rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4]))
        rank = max(rank, min_rank)
    for _ in range(20):
        s = tuple(int(rng.choice(DIMS)) for _ in range(rank))
        if prod(s) <= cap:
            return s
    return tuple([1] * rank)


def partner(rng, s, cap=CAP):
    """A shape that broadcasts with s."""
    s = tuple(s)
    r = rng.random()
    if r < 0.4 or not s:
        t = s if r < 0.9 or not s else ()
    elif r < 0.5:
        t = ()
    elif r < 0.62:
        t = s[int(rng.integers(1, len(s) + 1)):]
    elif r < 0.88:
        t = tuple(1 if rng.random() < 0.45 else d for d in s)
        if rng.random() < 0.3:
            t = t[int(rng.integers(0, len(t) + 1)):]
    else:
        t = tuple(int(rng.choice(DIMS[2:])) if d == 1 and rng.random() < 0.7 else d for d in s)
        if rng.random() < 0.3 and len(t) < 4:
            t = (int(rng.choice([2, 3, 5])),) + t
    if prod(bshape(s, t)) > cap:
        return s
    return t


def factor_shape(rng, n, rank):
    """A random shape of `rank` dims with n elements (1s where the factors run out)."""
    factors = []
    m, p = n, 2
    while m > 1:
        while m % p == 0:
            factors.append(p)
            m //= p
        p += 1
    dims = [1] * rank
    if rank == 0:
        return () if n == 1 else None
    for f in factors:
        dims[int(rng.integers(0, rank))] *= f
    return tuple(dims)
