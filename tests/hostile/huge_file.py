"""Try to write a 10 GB file, then fill the scratch with many files.
base: stub
expect: File too large|No space left
"""


def add(a, b):
    print("ATTACK-RAN", "huge_file", sep=":", flush=True)  # the proof that it ran, before anything can silence it
    block = b"\0" * (64 << 20)
    with open("big.bin", "wb") as fh:
        for _ in range(160):
            fh.write(block)
