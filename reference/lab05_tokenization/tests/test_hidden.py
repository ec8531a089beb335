"""Hidden tests for lab 05 (tokenization and byte-level BPE).

Oracles:
* word tokenizers: ``str.split``, nltk's ``RegexpTokenizer`` /
  ``WordPunctTokenizer`` and ``TreebankWordTokenizer`` (on sentences built
  from a fragment where the lab's stated Treebank rules and nltk agree);
* pre-tokenization: ``regex.findall`` with our own copy of GPT-2's pattern;
* training: a slow, obviously correct BPE trainer written below (recount
  every pair at every step, same stated tie-break), compared merge by merge;
* encoding: the HF ``tokenizers`` BPE model loaded with the same vocabulary
  and merges (GPT-2 byte-to-unicode alphabet, ByteLevel pre-tokenizer), and a
  slow rank-order merger written below;
* decoding: Python's ``bytes.decode("utf-8", errors="replace")``;
* compression: an HF ``ByteLevelBPETokenizer`` trained on the same text with
  the same vocabulary size.
All texts are generated here from fixed seeds.
"""

from __future__ import annotations

import functools
import random
import re
from collections import Counter

import pytest
import regex

from autograder.testing import assert_equal, check

GPT2_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
EOT = "<|endoftext|>"

# ---- generated texts ----------------------------------------------------------------------------------------

WORDS = (
    "the of and to a in is it you that he was for on are with as I his they be at one have this from or had by "
    "word but what some we can out other were all there when up use your how said an each she which do their time "
    "if will way about many then them write would like so these her long make thing see him two has look more day "
    "could go come did number sound no most people my over know water than call first who may down side been now "
    "find any new work part take get place made live where after back little only round man year came show every "
    "good me give our under name very through just form sentence great think say help low line differ turn cause "
    "much mean before move right boy old too same tell does set three want air well also play small end put home "
    "read hand port large spell add even land here must big high such follow act why ask men change went light "
    "kind off need house picture try us again animal point mother world near build self earth father tokenizer "
    "encoding merges vocabulary byte pair subword lower lowest newer wider"
).split()
SPICE = [
    "don't", "can't", "it's", "we'll", "I'm", "they've", "you're", "she'd", "DON'T", "café", "naïve", "Zürich",
    "東京", "日本語", "Ελλάδα", "Москва", "🙂", "👩‍💻", "e\u0301", "1984", "3.14", "42", "2,000", "x2", "#tag",
    "@user", "--", "(see", "above)", '"quoted"', "U.S.A.", "a/b", "C++", "\t", "  ",
]


def synthetic_text(seed: int, n_chars: int, spice: float = 0.04) -> str:
    """English-like text with Zipf-distributed words, punctuation, numbers and some non-ASCII words."""
    rng = random.Random(seed)
    weights = [1.0 / (rank + 1) for rank in range(len(WORDS))]
    parts: list[str] = []
    size = 0
    while size < n_chars:
        words = rng.choices(WORDS, weights, k=rng.randint(4, 16))
        words = [rng.choice(SPICE) if rng.random() < spice else w for w in words]
        if rng.random() < 0.3:
            i = rng.randrange(1, len(words))
            words[i - 1] += ","
        sentence = " ".join(words)
        sentence = sentence[0].upper() + sentence[1:] + rng.choice([".", ".", ".", "!", "?", "...", ":"])
        sentence += rng.choice([" ", " ", " ", "  ", "\n", "\n\n"])
        parts.append(sentence)
        size += len(sentence)
    return "".join(parts)


# Pieces of random Unicode: every kind of character a tokenizer can meet, the special token and parts of it.
UNICODE_PIECES = [
    "a", "Z", "hello", " world", "'s", "'LL", "!", "?!", ".", "...", "0", "123", " ", "  ", "\t", "\n", "\r\n",
    "\u00a0", "\u3000", "\u2028", "\x00", "\x07", "\x1b", "\x7f", "é", "ß", "ø", "e\u0301", "\u0308", "\u20ac",
    "東", "京", "語", "🙂", "👩\u200d💻", "🇫🇷", "👍🏽", "Ω", "Я", "ش", "א", "क्षि", "٣", "１", "\ufeff", "\ufffd",
    "\U0010fffd", EOT, "<|endof", "|>", "<|", "endoftext",
]


def random_unicode(rng: random.Random, n_pieces: int, code_points: bool = True) -> str:
    """A random string mixing UNICODE_PIECES and (optionally) random code points, never surrogates."""
    out = []
    for _ in range(n_pieces):
        if code_points and rng.random() < 0.25:
            cp = rng.randrange(0x110000)
            while 0xD800 <= cp <= 0xDFFF:
                cp = rng.randrange(0x110000)
            out.append(chr(cp))
        else:
            out.append(rng.choice(UNICODE_PIECES))
    return "".join(out)


# ---- oracles ------------------------------------------------------------------------------------------------


def split_special(text: str, specials: list[str]) -> list[tuple[str, bool]]:
    """(piece, is_special): leftmost, then longest special token at each position."""
    if not specials:
        return [(text, False)]
    pattern = "|".join(re.escape(s) for s in sorted(specials, key=len, reverse=True))
    out, start = [], 0
    for m in re.finditer(pattern, text):
        out.append((text[start : m.start()], False))
        out.append((m.group(0), True))
        start = m.end()
    out.append((text[start:], False))
    return [(p, s) for p, s in out if p]


def oracle_pretokenize(text: str, specials: list[str] = ()) -> list[str]:
    pieces = []
    for part, is_special in split_special(text, list(specials)):
        pieces.extend([part] if is_special else regex.findall(GPT2_PATTERN, part))
    return pieces


