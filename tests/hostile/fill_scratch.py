"""Fill the scratch folder with many files just under the size limit.
base: stub
expect: No space left|File too large|timed out
"""


def add(a, b):
    print("ATTACK-RAN", "fill_scratch", sep=":", flush=True)  # the proof that it ran, before anything can silence it
    block = b"\0" * (64 << 20)
    for i in range(100):
        with open(f"f{i}.bin", "wb") as fh:
            for _ in range(3):
                fh.write(block)
