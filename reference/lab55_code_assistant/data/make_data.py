"""Writes the lab's HumanEval-format problems (run from anywhere; idempotent).

- assignments/lab55_code_assistant/data/problems.jsonl: the public problems;
- reference/lab55_code_assistant/data/problems_hidden.jsonl: problems only the hidden tests use.

Every problem's canonical solution passes its own test (checked here with exec).
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
PUBLIC = HERE.parents[2] / "assignments" / "lab55_code_assistant" / "data" / "problems.jsonl"
HIDDEN = HERE / "problems_hidden.jsonl"

METADATA = "\n\nMETADATA = {{'author': 'llm-course', 'dataset': '{}'}}\n\n\ndef check(candidate):\n"


def problem(task_id, entry_point, prompt, solution, asserts, dataset):
    test = METADATA.format(dataset) + "".join(f"    assert {a}\n" for a in asserts)
    return {"task_id": task_id, "prompt": prompt, "entry_point": entry_point,
            "canonical_solution": solution, "test": test}


PUBLIC_PROBLEMS = [
    problem("LAB55/0", "running_max", '''from typing import List


def running_max(numbers: List[int]) -> List[int]:
    """ Return the list of the largest element seen so far at each position.
    >>> running_max([1, 3, 2, 5, 4])
    [1, 3, 3, 5, 5]
    """
''', '''    result = []
    best = None
    for x in numbers:
        best = x if best is None or x > best else best
        result.append(best)
    return result
''', ["candidate([]) == []", "candidate([1, 3, 2, 5, 4]) == [1, 3, 3, 5, 5]",
      "candidate([-3, -5, -1]) == [-3, -3, -1]", "candidate([4, 4, 4]) == [4, 4, 4]"], "public"),
    problem("LAB55/1", "is_balanced", '''

def is_balanced(text: str) -> bool:
    """ Return True if the brackets (), [] and {} in text are balanced and properly nested.
    Other characters are ignored.
    >>> is_balanced("f(a[1], {b: 2})")
    True
    >>> is_balanced("(]")
    False
    """
''', '''    pairs = {")": "(", "]": "[", "}": "{"}
    stack = []
    for ch in text:
        if ch in "([{":
            stack.append(ch)
        elif ch in pairs:
            if not stack or stack.pop() != pairs[ch]:
                return False
    return not stack
''', ["candidate('') is True", "candidate('f(a[1], {b: 2})') is True", "candidate('(]') is False",
      "candidate('((') is False", "candidate('())(') is False", "candidate('{[()()]}') is True"], "public"),
    problem("LAB55/2", "run_length_encode", '''

def run_length_encode(text: str) -> str:
    """ Encode each run of equal characters as the character followed by the run's length.
    >>> run_length_encode("aaabcc")
    'a3b1c2'
    """
''', '''    out = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and text[j] == text[i]:
            j += 1
        out.append(f"{text[i]}{j - i}")
        i = j
    return "".join(out)
''', ["candidate('') == ''", "candidate('aaabcc') == 'a3b1c2'", "candidate('abc') == 'a1b1c1'",
      "candidate('zzzzzzzzzzzz') == 'z12'", "candidate('aabaa') == 'a2b1a2'"], "public"),
    problem("LAB55/3", "second_largest", '''from typing import List, Optional


def second_largest(numbers: List[int]) -> Optional[int]:
    """ Return the second largest distinct value, or None if there are fewer than two distinct values.
    >>> second_largest([4, 1, 4, 3])
    3
    >>> second_largest([7, 7])
    """
''', '''    distinct = sorted(set(numbers))
    return distinct[-2] if len(distinct) >= 2 else None
''', ["candidate([4, 1, 4, 3]) == 3", "candidate([7, 7]) is None", "candidate([]) is None",
      "candidate([-1, -2]) == -2", "candidate([5, 9, 9, 1]) == 5"], "public"),
    problem("LAB55/4", "word_counts", '''from typing import Dict


def word_counts(text: str) -> Dict[str, int]:
    """ Count the words of text, separated by whitespace, ignoring case (keys are lower case).
    >>> word_counts("The cat saw the dog")
    {'the': 2, 'cat': 1, 'saw': 1, 'dog': 1}
    """
''', '''    counts = {}
    for word in text.lower().split():
        counts[word] = counts.get(word, 0) + 1
    return counts
''', ["candidate('') == {}", "candidate('The cat saw the dog') == {'the': 2, 'cat': 1, 'saw': 1, 'dog': 1}",
      "candidate('  a\\tA\\na ') == {'a': 3}"], "public"),
    problem("LAB55/5", "rotate_left", '''from typing import List


def rotate_left(items: List[int], k: int) -> List[int]:
    """ Rotate items left by k positions (k may exceed the length or be negative: rotate right).
    >>> rotate_left([1, 2, 3, 4], 1)
    [2, 3, 4, 1]
    """
''', '''    if not items:
        return []
    k %= len(items)
    return items[k:] + items[:k]
''', ["candidate([], 3) == []", "candidate([1, 2, 3, 4], 1) == [2, 3, 4, 1]",
      "candidate([1, 2, 3, 4], 6) == [3, 4, 1, 2]", "candidate([1, 2, 3], -1) == [3, 1, 2]",
      "candidate([5], 0) == [5]"], "public"),
]

HIDDEN_PROBLEMS = [
    problem("LAB55H/0", "collatz_steps", '''

def collatz_steps(n: int) -> int:
    """ Return how many Collatz steps (n -> n // 2 if n is even, else 3 * n + 1) take n to 1.
    >>> collatz_steps(6)
    8
    """
''', '''    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps
''', ["candidate(1) == 0", "candidate(6) == 8", "candidate(27) == 111", "candidate(2) == 1"], "hidden"),
    problem("LAB55H/1", "caesar", '''

def caesar(text: str, shift: int) -> str:
    """ Shift each ASCII letter of text by shift places in the alphabet, keeping its case.
    Other characters are unchanged.
    >>> caesar("Hello, World!", 3)
    'Khoor, Zruog!'
    """
''', '''    out = []
    for ch in text:
        if "a" <= ch <= "z":
            out.append(chr((ord(ch) - 97 + shift) % 26 + 97))
        elif "A" <= ch <= "Z":
            out.append(chr((ord(ch) - 65 + shift) % 26 + 65))
        else:
            out.append(ch)
    return "".join(out)
''', ["candidate('Hello, World!', 3) == 'Khoor, Zruog!'", "candidate('xyz', 3) == 'abc'",
      "candidate('abc', -1) == 'zab'", "candidate('', 5) == ''", "candidate('Zz9', 52) == 'Zz9'"], "hidden"),
    problem("LAB55H/2", "merge_intervals", '''from typing import List, Tuple


def merge_intervals(intervals: List[Tuple[int, int]]) -> List[Tuple[int, int]]:
    """ Merge overlapping or touching closed intervals; return them sorted by start.
    >>> merge_intervals([(5, 6), (1, 3), (2, 4)])
    [(1, 4), (5, 6)]
    """
''', '''    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
''', ["candidate([]) == []", "candidate([(5, 6), (1, 3), (2, 4)]) == [(1, 4), (5, 6)]",
      "candidate([(1, 2), (2, 3)]) == [(1, 3)]", "candidate([(1, 10), (2, 3)]) == [(1, 10)]"], "hidden"),
    problem("LAB55H/3", "digital_root", '''

def digital_root(n: int) -> int:
    """ Sum the decimal digits of the non-negative integer n repeatedly until one digit is left.
    >>> digital_root(9875)
    2
    """
''', '''    while n >= 10:
        n = sum(int(d) for d in str(n))
    return n
''', ["candidate(0) == 0", "candidate(9875) == 2", "candidate(9) == 9", "candidate(10 ** 20) == 1"], "hidden"),
    problem("LAB55H/4", "count_vowels", '''

def count_vowels(text: str) -> int:
    """ Count the vowels a, e, i, o, u in text, in either case.
    >>> count_vowels("Programming IS fun")
    5
    """
''', '''    return sum(ch in "aeiou" for ch in text.lower())
''', ["candidate('') == 0", "candidate('Programming IS fun') == 5", "candidate('rhythm') == 0",
      "candidate('AEIOUaeiou') == 10"], "hidden"),
    problem("LAB55H/5", "flatten", '''from typing import Any, List


def flatten(nested: List[Any]) -> List[Any]:
    """ Flatten arbitrarily nested lists, keeping the order of the elements.
    >>> flatten([1, [2, [3, 4]], 5])
    [1, 2, 3, 4, 5]
    """
''', '''    flat = []
    for item in nested:
        if isinstance(item, list):
            flat.extend(flatten(item))
        else:
            flat.append(item)
    return flat
''', ["candidate([]) == []", "candidate([1, [2, [3, 4]], 5]) == [1, 2, 3, 4, 5]",
      "candidate([[[]], ['a', ['b']]]) == ['a', 'b']", "candidate([(1, 2)]) == [(1, 2)]"], "hidden"),
]


def self_check(p: dict) -> None:
    ns: dict = {}
    exec(p["prompt"] + p["canonical_solution"] + p["test"] + f"\ncheck({p['entry_point']})\n", ns)


def main() -> None:
    for path, problems in ((PUBLIC, PUBLIC_PROBLEMS), (HIDDEN, HIDDEN_PROBLEMS)):
        for p in problems:
            self_check(p)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(p) + "\n" for p in problems), encoding="utf-8")
        print(f"{path}: {len(problems)} problems")


if __name__ == "__main__":
    main()
