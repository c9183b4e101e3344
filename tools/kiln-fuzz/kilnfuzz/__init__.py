"""kiln-fuzz, the differential fuzzer; tools/kiln-fuzz/kiln-fuzz.py is its command line."""