def merge_all(word: tuple, pair: tuple, merged: bytes) -> tuple:
    out, i = [], 0
    while i < len(word):
        if i + 1 < len(word) and (word[i], word[i + 1]) == pair:
            out.append(merged)
            i += 2
        else:
            out.append(word[i])
            i += 1
    return tuple(out)


def oracle_train(text: str, num_merges: int, specials: list[str] = ()) -> list[tuple[bytes, bytes]]:
    """Slow BPE training: recount all pairs at each step; ties go to the greatest (a, b)."""
    words = Counter(
        tuple(bytes([b]) for b in piece.encode("utf-8"))
        for piece in oracle_pretokenize(text, specials)
        if piece not in specials
    )
    merges = []
    for _ in range(num_merges):
        counts = Counter()
        for word, freq in words.items():
            for pair in zip(word, word[1:]):
                counts[pair] += freq
        if not counts:
            break
        best = max(counts, key=lambda pair: (counts[pair], pair))
        merges.append(best)
        words = Counter({merge_all(w, best, best[0] + best[1]): f for w, f in words.items()})
    return merges


def oracle_apply(piece: bytes, merges: list) -> list[bytes]:
    """Slow rank-order BPE on one piece."""
    ranks: dict = {}
    for r, pair in enumerate(merges):
        ranks.setdefault(pair, r)  # a repeated pair keeps its first rank
    word = tuple(bytes([b]) for b in piece)
    while True:
        present = [p for p in zip(word, word[1:]) if p in ranks]
        if not present:
            return list(word)
        best = min(present, key=ranks.__getitem__)
        word = merge_all(word, best, best[0] + best[1])


@functools.lru_cache(maxsize=None)
def _byte_to_unicode() -> dict[int, str]:
    """GPT-2's reversible map from bytes to printable characters (used by HF ByteLevel)."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    chars, extra = {}, 0
    for b in range(256):
        if b in keep:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + extra)
            extra += 1
    return chars


def hf_tokenizer(vocab: dict[int, bytes], merges: list, specials: list[str] = ()):
    """An HF ``tokenizers`` byte-level BPE with exactly this vocabulary and these merges."""
    from tokenizers import AddedToken, Tokenizer, models, pre_tokenizers

    table = _byte_to_unicode()
    to_str = lambda data: "".join(table[b] for b in data)  # noqa: E731
    hf_vocab = {}
    for token_id in sorted(vocab, reverse=True):  # the smallest id wins for repeated bytes
        hf_vocab[to_str(vocab[token_id])] = token_id
    for s in specials:
        hf_vocab[s] = min(i for i, b in vocab.items() if b == s.encode("utf-8"))
    model = models.BPE(vocab=hf_vocab, merges=[(to_str(a), to_str(b)) for a, b in merges])
    tok = Tokenizer(model)
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    if specials:
        tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok


def hf_encode(vocab, merges, specials, text: str) -> list[int]:
    return hf_tokenizer(vocab, merges, specials).encode(text).ids


def layout_vocab(merges: list, specials: list[str] = ()) -> dict[int, bytes]:
    vocab = {i: bytes([i]) for i in range(256)}
    for rank, (a, b) in enumerate(merges):
        vocab[256 + rank] = a + b
    for j, s in enumerate(specials):
        vocab[256 + len(merges) + j] = s.encode("utf-8")
    return vocab


@functools.lru_cache(maxsize=None)
def trained_merges(seed: int, n_chars: int, num_merges: int) -> tuple:
    """Merges learned by HF's trainer (fast, deterministic) on a synthetic text: any valid merge list will do."""
    from tokenizers import ByteLevelBPETokenizer

    hf = ByteLevelBPETokenizer(add_prefix_space=False)
    hf.train_from_iterator([synthetic_text(seed, n_chars)], vocab_size=256 + num_merges, min_frequency=2, show_progress=False)
    back = {c: b for b, c in _byte_to_unicode().items()}
    import json

    pairs = json.loads(hf._tokenizer.to_str())["model"]["merges"]
    to_bytes = lambda s: bytes(back[c] for c in s)  # noqa: E731
    return tuple((to_bytes(a), to_bytes(b)) for a, b in (p.split(" ", 1) if isinstance(p, str) else p for p in pairs))


def as_merges(result) -> list:
    check(isinstance(result, (list, tuple)), "merges should be a list of (bytes, bytes) pairs")
    pairs = []
    for item in result:
        check(isinstance(item, (list, tuple)) and len(item) == 2, "each merge should be a pair (a, b)")
        check(isinstance(item[0], bytes) and isinstance(item[1], bytes), "each merge should be a pair of bytes objects")
        pairs.append((item[0], item[1]))
    return pairs


def as_tokens(result) -> list:
    check(isinstance(result, (list, tuple)), "expected a list of bytes")
    check(all(isinstance(t, bytes) for t in result), "expected a list of bytes objects")
    return list(result)


def as_ids(result) -> list:
    check(isinstance(result, (list, tuple)), "encode should return a list of ints")
    check(all(isinstance(t, int) and not isinstance(t, bool) for t in result), "encode should return a list of ints")
    return list(result)


# ---- whitespace and regex tokenizers -------------------------------------------------------------------------


