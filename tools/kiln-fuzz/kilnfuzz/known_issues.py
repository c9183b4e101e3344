"""Known compiler failures, which fuzzing looks past unless --include-known."""

# Known compiler failures (see docs/fuzzing.md): generating them would make every run fail on
# the same bug, so they are left out unless --include-known. Each has an XFAIL regression test
# in test/fuzz/regressions/; delete the entry when the test starts to XPASS.
# (op, element type) with "*" for every type; kiln.cast as ("kiln.cast", "src->dst").
KNOWN_ISSUES = {
    # None open at the moment; entries look like ("math.fpowi exponent", "i64").
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
