"""Known compiler failures, which fuzzing looks past unless --include-known."""

# Known compiler failures (see docs/fuzzing.md): generating them would make every run fail on
# the same bug, so they are left out unless --include-known. Each has an XFAIL regression test
# in test/fuzz/regressions/; delete the entry when the test starts to XPASS.
# (op, element type) with "*" for every type; kiln.cast as ("kiln.cast", "src->dst").
KNOWN_ISSUES = {
    # Upstream MLIR 22: canonicalizing arith.cmpf true|false of a sitofp/uitofp and a constant
    # crashes (also after kernels fuse), so kilnc segfaults. Keyed by predicate.
    ("arith.cmpf true", "*"), ("arith.cmpf false", "*"),
    # math.fpowi lowers to llvm.powi, whose x86 lowering only takes an i32 exponent: "POWI
    # exponent does not match sizeof(int)". Keyed by the exponent type.
    ("math.fpowi exponent", "i8"), ("math.fpowi exponent", "i16"), ("math.fpowi exponent", "i64"),
}
# Known failures that generation cannot avoid (they appear after kilnc's folds): a failure
# whose message matches is reported as "known" and does not fail the run.
KNOWN_PATTERNS = [
    # (what, regular expression over the failure message); none open at the moment.
]
# --include-known: the driver sets it before anything is generated.
INCLUDE_KNOWN = False


def known(op, dt):
    return not INCLUDE_KNOWN and ((op, dt) in KNOWN_ISSUES or (op, "*") in KNOWN_ISSUES)