@pytest.mark.points(1)
def test_whitespace_tokenize_matches_str_split(lab):
    """whitespace_tokenize splits at runs of any Unicode whitespace, without empty tokens."""
    rng = random.Random(5)
    alphabet = ["a", "bc", "é", "東", "'", ",", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u2003", "\u3000", "\x0b", "\x1c"]
    texts = ["", "   \n\t ", " lead and trail  "] + ["".join(rng.choices(alphabet, k=rng.randint(1, 60))) for _ in range(30)]
    results = lab.map(lab.whitespace_tokenize, [(t,) for t in texts])
    for i, (text, result) in enumerate(zip(texts, results)):
        assert_equal(result, text.split(), what=f"whitespace_tokenize of text #{i}")


REGEX_CASES = {
    "word_punct_default": None,
    "words_only": r"\w+",
    "numbers_or_words": r"\d+(?:[.,]\d+)*|[^\W\d_]+|\S",
}


def _regex_texts(seed: int) -> list[str]:
    """Texts without combining marks or joiners (where the `re` and `regex` modules disagree about \\w)."""
    rng = random.Random(seed)
    texts = [synthetic_text(seed + i, 300, spice=0.3) for i in range(3)]
    texts += ["".join(rng.choices(["Don't", " ", "3.14", ",", "$5", "U.S.", "naïve", "!!", "\n", "a_b", "東京"], k=25))]
    return [t.replace("\u0301", "").replace("\u200d", "") for t in texts] + [""]


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(REGEX_CASES))
def test_regex_tokenize_matches_nltk(lab, case):
    """regex_tokenize returns the matches of the pattern, like nltk's RegexpTokenizer (default: WordPunctTokenizer)."""
    from nltk.tokenize import RegexpTokenizer, WordPunctTokenizer

    pattern = REGEX_CASES[case]
    oracle = WordPunctTokenizer() if pattern is None else RegexpTokenizer(pattern)
    for i, text in enumerate(_regex_texts(len(case))):
        result = lab.regex_tokenize(text) if pattern is None else lab.regex_tokenize(text, pattern)
        assert_equal(result, oracle.tokenize(text), what=f"regex_tokenize ({case}) of text #{i}")


@pytest.mark.points(1)
def test_regex_tokenize_gaps_matches_nltk(lab):
    """regex_tokenize(gaps=True) returns the non-empty pieces between matches, like nltk."""
    from nltk.tokenize import RegexpTokenizer

    for pattern in (r"\s+", r"[,;]\s*", r"\s*(?:--|\.\.\.)\s*", r"\d"):
        oracle = RegexpTokenizer(pattern, gaps=True)
        for i, text in enumerate(_regex_texts(7) + [",,a;;b, c;", "  x  ", "1a22b3"]):
            assert_equal(
                lab.regex_tokenize(text, pattern, gaps=True), oracle.tokenize(text), what=f"regex_tokenize with gaps, text #{i}"
            )


@pytest.mark.points(1)
def test_regex_tokenize_groups_give_whole_matches(lab):
    """With groups in the pattern, tokens are still the whole matches (gaps=False) or the pieces between them (gaps=True)."""
    text = "Mr. Smith paid $3.50, then 12 dollars... for 2 books"
    assert_equal(
        lab.regex_tokenize(text, r"(\$)?(\d+)(?:\.(\d+))?|(\w)+"),
        [m.group(0) for m in regex.finditer(r"(\$)?(\d+)(?:\.(\d+))?|(\w)+", text)],
        what="regex_tokenize with a pattern that has groups",
    )
    pieces = [p for p in regex.split(r"(?:\s|[,.])+", text) if p]
    assert_equal(lab.regex_tokenize(text, r"(\s|[,.])+", gaps=True), pieces, what="regex_tokenize(gaps=True) with a group")
    assert_equal(lab.regex_tokenize(text=text, pattern=r"(\s|[,.])+", gaps=True), pieces, what="regex_tokenize(text=..., pattern=..., gaps=True)")
    assert_equal(lab.regex_tokenize(text="Don't stop!"), ["Don", "'", "t", "stop", "!"], what="regex_tokenize(text=...)")


# ---- Treebank tokenizer -------------------------------------------------------------------------------------

TREEBANK_CASES = {
    "contractions": [
        "I don't know why they can't come.",
        "She's sure we'll win, isn't she?",
        "You're late and I'm tired; we've seen it, he'd say.",
        "DON'T SHOUT, I'M HERE AND WE'RE FINE!",
        "The dogs' owners and James's cat won't mind",
    ],
    "quotes": [
        '"Hello," she said.',
        'He said "stop" and ("really") left',
        '"Why?" "Because!"',
        'A [" quoted "] word: "yes".',
    ],
    "punctuation": [
        "Good muffins cost $3.88 in New York, roughly 3,000 yen at 10:30 am; 50% off & #1 @home!",
        "Wait... what -- really?! (no) [yes] {maybe} <tag>",
        "Lists: a, b and c, but not 1,5 or 2:3.",
        "Mr. Smith met Dr. Jones in the U.S. today, e.g. here and/or there,",
    ],
    "final_period": [
        "It ends here.",
        "It ends in a bracket (like this.)",
        'It ends in a quote "like this."',
        "Mid.period stays, only York. at the end. Thanks.",
        "Trailing spaces.   ",
        "An ellipsis ends it...",
    ],
}


@pytest.mark.parametrize(
    "rule", [pytest.param(rule, marks=pytest.mark.points(2)) for rule in TREEBANK_CASES]
)
def test_treebank_rules_match_nltk(lab, rule):
    """treebank_tokenize follows the stated Treebank rules (contractions, quotes, punctuation, final period)."""
    from nltk.tokenize import TreebankWordTokenizer

    oracle = TreebankWordTokenizer()
    for i, text in enumerate(TREEBANK_CASES[rule]):
        assert_equal(lab.treebank_tokenize(text), oracle.tokenize(text), what=f"treebank_tokenize of {rule} sentence #{i}")


TB_WORDS = "the cat sat on mat dog ran home fast blue river and or but so we they I you".split()
TB_SPECIAL = [
    "don't", "can't", "won't", "isn't", "I'm", "you're", "they'll", "we've", "he'd", "she's", "DON'T", "WE'LL",
    "James's", "dogs'", "3,000", "10:30", "3.88", "$5", "50%", "2.5", "e-mail", "and/or", "U.S.", "Mr.", "Dr.", "&",
    "#1", "@home", "--", "...", "naïve", "café",
]
TB_ATTACHED = [",", ";", ":", "!", "?", "...", "?!", "%"]


