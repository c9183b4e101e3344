"""Damages a Kiln shared artifact in a few hundred ways and runs each copy with kiln-run.

Every copy must be refused with an error (exit 1) or, where the damage left the bytes as they
were, give the pristine artifact's output bit for bit: a crash, a hang or a different output is
a failure. The damage is what accidents do to files: truncation at many offsets, single bit
flips, random 8-byte overwrites, a missing or stripped trailer, foreign ELF files in its place;
and truncations re-sealed with a matching digest, which only the ELF checks behind the digest
can refuse (before them, ld.so faulted on these with SIGBUS).

    corrupt_artifacts.py --kiln-run BIN --artifact A.so --object A.o --work DIR
"""
import argparse
import collections
import os
import random
import re
import shutil
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "lib"))
import seal_artifact  # noqa: E402

TIMEOUT_S = 20


def list_inputs(kiln_run, artifact):
    """The (dtype, shape) of each input of the artifact's only graph, from kiln-run --list."""
    listing = subprocess.run([kiln_run, artifact, "--list"], capture_output=True, text=True,
                             check=True).stdout
    signature = re.search(r"^\s+\w+\((.*)\) ->", listing, re.M).group(1)
    inputs = []
    for dtype, dims in re.findall(r"\w+: (\w+)\[([0-9x]*)\]", signature):
        inputs.append((dtype, tuple(int(d) for d in dims.split("x")) if dims else ()))
    return inputs


def make_inputs(kiln_run, artifact, work):
    rng = np.random.default_rng(17)
    paths = []
    for i, (dtype, shape) in enumerate(list_inputs(kiln_run, artifact)):
        assert dtype == "f32", "the test artifact takes f32 inputs"
        path = os.path.join(work, f"input{i}.npy")
        np.save(path, rng.standard_normal(shape).astype(np.float32))
        paths.append(path)
    return paths


def run(kiln_run, artifact, inputs, output):
    """(outcome, detail): outcome is refused, ran, crashed or hung."""
    if os.path.exists(output):
        os.remove(output)
    command = [kiln_run, artifact, "--output", output, "--threads", "2"]
    for path in inputs:
        command += ["--input", path]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return "hung", ""
    if done.returncode == 0:
        with open(output, "rb") as f:
            return "ran", f.read()
    if done.returncode == 1 and done.stderr.startswith("kiln-run: error: "):
        return "refused", done.stderr.strip()
    return "crashed", f"exit {done.returncode}: {done.stderr.strip()[-300:]}"


def reason(message):
    """The kind of refusal, for the summary: the message without paths and numbers."""
    text = message.split("': ", 1)[-1]
    text = re.sub(r"0x[0-9a-f]+|\d+", "N", text)
    return text[:90]


def without_section_headers(content):
    """The ELF file with e_shoff, e_shnum and e_shstrndx zeroed (little-endian ELF64 header)."""
    elf = bytearray(content)
    elf[0x28:0x30] = bytes(8)
    elf[0x3C:0x40] = bytes(4)
    return bytes(elf)


def cases(pristine, obj, rng):
    """(category, bytes) for every damaged copy."""
    size = len(pristine)
    content = seal_artifact.unseal(pristine)
    assert content is not None, "kilnc wrote no trailer"
    offsets = sorted({0, 1, 4, 16, 63, 64, 65, size - 49, size - 48, size - 47, size - 1} |
                     {size * k // 100 for k in range(1, 100)})
    for at in offsets:
        yield "truncation", pristine[:at]
    for _ in range(150):
        at = rng.randrange(size)
        damaged = bytearray(pristine)
        damaged[at] ^= 1 << rng.randrange(8)
        yield "bit flip", bytes(damaged)
    for _ in range(100):
        at = rng.randrange(size - 8)
        damaged = bytearray(pristine)
        damaged[at:at + 8] = rng.randbytes(8)
        yield "8-byte overwrite", bytes(damaged)
    for at in range(64, len(content), max(1, len(content) // 40)):
        yield "re-sealed truncation", seal_artifact.seal(content[:at])
    # Without section headers (the loader never needs them), a truncation is caught by the bounds
    # of the segments; the untruncated file must still run.
    headless = without_section_headers(content)
    yield "re-sealed, no section headers", seal_artifact.seal(headless)
    for at in range(64, len(headless), max(1, len(headless) // 40)):
        yield "re-sealed truncation", seal_artifact.seal(headless[:at])
    yield "foreign ELF", content
    yield "foreign ELF", obj
    yield "foreign ELF", seal_artifact.seal(obj)
    for path in ["/bin/true", "/lib/x86_64-linux-gnu/libm.so.6"]:
        with open(path, "rb") as f:
            foreign = f.read()
        yield "foreign ELF", foreign
        if path.endswith(".so.6"):
            yield "foreign ELF", seal_artifact.seal(foreign)
    yield "not ELF", b""
    yield "not ELF", b"not an artifact\n" * 10


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiln-run", required=True)
    parser.add_argument("--artifact", required=True)
    parser.add_argument("--object", required=True, help="the same module as a relocatable object")
    parser.add_argument("--work", required=True)
    args = parser.parse_args()

    os.makedirs(args.work, exist_ok=True)
    inputs = make_inputs(args.kiln_run, args.artifact, args.work)
    output = os.path.join(args.work, "out.npy")
    outcome, expected = run(args.kiln_run, args.artifact, inputs, output)
    assert outcome == "ran", f"the pristine artifact does not run: {expected}"
    with open(args.artifact, "rb") as f:
        pristine = f.read()
    with open(args.object, "rb") as f:
        obj = f.read()

    damaged_path = os.path.join(args.work, "damaged.so")
    counts = collections.Counter()
    reasons = collections.Counter()
    failures = []
    total = 0
    strip = shutil.which("strip")
    all_cases = list(cases(pristine, obj, random.Random(1234)))
    if strip:
        stripped = os.path.join(args.work, "stripped.so")
        subprocess.run([strip, "-o", stripped, args.artifact], check=True)
        with open(stripped, "rb") as f:
            all_cases.append(("stripped", f.read()))
    for category, data in all_cases:
        total += 1
        with open(damaged_path, "wb") as f:
            f.write(data)
        outcome, detail = run(args.kiln_run, damaged_path, inputs, output)
        if outcome == "ran" and detail != expected:
            outcome = "wrong"
        counts[outcome] += 1
        if outcome == "refused":
            reasons[reason(detail)] += 1
        elif outcome != "ran":
            failures.append(f"{category} #{total}: {outcome} {detail if outcome != 'wrong' else ''}")

    print(f"{total} damaged artifacts: {counts['refused']} refused, {counts['ran']} ran with the "
          f"pristine output")
    for text, n in reasons.most_common():
        print(f"  {n:4d} refused: {text}")
    for failure in failures:
        print("FAILURE:", failure)
    print(f"{counts['crashed']} crashes, {counts['hung']} hangs, {counts['wrong']} wrong outputs")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
