#!/usr/bin/env python3
"""Writes mixed.txt: the other corpus files cut into words and put back together in a seeded random order, with
random whitespace runs, digits, case changes and special-token strings between them, so that the tokenizer
comparison sees word boundaries the hand-written files do not have. Run it again only to change the corpus."""
import os
import random

here = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20261127)
words = []
for name in ("english.txt", "code.txt", "scripts.txt", "special.txt"):
    with open(os.path.join(here, name), encoding="utf-8") as f:
        words += f.read().split()
gaps = [" ", " ", " ", " ", "  ", "\t", "\n", "\n\n", " \n", "\r\n", "   ", "\u3000", "\u00a0", ""]
extras = ["123", "4567", "89012", "3.5", "-1", "2024", "<|im_end|>", "<|endoftext|>", "<s>", "'s", "'LL", "?!", "...",
          "🤗", "é", "ß", "İ", "Ǆ", "ﬃ", "0x1F", "__init__", "i++", "=>", "\\n", "\\t"]
lines = []
size = 0
while size < 48000:
    parts = []
    for _ in range(rng.randint(3, 25)):
        word = rng.choice(words) if rng.random() > 0.15 else rng.choice(extras)
        r = rng.random()
        if r < 0.05:
            word = word.upper()
        elif r < 0.08:
            word = word.lower()
        parts.append(word)
        parts.append(rng.choice(gaps))
    line = "".join(parts).rstrip("\n")
    lines.append(line)
    size += len(line.encode("utf-8")) + 1
with open(os.path.join(here, "mixed.txt"), "w", encoding="utf-8", newline="") as f:
    f.write("\n".join(lines) + "\n")
