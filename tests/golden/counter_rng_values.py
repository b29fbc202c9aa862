#!/usr/bin/env python3
"""Independent reference for core/base/counter_rng.h.

Implements the same hash (SplitMix64's finaliser, the row key, the uniform draw) from its description with
Python integers, and prints the values that tests/test_golden.cpp pins. The C++ test must match these; when
it does not, the noise of every saved timeline has changed, and "continue a saved run with the same noise"
is broken. Run: python3 tests/golden/counter_rng_values.py
"""

MASK = (1 << 64) - 1
STREAMS = {"Gumbel": 1, "RandomConfidence": 2}


def mix64(x):
    x = (x + 0x9E3779B97F4A7C15) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def row_key(seed, stream, step, position):
    h = mix64(seed ^ ((STREAMS[stream] << 56) & MASK))
    h = mix64(h ^ step)
    return mix64(h ^ position)


def uniform_at(key, index):
    h = mix64(key ^ ((index * 0xD1B54A32D192ED03) & MASK))
    # The same double operations as the C++: the 53-bit integer converts exactly, + 0.5 rounds to nearest
    # even, and the scaling by 2^-53 is exact.
    return ((h >> 11) + 0.5) / 9007199254740992.0


def main():
    for x in (0, 1, 0x0123456789ABCDEF, MASK):
        print("mix64 0x%016X 0x%016X" % (x, mix64(x)))
    cases = [
        (0, "Gumbel", 0, 0, 0),
        (42, "Gumbel", 3, 17, 0),
        (42, "Gumbel", 3, 17, 5),
        (42, "RandomConfidence", 3, 17, 0),
        (1234567890123, "Gumbel", 127, 4095, 126463),
        (MASK, "RandomConfidence", 1000, 1, 2),
    ]
    for seed, stream, step, position, index in cases:
        key = row_key(seed, stream, step, position)
        print("row %d %s %d %d -> 0x%016X; uniform[%d] = %.17g" % (seed, stream, step, position, key, index,
                                                                    uniform_at(key, index)))


if __name__ == "__main__":
    main()