def treebank_sentence(rng: random.Random) -> str:
    """A sentence from the fragment where the stated rules and nltk's Treebank tokenizer agree."""
    items = []
    for _ in range(rng.randint(3, 14)):
        word = rng.choice(TB_SPECIAL) if rng.random() < 0.3 else rng.choice(TB_WORDS)
        if rng.random() < 0.2 and word not in ("--", "...", "&"):
            word += rng.choice(TB_ATTACHED)
        items.append(word)
    if rng.random() < 0.3:  # a quoted or bracketed stretch
        i = rng.randrange(len(items))
        j = rng.randint(i + 1, len(items))
        left, right = rng.choice([('"', '"'), ("(", ")"), ("[", "]"), ('("', '")')])
        items[i] = left + items[i]
        items[j - 1] = items[j - 1] + right
    sentence = " ".join(items)
    return sentence + rng.choice([".", ".", "!", "?", "", '."', ".)", "...", " ."])


@pytest.mark.points(2)
def test_treebank_random_sentences_match_nltk(lab):
    """treebank_tokenize agrees with nltk's TreebankWordTokenizer on generated sentences."""
    from nltk.tokenize import TreebankWordTokenizer

    oracle = TreebankWordTokenizer()
    rng = random.Random(11)
    texts = [treebank_sentence(rng) for _ in range(200)]
    results = lab.map(lab.treebank_tokenize, [(t,) for t in texts])
    for i, (text, result) in enumerate(zip(texts, results)):
        assert_equal(result, oracle.tokenize(text), what=f"treebank_tokenize of generated sentence #{i}")


# ---- pre-tokenization ---------------------------------------------------------------------------------------

PRETOKENIZE_CASES = {
    "spaces_stay_with_the_next_word": "Hello  world,   how are\tyou?\n\nFine  ",
    "clitics": "It's what we'd've said: they're here, I'LL go, you'll see, 'tis",
    "numbers_and_symbols": "Pay $3,000.50 now!!! (or 42 + x2) ... @user #tag ✓✓",
    "unicode": "Zürich ist schön; 東京は大きい。 Ελλάδα 🙂🙂 👩‍💻 e\u0301 ٣٤ ١٢",
    "whitespace_runs": "a \n b\t\t c   \n\n   d\r\n",
}


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(PRETOKENIZE_CASES))
def test_pretokenize_hand_cases(lab, case):
    """pretokenize cuts text with GPT-2's pattern (leading spaces, clitics, numbers, Unicode, whitespace)."""
    text = PRETOKENIZE_CASES[case]
    assert_equal(lab.pretokenize(text), regex.findall(GPT2_PATTERN, text), what=f"pretokenize of the '{case}' text")


@pytest.mark.points(1)
def test_pretokenize_random_texts(lab):
    """pretokenize matches GPT-2's pattern on random Unicode and English-like texts."""
    rng = random.Random(3)
    texts = [random_unicode(rng, 40) for _ in range(20)] + [synthetic_text(s, 400, spice=0.2) for s in range(3)] + [""]
    texts = [t.replace(EOT, "<|x|>") for t in texts]
    results = lab.map(lab.pretokenize, [(t,) for t in texts])
    for i, (text, result) in enumerate(zip(texts, results)):
        assert_equal(result, regex.findall(GPT2_PATTERN, text), what=f"pretokenize of random text #{i}")


@pytest.mark.points(2)
def test_pretokenize_special_tokens(lab):
    """pretokenize keeps special tokens whole and cuts the text between them; without them they are plain text."""
    specials = [EOT, "<pad>"]
    texts = [
        f"Hello{EOT}world",
        f"{EOT}{EOT}starts and ends {EOT} with<pad> it {EOT}",
        f"no special here <|endof text|> <pad",
        f"a{EOT}'s {EOT}  \n{EOT}",
    ]
    for i, text in enumerate(texts):
        assert_equal(lab.pretokenize(text, specials), oracle_pretokenize(text, specials), what=f"pretokenize with special tokens, text #{i}")
    text = f"Hello{EOT}world"
    assert_equal(lab.pretokenize(text), regex.findall(GPT2_PATTERN, text), what="pretokenize without special tokens")


@pytest.mark.points(1)
def test_pretokenize_overlapping_special_tokens(lab):
    """When special tokens overlap, the longest one starting at a position wins (whatever the list order)."""
    specials = [EOT, EOT + EOT, "<|end"]
    texts = [f"a{EOT}{EOT}b", f"{EOT}{EOT}{EOT}", f"x<|endo{EOT} {EOT}{EOT} y<|end"]
    for i, text in enumerate(texts):
        assert_equal(lab.pretokenize(text, specials), oracle_pretokenize(text, specials), what=f"pretokenize with overlapping special tokens, text #{i}")


@pytest.mark.points(1)
def test_pretokenize_rejects_bad_special_tokens(lab):
    """pretokenize raises ValueError for an empty or repeated special token (and accepts 300 distinct ones)."""
    many = [f"<|s{i}|>" for i in range(300)]
    text = "a<|s7|>b <|s299|><|s30|>c"
    assert_equal(lab.pretokenize(text, many), oracle_pretokenize(text, many), what="pretokenize with 300 special tokens")
    assert_equal(lab.pretokenize(text, tuple(many[:10])), oracle_pretokenize(text, many[:10]), what="pretokenize with a tuple of special tokens")
    for bad in (["", EOT], [EOT, "<pad>", EOT], [""]):
        with pytest.raises(ValueError):
            lab.pretokenize("a b", bad)


