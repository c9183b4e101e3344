#!/usr/bin/env python3
"""The integrity trailer of a Kiln artifact (kiln/abi.h), written independently of kilnc.

kilnc ends every shared artifact with 48 bytes: b"KILNSHA1", the length of what precedes them
(u64, little-endian) and the SHA-256 of it. The runtime tests seal hand-made fixtures with this,
and the corrupted-artifact test re-seals damaged files to reach the checks behind the digest.

    seal_artifact.py FILE...      append a trailer to each ELF file (in place)
"""
import hashlib
import struct
import sys

MAGIC = b"KILNSHA1"
TRAILER_SIZE = 48


def trailer(content):
    return MAGIC + struct.pack("<Q", len(content)) + hashlib.sha256(content).digest()


def seal(content):
    """`content` with a trailer that matches it."""
    return content + trailer(content)


def unseal(artifact):
    """The bytes a sealed artifact's trailer covers (the ELF file), or None if it has none."""
    if len(artifact) < TRAILER_SIZE or artifact[-TRAILER_SIZE:-40] != MAGIC:
        return None
    return artifact[:-TRAILER_SIZE]


def main(paths):
    for path in paths:
        with open(path, "rb") as f:
            content = f.read()
        with open(path, "wb") as f:
            f.write(seal(content))


if __name__ == "__main__":
    main(sys.argv[1:])
