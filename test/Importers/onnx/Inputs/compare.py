#!/usr/bin/env python3
"""compare.py OUT.npy REF.npy RTOL ATOL: prints "match", or the largest difference and exits 1."""
import sys

import numpy as np

got, ref = np.load(sys.argv[1]), np.load(sys.argv[2])
rtol, atol = float(sys.argv[3]), float(sys.argv[4])
if got.shape != ref.shape or not np.allclose(got, ref, rtol=rtol, atol=atol):
    print("mismatch:", got.shape, ref.shape, np.abs(got - ref).max() if got.shape == ref.shape else "")
    sys.exit(1)
print("match")