# ---- training -----------------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_train_hand_example_with_ties(lab):
    """train_bpe on a tiny text gives the merges computed by hand (ties: greatest pair first)."""
    # pieces "ab", " ba": all three pairs occur once -> (b, a); then (a, b) beats (" ", "ba"); then (" ", "ba").
    vocab, merges = lab.train_bpe("ab ba", 300)
    assert_equal(as_merges(merges), [(b"b", b"a"), (b"a", b"b"), (b" ", b"ba")], what="merges learned from 'ab ba'")
    # "low" x5, " lower" x2, " newest" x6, " widest" x3 (Sennrich et al.'s example, GPT-2 style pieces).
    text = "low low low low low lower lower newest newest newest newest newest newest widest widest widest"
    vocab, merges = lab.train_bpe(text, 256 + 6)
    expected = [(b"s", b"t"), (b"e", b"st"), (b"o", b"w"), (b"l", b"ow"), (b"w", b"est"), (b"n", b"e")]
    assert_equal(as_merges(merges), expected, what="merges learned from the low/lower/newest/widest text")


TRAIN_CASES = {
    "two_letters": ("ab ", 80, 30),
    "three_letters_newlines": ("abc \n", 120, 40),
    "accents_and_clitics": (["a", "é", "b", "'s", " ", "ü", "ab"], 70, 40),
    "digits_and_symbols": (["1", "2", "12", "!", " ", "a", "?!"], 90, 40),
    "english": (None, 2000, 60),
}


def train_case_text(case: str) -> str:
    alphabet, size, _ = TRAIN_CASES[case]
    if alphabet is None:
        return synthetic_text(17, size)
    rng = random.Random(len(case))
    return "".join(rng.choice(list(alphabet)) for _ in range(size))


@pytest.mark.points(2)
@pytest.mark.parametrize("case", list(TRAIN_CASES))
def test_train_merges_match_oracle(lab, case):
    """train_bpe learns exactly the merges of a brute-force trainer with the stated tie-break."""
    text = train_case_text(case)
    num_merges = TRAIN_CASES[case][2]
    _, merges = lab.train_bpe(text, 256 + num_merges)
    assert_equal(as_merges(merges), oracle_train(text, num_merges), what=f"merges learned from the '{case}' text")


@pytest.mark.points(2)
def test_train_merges_stay_inside_pieces(lab):
    """No merge crosses a pre-token boundary (a space starts a piece, punctuation is its own piece)."""
    # Across pieces, "a " / "x," would be the most frequent pairs; inside pieces they never occur.
    text = "a a a a a a x, x, x, x, ba ba"
    _, merges = lab.train_bpe(text, 256 + 10)
    merges = as_merges(merges)
    check((b"a", b" ") not in merges and (b"x", b",") not in merges, "a merge joins bytes of two different pre-tokens")
    assert_equal(merges, oracle_train(text, 10), what="merges learned from a text with repeated pieces")


@pytest.mark.points(2)
def test_train_vocab_layout(lab):
    """train_bpe's vocab: single bytes at 0..255, merges from 256 in order, then the special tokens."""
    specials = [EOT, "<pad>"]
    text = synthetic_text(2, 1500) + EOT + synthetic_text(3, 500)
    vocab, merges = lab.train_bpe(text, 256 + 40 + 2, specials)
    merges = as_merges(merges)
    check(isinstance(vocab, dict), "vocab should be a dict {id: bytes}")
    assert_equal(len(merges), 40, what="number of merges for vocab_size = 256 + 40 + 2 special tokens")
    assert_equal(vocab, layout_vocab(merges, specials), what="vocab (ids -> bytes)")


@pytest.mark.points(2)
def test_train_special_tokens_are_not_trained_on(lab):
    """Special tokens are removed before counting: they never appear in merges and never join their neighbours."""
    specials = [EOT, "<|sep|>"]
    rng = random.Random(4)
    chunks = [synthetic_text(s, 150) for s in range(8)]
    text = "".join(c + rng.choice([EOT, "<|sep|>", EOT + EOT, " <|sep|>"]) for c in chunks)
    text = text.replace("the", EOT + "the")  # many special tokens right before a frequent word
    vocab, merges = lab.train_bpe(text, 256 + 50 + 2, specials)
    merges = as_merges(merges)
    check(not any(b"<|" in a + b or b"|>" in a + b for a, b in merges), "a merge contains bytes of a special token")
    assert_equal(merges, oracle_train(text, 50, specials), what="merges learned from a text with special tokens")


@pytest.mark.points(2)
def test_train_stops_when_nothing_is_left_to_merge(lab):
    """train_bpe stops early when every piece is a single token (the vocab is then smaller than asked)."""
    text = "abab abab cd!"
    vocab, merges = lab.train_bpe(text, 1000, [EOT])
    expected = oracle_train(text, 1000)
    assert_equal(as_merges(merges), expected, what="merges learned until nothing is left")
    assert_equal(len(vocab), 256 + len(expected) + 1, what="vocab size after stopping early")


@pytest.mark.points(1)
def test_train_rejects_bad_arguments(lab):
    """train_bpe raises ValueError for a vocab_size below 256 + specials, and for empty or repeated special tokens (not at the boundary)."""
    vocab, merges = lab.train_bpe("abc abc", 256)
    check(as_merges(merges) == [] and vocab == layout_vocab([]), "train_bpe with vocab_size 256 learns no merge")
    vocab, merges = lab.train_bpe("abc abc", 257, [EOT])
    check(as_merges(merges) == [] and vocab == layout_vocab([], [EOT]), "train_bpe with vocab_size 256 + 1 special token learns no merge")
    for args in (("abc", 255), ("abc", 256, [EOT]), ("abc", 300, [""]), ("abc", 300, [EOT, EOT]), ("abc", 0)):
        with pytest.raises(ValueError):
            lab.train_bpe(*args)


@pytest.mark.points(2)
def test_train_many_special_tokens(lab):
    """train_bpe with 300 special tokens: vocab_size limits, their ids after the merges, never trained on."""
    many = [f"<|s{i}|>" for i in range(300)]
    text = "".join(synthetic_text(60 + i, 60) + many[(37 * i) % 300] for i in range(40))
    vocab, merges = lab.train_bpe(text, 256 + 300, many)
    check(as_merges(merges) == [], "vocab_size = 256 + 300 special tokens leaves room for no merge")
    assert_equal(vocab, layout_vocab([], many), what="vocab with 300 special tokens and no merge")
    vocab, merges = lab.train_bpe(text, 256 + 20 + 300, many)
    merges = as_merges(merges)
    assert_equal(merges, oracle_train(text, 20, many), what="merges learned next to 300 special tokens")
    assert_equal(vocab, layout_vocab(merges, many), what="vocab with 20 merges and 300 special tokens")
    with pytest.raises(ValueError):
        lab.train_bpe(text, 255 + 300, many)


@pytest.mark.points(1)
def test_train_and_apply_long_pieces(lab):
    """train_bpe and apply_merges on pieces of 300 and more bytes (a long word, a long run of digits and of spaces)."""
    text = " " + "ab" * 150 + " " + "ab" * 20 + "x 1234567890" * 30 + " " * 290 + "end"
    _, merges = lab.train_bpe(text, 256 + 12)
    merges = as_merges(merges)
    assert_equal(merges, oracle_train(text, 12), what="merges learned from a text with pieces of 300 bytes")
    for piece in (("ab" * 150).encode(), ("ab" * 150 + "a").encode(), ("é" * 160).encode()):
        assert_equal(as_tokens(lab.apply_merges(piece, merges + [(b"\xc3", b"\xa9")])), oracle_apply(piece, merges + [(b"\xc3", b"\xa9")]),
                     what=f"apply_merges of a piece of {len(piece)} bytes")


@pytest.mark.points(2)
def test_train_and_encode_twice(lab):
    """train_bpe and a tokenizer give the same results when called twice, and leave their arguments unchanged."""
    text = synthetic_text(70, 1200) + EOT + synthetic_text(71, 300)
    specials = [EOT, "<pad>"]
    first = lab.train_bpe(text, 256 + 30 + 2, specials)
    second = lab.train_bpe(text, 256 + 30 + 2, tuple(specials))
    check(as_merges(first[1]) == as_merges(second[1]) and first[0] == second[0], "train_bpe gave different results for the same input")
    check(specials == [EOT, "<pad>"], "train_bpe changed the special_tokens list it was given")
    fewer = lab.train_bpe(text, 256 + 20 + 2, specials)
    check(as_merges(fewer[1]) == as_merges(first[1])[:20], "train_bpe with a smaller vocab_size should learn the first merges only")
    vocab, merges = first[0], as_merges(first[1])
    vocab_copy, merges_copy = dict(vocab), list(merges)
    tok = lab.BPETokenizer(vocab, tuple(merges), tuple(specials))
    ids = as_ids(tok.encode(text))
    assert_equal(as_ids(tok.encode(text)), ids, what="encode of the same text a second time")
    assert_equal(ids, hf_encode(vocab, merges, specials, text), what="encode with merges and special tokens given as tuples")
    check(vocab == vocab_copy and merges == merges_copy, "BPETokenizer changed the vocab or merges it was given")
    assert_equal(tok.decode(tuple(ids)), text, what="decode of a tuple of ids")


# ---- applying merges ----------------------------------------------------------------------------------------

APPLY_CASES = {
    "lowest_rank_not_leftmost": (b"abc", [(b"b", b"c"), (b"a", b"b")], [b"a", b"bc"]),
    "rank_not_frequency": (b"abcab", [(b"b", b"c"), (b"a", b"b")], [b"a", b"bc", b"ab"]),
    "no_overlap_left_to_right": (b"aaaaa", [(b"a", b"a")], [b"aa", b"aa", b"a"]),
    "chained": (b"aaaa", [(b"a", b"a"), (b"aa", b"aa")], [b"aaaa"]),
    "multibyte": ("né東".encode(), [(b"\xc3", b"\xa9"), (b"n", b"\xc3\xa9"), (b"\xe6", b"\x9d")], [b"n\xc3\xa9", b"\xe6\x9d", b"\xb1"]),
    "nothing_applies": (b"xyz", [(b"a", b"b")], [b"x", b"y", b"z"]),
    "empty": (b"", [(b"a", b"b")], []),
}


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(APPLY_CASES))
def test_apply_merges_hand_cases(lab, case):
    """apply_merges merges the lowest-rank pair first, every occurrence, left to right."""
    piece, merges, expected = APPLY_CASES[case]
    assert_equal(as_tokens(lab.apply_merges(piece, merges)), expected, what=f"apply_merges ({case})")


@pytest.mark.points(1)
def test_apply_merges_random_pieces(lab):
    """apply_merges matches a slow rank-order merger on random pieces with repeated pairs."""
    rng = random.Random(8)
    merges = oracle_train("".join(rng.choice("aab ba\u00e9") for _ in range(400)), 60)
    merges = merges[::-1][:20] + merges[:40]  # unusual rank orders too
    pieces = ["".join(rng.choice("aabé") for _ in range(rng.randint(1, 25))).encode() for _ in range(60)]
    results = lab.map(lab.apply_merges, [(p, merges) for p in pieces])
    for i, (piece, result) in enumerate(zip(pieces, results)):
        assert_equal(as_tokens(result), oracle_apply(piece, merges), what=f"apply_merges of random piece #{i}")


@pytest.mark.points(1)
def test_apply_merges_repeated_pairs(lab):
    """apply_merges: a pair listed twice in merges has the rank of its first occurrence."""
    cases = [
        # the first rank decides: (b, c) before (a, b)
        (b"abc", [(b"b", b"c"), (b"a", b"b"), (b"b", b"c")], [b"a", b"bc"]),
        # a pair that is in no merge never outranks one that is (however many merges repeat)
        (b"xab", [(b"a", b"b"), (b"c", b"d"), (b"a", b"b")], [b"x", b"ab"]),
        (b"xyab", [(b"a", b"b"), (b"a", b"b"), (b"a", b"b"), (b"y", b"q")], [b"x", b"y", b"ab"]),
    ]
    for i, (piece, merges, expected) in enumerate(cases):
        assert_equal(as_tokens(lab.apply_merges(piece, merges)), expected, what=f"apply_merges with a repeated pair (case {i + 1})")
    rng = random.Random(9)
    merges = oracle_train("".join(rng.choice("aab ba") for _ in range(300)), 30)
    merges = merges[:20] + merges[::3] + merges[20:]  # repeats, some before their pair is needed
    pieces = ["".join(rng.choice("aab") for _ in range(rng.randint(2, 20))).encode() for _ in range(40)]
    results = lab.map(lab.apply_merges, [(p, merges) for p in pieces])
    for i, (piece, result) in enumerate(zip(pieces, results)):
        assert_equal(as_tokens(result), oracle_apply(piece, merges), what=f"apply_merges with repeated pairs, random piece #{i}")


# ---- encoding -----------------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_encode_matches_hf_tokenizers(lab):
    """BPETokenizer.encode gives the same ids as HF tokenizers' BPE with the same vocab and merges."""
    merges = list(trained_merges(1, 20000, 400))
    vocab = layout_vocab(merges)
    tok = lab.BPETokenizer(vocab, merges)
    texts = [synthetic_text(s, 2000, spice=0.1) for s in (21, 22, 23)] + ["", " ", "a", "  leading and trailing  "]
    rng = random.Random(2)
    # no random code points here: HF's Rust regex and Python's `regex` may differ on rare, newly assigned ones
    texts += [random_unicode(rng, 30, code_points=False).replace(EOT, "") for _ in range(5)]
    results = lab.map(tok.encode, [(t,) for t in texts])
    for i, (text, result) in enumerate(zip(texts, results)):
        assert_equal(as_ids(result), hf_encode(vocab, merges, [], text), what=f"encode of text #{i}")


@pytest.mark.points(2)
def test_encode_uses_the_given_vocab_ids(lab):
    """encode maps tokens to the ids of the given vocab, whatever their layout."""
    merges = list(trained_merges(1, 20000, 400))[:200]
    base = layout_vocab(merges, [EOT])
    ids = list(range(5000, 5000 + len(base)))
    random.Random(6).shuffle(ids)
    vocab = {new: base[old] for new, old in zip(ids, sorted(base))}
    tok = lab.BPETokenizer(vocab, merges, [EOT])
    text = synthetic_text(31, 1500) + EOT + "tail"
    assert_equal(as_ids(tok.encode(text)), hf_encode(vocab, merges, [EOT], text), what="encode with a shuffled vocab")


@pytest.mark.points(2)
def test_encode_special_tokens_are_never_split(lab):
    """Each special token in the text becomes its single id; without special tokens the same text is split."""
    merges = list(trained_merges(1, 20000, 400))
    specials = [EOT, "<pad>"]
    vocab = layout_vocab(merges, specials)
    text = f"{EOT}Hello{EOT}world <pad>{EOT}{EOT} the end{EOT}'s <|endof {EOT}"
    ids = as_ids(lab.BPETokenizer(vocab, merges, specials).encode(text))
    assert_equal(ids, hf_encode(vocab, merges, specials, text), what="encode with special tokens")
    check(ids.count(vocab_id(vocab, EOT)) == text.count(EOT), "some <|endoftext|> was not encoded as its single id")
    plain = as_ids(lab.BPETokenizer(vocab, merges).encode(text))
    assert_equal(plain, hf_encode(vocab, merges, [], text), what="encode of the same text without special tokens")


def vocab_id(vocab: dict, token: str) -> int:
    return min(i for i, b in vocab.items() if b == token.encode())


@pytest.mark.points(2)
def test_encode_overlapping_special_tokens(lab):
    """Overlapping special tokens: the longest one wins ("<|endoftext|><|endoftext|>" before "<|endoftext|>")."""
    merges = list(trained_merges(1, 20000, 400))[:100]
    specials = [EOT, EOT + EOT]
    vocab = layout_vocab(merges, specials)
    text = f"a{EOT}{EOT}{EOT}b {EOT} c{EOT}{EOT}"
    ids = as_ids(lab.BPETokenizer(vocab, merges, specials).encode(text))
    assert_equal(ids, hf_encode(vocab, merges, specials, text), what="encode with overlapping special tokens")


@pytest.mark.points(1)
def test_tokenizer_rejects_incomplete_vocab(lab):
    """BPETokenizer raises ValueError when a single byte, a merge result or a special token is missing from vocab."""
    merges = [(b"a", b"b"), (b"ab", b"c")]
    full = layout_vocab(merges, [EOT])
    assert_equal(as_ids(lab.BPETokenizer(full, merges, [EOT]).encode("z a")), [ord("z"), ord(" "), ord("a")], what="encode with a complete vocab")
    for missing in (ord("z"), 0, 255, 256, 257, 258):
        vocab = {i: b for i, b in full.items() if i != missing}
        with pytest.raises(ValueError):
            lab.BPETokenizer(vocab, merges, [EOT])


@pytest.mark.points(2)
def test_encode_duplicate_ids_and_repeated_merges(lab):
    """encode uses the smallest id of bytes held by several ids, and a merge listed twice keeps its first rank."""
    merges = list(trained_merges(1, 20000, 400))[:150]
    merges = merges[:60] + merges[10:30] + merges[60:]  # pairs 10..29 listed twice
    vocab = layout_vocab(merges[:60] + merges[80:], [EOT])
    extra = {9000 + i: vocab[i] for i in (ord("e"), ord(" "), 256, 257, 300)}
    extra.update({5100: EOT.encode(), 17000: b"\xff\xfe"})  # a second id for the special token, and extra bytes
    vocab = {**vocab, **extra}
    vocab[0xFF + 20000] = bytes([0xFF])  # a larger id for a single byte
    tok = lab.BPETokenizer(vocab, merges, [EOT])
    text = synthetic_text(43, 1500) + EOT + " the end"
    table = {}
    for token_id in sorted(vocab, reverse=True):
        table[vocab[token_id]] = token_id
    expected = []
    for piece in oracle_pretokenize(text, [EOT]):
        if piece == EOT:
            expected.append(table[EOT.encode()])
        else:
            expected += [table[t] for t in oracle_apply(piece.encode(), merges)]
    assert_equal(as_ids(tok.encode(text)), expected, what="encode with repeated ids and repeated merges")


@pytest.mark.points(2)
def test_bpe_encode_function(lab):
    """bpe_encode(text, vocab, merges, special_tokens) gives the same ids as HF tokenizers."""
    merges = list(trained_merges(1, 20000, 400))
    vocab = layout_vocab(merges, [EOT])
    text = synthetic_text(41, 3000, spice=0.1) + EOT + synthetic_text(42, 500)
    assert_equal(as_ids(lab.bpe_encode(text, vocab, merges, [EOT])), hf_encode(vocab, merges, [EOT], text), what="bpe_encode")


# ---- decoding and the round trip ------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_decode_concatenates_token_bytes(lab):
    """decode joins the tokens' bytes and decodes them as UTF-8 (characters split across tokens included)."""
    merges = [(b"\xe6", b"\x9d"), (b"\x9d", b"\xb1"), (b"h", b"i")]
    vocab = layout_vocab(merges, [EOT])
    tok = lab.BPETokenizer(vocab, merges, [EOT])
    cases = [
        ([256, 0xB1], "東"),
        ([0xE6, 257], "東"),
        ([258, 0x20, 259, 0xF0, 0x9F, 0x99, 0x82], f"hi {EOT}🙂"),
        ([], ""),
    ]
    for i, (ids, expected) in enumerate(cases):
        assert_equal(tok.decode(ids), expected, what=f"decode of id sequence #{i}")


@pytest.mark.points(2)
def test_decode_invalid_utf8_is_replaced(lab):
    """decode turns invalid UTF-8 into U+FFFD exactly like bytes.decode('utf-8', errors='replace')."""
    merges = [(b"\xe6", b"\x9d")]
    vocab = layout_vocab(merges)
    tok = lab.BPETokenizer(vocab, merges)
    rng = random.Random(9)
    id_lists = [[0xFF], [256], [0x61, 256, 0x62], [0xC3], [0xED, 0xA0, 0x80], [0xF0, 0x9F, 0x99]]
    id_lists += [[rng.randrange(257) for _ in range(rng.randint(1, 30))] for _ in range(40)]
    results = lab.map(tok.decode, [(ids,) for ids in id_lists])
    for i, (ids, result) in enumerate(zip(id_lists, results)):
        expected = b"".join(vocab[t] for t in ids).decode("utf-8", errors="replace")
        assert_equal(result, expected, what=f"decode of id sequence #{i}")
    with pytest.raises(ValueError):
        tok.decode([0x61, 10**6])


@pytest.mark.points(2)
@pytest.mark.parametrize("with_specials", [False, True], ids=["plain", "special_tokens"])
def test_round_trip_random_unicode(lab, with_specials):
    """decode(encode(s)) == s for random Unicode strings (emoji, CJK, combining marks, control characters...)."""
    merges = list(trained_merges(2, 20000, 300))
    merges += oracle_train("東京 東京 🙂🙂 é é ééé", 12)  # tokens that hold parts of characters
    specials = [EOT, "<|end"] if with_specials else []
    vocab = layout_vocab(merges, specials)
    tok = lab.BPETokenizer(vocab, merges, specials)
    rng = random.Random(12 + with_specials)
    texts = [random_unicode(rng, rng.randint(1, 60)) for _ in range(40)]
    encoded = lab.map(tok.encode, [(t,) for t in texts])
    decoded = lab.map(tok.decode, [(as_ids(ids),) for ids in encoded])
    for i, (text, back) in enumerate(zip(texts, decoded)):
        check(back == text, f"decode(encode(text)) differs from the text for random string #{i}")
    if with_specials:
        for i, (text, ids) in enumerate(zip(texts, encoded)):
            check(ids.count(vocab_id(vocab, EOT)) == text.count(EOT), f"a special token was split in random string #{i}")


# ---- compression compared with HF tokenizers -------------------------------------------------------------------

COMPRESSION_BAND = 0.05  # the bytes per token must be within 5 % of HF's


@pytest.mark.points(2)
def test_compression_close_to_hf(lab):
    """Trained on the same text with the same vocab size, bytes per token on held-out text is within 5 % of HF's."""
    from tokenizers import ByteLevelBPETokenizer

    train, held_out = synthetic_text(51, 30000), synthetic_text(52, 10000)
    vocab_size = 256 + 300
    vocab, merges = lab.train_bpe(train, vocab_size)
    ids = as_ids(lab.BPETokenizer(vocab, merges).encode(held_out))
    hf = ByteLevelBPETokenizer(add_prefix_space=False)
    hf.train_from_iterator([train], vocab_size=vocab_size, min_frequency=2, show_progress=False)
    n_bytes = len(held_out.encode("utf-8"))
    ratio, hf_ratio = n_bytes / max(len(ids), 1), n_bytes / len(hf.encode(held_out).ids)
    check(abs(ratio / hf_ratio - 1) <= COMPRESSION_BAND, f"bytes per token {ratio:.3f} is not within 5 % of HF's")
