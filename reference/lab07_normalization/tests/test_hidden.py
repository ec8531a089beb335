"""Hidden tests for lab 07 (text normalization).

Oracles, all computed here in the trusted runner:

* case folding: Python's own ``str.lower`` / ``str.casefold`` and
  ``unicodedata`` (the lab's policy is "exactly what Python does");
* punctuation: ``regex`` (``\\p{P}``) on characters whose category both agree on;
* Porter: ``nltk.stem.PorterStemmer(mode=PorterStemmer.ORIGINAL_ALGORITHM)``,
  its ``stem`` and its step methods, on a large word list generated here
  (stems x suffixes, random letter strings, the examples of the 1980 paper);
* lemmatization: ``lemminflect.getLemma`` (agreement rate on inflections of
  regular lemmas, built with ``lemminflect.getInflection``), plus hand cases
  that pin down the rules of the docstring exactly;
* vocabulary reduction: Python sets, nltk's stemmer and lemminflect.
"""

from __future__ import annotations

import random
import unicodedata
from itertools import product
from functools import lru_cache

import pytest
import regex
from nltk.stem import PorterStemmer

from autograder.testing import assert_equal, check

PORTER = PorterStemmer(mode=PorterStemmer.ORIGINAL_ALGORITHM)


def fresh(name: str) -> str:
    """A copy of ``name`` built at run time: a correct solution compares names with ``==``, never ``is``."""
    return "".join(list(name))


def agree_on(results, inputs, expected, what: str) -> None:
    """All results equal; the message names one failing input, never an expected value."""
    check(isinstance(results, list) and len(results) == len(inputs), f"{what}: expected one result per input")
    wrong = [x for x, got, want in zip(inputs, results, expected) if got != want]
    check(not wrong, f"{what}: wrong on {len(wrong)} of {len(inputs)} inputs, e.g. on {wrong[0]!r}" if wrong else "")


# ---- case folding --------------------------------------------------------------------------------------

CASE_SAMPLES = [
    "Hello World", "Straße", "STRASSE", "ẞ", "ΟΔΟΣ ΣΟΦΟΣ", "Σ", "ὈΔΥΣΣΕΎΣ", "İstanbul", "ISPARTA", "ıi",
    "ﬁle ﬂow", "µ", "ſ", "ǅ", "Ǳ", "ÀÉÎÕÜ", "Å", "ΐ", "Ꭰ", "🙂 ABC", "",
]


@pytest.mark.points(3)
def test_fold_case_matches_python(lab):
    """fold_case gives exactly str.lower() / str.casefold() / the text for the three modes."""
    for mode, fn in (("lower", str.lower), ("casefold", str.casefold), ("none", str)):
        results = lab.map(lab.fold_case, [(s, fresh(mode)) for s in CASE_SAMPLES])
        agree_on(results, CASE_SAMPLES, [fn(s) for s in CASE_SAMPLES], f"fold_case(..., {mode!r})")
    assert_equal(lab.fold_case("Straße"), "strasse", what="fold_case with the default mode")


@pytest.mark.points(2)
def test_fold_case_casefold_differs_from_lower(lab):
    """casefold maps ß to ss, every sigma to σ and ligatures to letters; lower does not."""
    assert_equal(lab.fold_case("Straße", "casefold"), "strasse", what="casefold of 'Straße'")
    assert_equal(lab.fold_case("Straße", "lower"), "straße", what="lower of 'Straße'")
    assert_equal(lab.fold_case("ΟΔΟΣ", "casefold"), "οδοσ", what="casefold of 'ΟΔΟΣ'")
    assert_equal(lab.fold_case("ΟΔΟΣ", "lower"), "οδος", what="lower of 'ΟΔΟΣ' (final sigma)")
    assert_equal(lab.fold_case("ﬁ", "casefold"), "fi", what="casefold of the ligature 'ﬁ'")
    assert_equal(lab.fold_case("İI", "casefold"), "i\u0307i", what="casefold of Turkish 'İI' (no Turkish rules)")


@pytest.mark.points(1)
def test_fold_case_unknown_mode_raises(lab):
    """fold_case raises ValueError for an unknown mode (the three known modes work)."""
    for mode, expected in (("none", "ÀBC"), ("lower", "àbc"), ("casefold", "àbc")):
        assert_equal(lab.fold_case("ÀBC", fresh(mode)), expected, what=f"fold_case('ÀBC', {mode!r})")
    for mode in ("upper", "Lower", "", "casefolds", "a", "z", None):
        with pytest.raises(ValueError):
            lab.fold_case("abc", mode)


def _caseless_key(s: str) -> str:
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", s).casefold())


CASELESS_PAIRS = [
    ("Straße", "STRASSE"), ("ẞ", "ss"), ("ΟΔΟΣ", "οδος"), ("σοφος", "ΣΟΦΟΣ"), ("ﬁle", "FILE"), ("µ", "Μ"),
    ("İstanbul", "istanbul"), ("ı", "I"), ("Hello", "hello"), ("Hello", "help"), ("", ""), ("a", ""),
    ("straße", "strasse"), ("ǅ", "DŽ"),
]
NFD_PAIRS = [("café", "CAFE\u0301"), ("Å", "å"), ("\u212b", "å"), ("ÉCOLE", "e\u0301cole"), ("cafe", "café")]


@pytest.mark.points(3)
def test_caseless_equal_pairs(lab):
    """caseless_equal is the canonical caseless match (ß = ss, all sigmas equal, no Turkish rules)."""
    results = lab.map(lab.caseless_equal, CASELESS_PAIRS)
    agree_on(results, CASELESS_PAIRS, [_caseless_key(a) == _caseless_key(b) for a, b in CASELESS_PAIRS], "caseless_equal")


@pytest.mark.points(1)
def test_caseless_equal_normalizes_nfd(lab):
    """caseless_equal treats precomposed and decomposed accents as equal (NFD on both sides)."""
    results = lab.map(lab.caseless_equal, NFD_PAIRS)
    agree_on(results, NFD_PAIRS, [_caseless_key(a) == _caseless_key(b) for a, b in NFD_PAIRS], "caseless_equal")


# ---- punctuation ---------------------------------------------------------------------------------------

WORD_CHARS = "abcdeXYZéßΣж019"
SYMBOLS = "$+=<>^`|~€©"  # category S*: not punctuation
PUNCT = ".,;:!?'\"-()[]{}_/@#%&*’“”«»—…¿"
SPACES = [" ", "  ", "\t", "\n", " \u00a0"]


@pytest.mark.points(2)
def test_is_punctuation_uses_unicode_categories(lab):
    """is_punctuation is true exactly for Unicode categories P* (not for symbols like $ + €)."""
    chars = list(WORD_CHARS + SYMBOLS + PUNCT + " \t")
    results = lab.map(lab.is_punctuation, [(ch,) for ch in chars])
    agree_on(results, chars, [unicodedata.category(ch).startswith("P") for ch in chars], "is_punctuation")


@pytest.mark.points(1)
def test_is_punctuation_rejects_strings(lab):
    """is_punctuation raises ValueError unless given exactly one character (one character works, also outside the BMP)."""
    check(lab.is_punctuation("!") is True and lab.is_punctuation("𝔸") is False, "is_punctuation of one character")
    for bad in ("", "..", "ab", "a\u0301"):
        with pytest.raises(ValueError):
            lab.is_punctuation(bad)


@pytest.mark.points(1)
def test_tokenize_keep(lab):
    """The 'keep' policy returns the whitespace-separated chunks unchanged."""
    text = "  Hello, world!\tIt's\n3.14 -- $5 (ok)  "
    assert_equal(lab.tokenize(text, fresh("keep")), text.split(), what="tokenize(..., 'keep')")


TOKENIZE_CASES = {
    "strip": [
        ("Hello, World!", ["Hello", "World"]),
        ("Don't stop -- ok?", ["Dont", "stop", "ok"]),
        ("e-mail U.S.A. 3.14 snake_case", ["email", "USA", "314", "snakecase"]),
        ("$5 + 3 = 8 ... !!", ["$5", "+", "3", "=", "8"]),
        ("«Quoi?» ¿Qué? “Yes”—no…", ["Quoi", "Qué", "Yesno"]),
    ],
    "split": [
        ("Hello, World!", ["Hello", ",", "World", "!"]),
        ("Don't stop...!", ["Don", "'", "t", "stop", ".", ".", ".", "!"]),
        ("(a)b $5+3", ["(", "a", ")", "b", "$5+3"]),
        ("snake_case e-mail", ["snake", "_", "case", "e", "-", "mail"]),
        ("“Yes”—no…", ["“", "Yes", "”", "—", "no", "…"]),
    ],
}


@pytest.mark.points(2)
def test_tokenize_strip(lab):
    """The 'strip' policy deletes every punctuation character and drops empty chunks (symbols stay)."""
    for text, expected in TOKENIZE_CASES["strip"]:
        assert_equal(lab.tokenize(text, fresh("strip")), expected, what=f"tokenize({text!r}, 'strip')")
    assert_equal(lab.tokenize("... -- !", "strip"), [], what="tokenize of punctuation only, 'strip'")


@pytest.mark.points(2)
def test_tokenize_split(lab):
    """The 'split' policy makes each punctuation character a token and keeps the runs between them."""
    for text, expected in TOKENIZE_CASES["split"]:
        assert_equal(lab.tokenize(text, fresh("split")), expected, what=f"tokenize({text!r}, 'split')")


def random_text(seed: int, n_chunks: int) -> str:
    rng = random.Random(seed)
    pools = [WORD_CHARS] * 4 + [PUNCT] * 2 + [SYMBOLS]
    chunks = ["".join(rng.choice(rng.choice(pools)) for _ in range(rng.randint(1, 8))) for _ in range(n_chunks)]
    return "".join(rng.choice(SPACES) + chunk for chunk in chunks) + rng.choice(SPACES)


def oracle_tokens(text: str, policy: str) -> list[str]:
    chunks = text.split()
    if policy == "keep":
        return chunks
    if policy == "strip":
        return [t for t in (regex.sub(r"\p{P}", "", c) for c in chunks) if t]
    return [t for c in chunks for t in regex.findall(r"\p{P}|[^\p{P}]+", c)]


@pytest.mark.points(3)
def test_tokenize_random_texts(lab):
    """All three policies agree with a regex oracle (\\p{P}) on random texts."""
    texts = [random_text(seed, 60) for seed in range(6)]
    for policy in ("keep", "strip", "split"):
        results = lab.map(lab.tokenize, [(t, policy) for t in texts])
        for i, (result, text) in enumerate(zip(results, texts)):
            assert_equal(result, oracle_tokens(text, policy), what=f"tokenize(random text #{i}, {policy!r})")


@pytest.mark.points(1)
def test_tokenize_unknown_policy_raises(lab):
    """tokenize raises ValueError for an unknown punctuation policy (the default policy is 'strip')."""
    assert_equal(lab.tokenize("a, b!"), ["a", "b"], what="tokenize('a, b!') with the default policy")
    for policy in ("remove", "Strip", "", "a", "z", "keeps", None):
        with pytest.raises(ValueError):
            lab.tokenize("a, b", policy)


# ---- stop words ----------------------------------------------------------------------------------------

SENTENCE = "the cat and the dog sat on a mat because it was warm but they were not there".split()


@pytest.mark.points(2)
def test_remove_stopwords_default_list(lab, reference):
    """remove_stopwords drops the words of STOP_WORDS and keeps the rest in order, duplicates included."""
    stop = reference.STOP_WORDS
    tokens = SENTENCE + ["cat", "is", "cat"]
    assert_equal(lab.remove_stopwords(tokens), [t for t in tokens if t not in stop], what="remove_stopwords")
    assert_equal(lab.remove_stopwords([]), [], what="remove_stopwords of no tokens")


@pytest.mark.points(2)
def test_remove_stopwords_ignores_case(lab, reference):
    """remove_stopwords compares case-insensitively and returns kept tokens unchanged."""
    rng = random.Random(5)
    tokens = [rng.choice((str.upper, str.title, str.lower))(t) for t in SENTENCE * 3]
    stop = reference.STOP_WORDS
    assert_equal(lab.remove_stopwords(tokens), [t for t in tokens if t.lower() not in stop], what="remove_stopwords on mixed case")


@pytest.mark.points(2)
def test_remove_stopwords_custom_list(lab):
    """A custom stop list replaces the default one and is compared with casefold (Straße = STRASSE)."""
    tokens = ["The", "STRASSE", "ist", "lang", "the", "Straße", "Ist", "ſo"]
    assert_equal(
        lab.remove_stopwords(tokens, ["straße", "IST", "so"]), ["The", "lang", "the"], what="remove_stopwords with a custom list"
    )
    assert_equal(lab.remove_stopwords(tokens, []), tokens, what="remove_stopwords with an empty list")
    assert_equal(lab.remove_stopwords(tuple(tokens), {"straße", "IST"}), ["The", "lang", "the", "ſo"], what="remove_stopwords of a tuple, with a set")
    assert_equal(lab.remove_stopwords(tokens, ("ſo", "THE")), ["STRASSE", "ist", "lang", "Straße", "Ist"],
                 what="remove_stopwords with a tuple (casefold of 'ſo' is 'so')")
    assert_equal(lab.remove_stopwords(tokens, frozenset(["lang"])), [t for t in tokens if t != "lang"], what="remove_stopwords with a frozenset")


# ---- Porter: the word list -----------------------------------------------------------------------------

CLASSIC = """
caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated troubled sized hopping
tanned falling hissing fizzed failing filing happy sky relational conditional rational valenci hesitanci
digitizer conformabli radicalli differentli vileli analogousli vietnamization predication operator
feudalism decisiveness hopefulness callousness formaliti sensitiviti sensibiliti triplicate formative
formalize electriciti electrical hopeful goodness revival allowance inference airliner gyroscopic
adjustable defensible irritant replacement adjustment dependent adoption homologou communism activate
angulariti homologous effective bowdlerize probate rate cease controll roll
""".split()

STEMS = """
relat condit hop troubl digit form sens electr gener nation happ adjust depend effect activ commun control
fal hiss fil fail motor plaster agr car pon t sk y b tr oat priv orrer f bl s conflat siz tann fizz valen
hesit conform radic differ vil analog vietnam predic oper feud decis hope callous sensit sensib tripl revi
allow infer airlin gyroscop defens irrit replac adopt homolog bowdler prob ceas rol connect organ univers
run stop play enjoy cr to syzyg argu creat agre bak ski sh fly obey employ destroy cycl crystal bicycl
""".split()

SUFFIXES = """
- s es ies sses ss ed eed ing y ly ational tional enci anci izer abli alli entli eli ousli ization ation
ator alism iveness fulness ousness aliti iviti biliti icate ative alize iciti ical ful ness al ance ence er
ic able ible ant ement ment ent ion sion tion ou ism ate iti ous ive ize e ll izing izations ativeness
ality ivity bility ously ently ally ably ency ancy icity ically fully edly ingly ers ings ements ations
""".split()


@lru_cache(maxsize=None)
def porter_words() -> tuple[str, ...]:
    """About 9 000 words: stems x suffixes, stems x two suffixes, random strings, the paper's examples."""
    suffixes = ["" if s == "-" else s for s in SUFFIXES]
    words = [stem + suffix for stem in STEMS for suffix in suffixes]
    rng = random.Random(7)
    words += [rng.choice(STEMS) + rng.choice(suffixes) + rng.choice(suffixes) for _ in range(1500)]
    letters = "aeiouyybcdlmnrstzgpwxy"
    words += ["".join(rng.choice(letters) for _ in range(rng.randint(1, 12))) for _ in range(1500)]
    words += CLASSIC
    # short stems at every boundary (1-3 letters, 'y' both ways, doubled letters) with the suffixes
    shorts = ["".join(t) for n in (1, 2) for t in product("aeybsltz", repeat=n)] + ["byy", "ayy", "yy", "bb", "ss", "zz", "ll"]
    words += [stem + suffix for stem in shorts for suffix in ("", "s", "ed", "eed", "ing", "e", "y", "ies", "er", "ion")]
    words += NON_ASCII_WORDS
    return tuple(dict.fromkeys(words))


#: Non-ASCII words: letters other than a, e, i, o, u, y are consonants, whatever the script.
NON_ASCII_WORDS = [
    "naïvely", "cafés", "résumés", "straße", "aжжing", "aжжed", "ﬂowing", "ǆungles", "écoles", "hopıng", "zürich",
    "ελλάδα", "καλημέρα", "москва", "ажжед", "tōkyō", "smörgåsbord", "piñatas", "façades", "coöperating", "ﬁles",
]


def _step5(word: str) -> str:
    return PORTER._step5b(PORTER._step5a(word))


STEPS = {
    "1a": ("porter_step1a", PORTER._step1a),
    "1b": ("porter_step1b", PORTER._step1b),
    "1c": ("porter_step1c", PORTER._step1c),
    "2": ("porter_step2", PORTER._step2),
    "3": ("porter_step3", PORTER._step3),
    "4": ("porter_step4", PORTER._step4),
    "5": ("porter_step5", _step5),
}
STEP_POINTS = {"1a": 2, "1b": 4, "1c": 2, "2": 3, "3": 2, "4": 3, "5": 2}

# The examples printed in the paper, as inputs of their own step.
PAPER_EXAMPLES = {
    "1a": "caresses ponies ties caress cats",
    "1b": "feed agreed plastered bled motoring sing conflated troubled sized hopping tanned falling hissing fizzed failing filing",
    "1c": "happy sky",
    "2": "relational conditional rational valenci hesitanci digitizer conformabli radicalli differentli vileli analogousli "
    "vietnamization predication operator feudalism decisiveness hopefulness callousness formaliti sensitiviti sensibiliti",
    "3": "triplicate formative formalize electriciti electrical hopeful goodness",
    "4": "revival allowance inference airliner gyroscopic adjustable defensible irritant replacement adjustment dependent "
    "adoption homologou communism activate angulariti homologous effective bowdlerize",
    "5": "probate rate cease controll roll",
}


@lru_cache(maxsize=None)
def step_inputs(step: str) -> tuple[str, ...]:
    """What step ``step`` sees: the word list after nltk's earlier steps, plus the paper's examples."""
    order = list(STEPS)
    seen = []
    for word in porter_words():
        w = word.lower()
        for earlier in order[: order.index(step)]:
            w = STEPS[earlier][1](w)
        seen.append(w)
    return tuple(dict.fromkeys(PAPER_EXAMPLES[step].split() + seen))


@pytest.mark.parametrize("step", [pytest.param(s, marks=pytest.mark.points(p), id=s) for s, p in STEP_POINTS.items()])
def test_porter_step(lab, step):
    """Each Porter step alone agrees with nltk's ORIGINAL_ALGORITHM step on what that step receives."""
    name, oracle = STEPS[step]
    inputs = step_inputs(step)
    results = lab.map(getattr(lab, name), [(w,) for w in inputs])
    agree_on(results, inputs, [oracle(w) for w in inputs], name)


@pytest.mark.points(2)
def test_porter_step1b_restores_e(lab):
    """Step 1b puts the e back on -at, -bl, -iz stems (conflated -> conflate, troubled -> trouble, sized -> size)."""
    words = ["conflated", "troubled", "sized", "rated", "abled", "realizing", "dating", "enabling", "organizing"]
    results = lab.map(lab.porter_step1b, [(w,) for w in words])
    agree_on(results, words, [PORTER._step1b(w) for w in words], "porter_step1b")


MEASURE_EXAMPLES = {
    "tr": 0, "ee": 0, "tree": 0, "y": 0, "by": 0, "trouble": 1, "oats": 1, "trees": 1, "ivy": 1,
    "troubles": 2, "private": 2, "oaten": 2, "orrery": 2, "": 0,
}


@pytest.mark.points(3)
def test_measure_paper_examples(lab):
    """measure gives the paper's examples: m=0 tr, ee, tree, y, by; m=1 trouble, oats, ...; m=2 troubles, ..."""
    words = list(MEASURE_EXAMPLES)
    agree_on(lab.map(lab.measure, [(w,) for w in words]), words, list(MEASURE_EXAMPLES.values()), "measure")


@pytest.mark.points(2)
def test_measure_random_strings(lab):
    """measure agrees with nltk on random letter strings rich in y (y after a consonant is a vowel)."""
    rng = random.Random(3)
    words = list(dict.fromkeys("".join(rng.choice("aeiyyybcdrstwy") for _ in range(rng.randint(1, 10))) for _ in range(800)))
    words += ["syzygy", "toy", "yyyy", "ayyay", "yes", "crying", "obeyed", "by", "yby"]
    agree_on(lab.map(lab.measure, [(w,) for w in words]), words, [PORTER._measure(w) for w in words], "measure")


@pytest.mark.points(3)
def test_porter_classic_words(lab):
    """porter_stem agrees with nltk's ORIGINAL_ALGORITHM on every example word of the 1980 paper."""
    agree_on(lab.map(lab.porter_stem, [(w,) for w in CLASSIC]), CLASSIC, [PORTER.stem(w) for w in CLASSIC], "porter_stem")


@pytest.mark.points(6)
def test_porter_large_word_list(lab):
    """porter_stem agrees with nltk's ORIGINAL_ALGORITHM on about 9 000 generated words."""
    words = porter_words()
    results = lab.map(lab.porter_stem, [(w,) for w in words])
    agree_on(results, words, [PORTER.stem(w) for w in words], "porter_stem")


@pytest.mark.points(2)
def test_porter_lowercases_and_short_words(lab):
    """porter_stem lower-cases first and stems one- and two-letter words too, like nltk's original mode."""
    words = ["Caresses", "HOPPING", "Relational", "as", "is", "a", "s", "ys", "by", "ed", ""]
    agree_on(lab.map(lab.porter_stem, [(w,) for w in words]), words, [PORTER.stem(w) for w in words], "porter_stem")


# ---- lemmatizer ----------------------------------------------------------------------------------------

LEXICON_BEFORE_RULES = [
    ("was", "VERB", "be"), ("has", "VERB", "have"), ("does", "VERB", "do"), ("went", "VERB", "go"),
    ("lying", "VERB", "lie"), ("agreed", "VERB", "agree"), ("left", "VERB", "leave"), ("fed", "VERB", "feed"),
    ("leaves", "NOUN", "leaf"), ("knives", "NOUN", "knife"), ("lives", "NOUN", "life"), ("potatoes", "NOUN", "potato"),
    ("buses", "NOUN", "bus"), ("analyses", "NOUN", "analysis"), ("better", "ADJ", "good"), ("eldest", "ADJ", "old"),
]


@pytest.mark.points(3)
def test_lemmatize_lexicon_before_rules(lab):
    """Irregular forms come from the lexicon and the suffix rules never touch them (was -> be, leaves -> leaf)."""
    results = lab.map(lab.lemmatize, [(w, pos) for w, pos, _ in LEXICON_BEFORE_RULES])
    agree_on(results, [(w, pos) for w, pos, _ in LEXICON_BEFORE_RULES], [l for _, _, l in LEXICON_BEFORE_RULES], "lemmatize")


@pytest.mark.points(2)
def test_lemmatize_every_lexicon_entry(lab, reference):
    """Every entry of IRREGULAR_LEMMAS is returned as it is, for its part of speech, in any letter case."""
    items = [(form, pos, lemma) for pos, table in reference.IRREGULAR_LEMMAS.items() for form, lemma in table.items()]
    inputs = [(form.upper() if i % 3 == 0 else form, pos) for i, (form, pos, _) in enumerate(items)]
    agree_on(lab.map(lab.lemmatize, inputs), inputs, [lemma for _, _, lemma in items], "lemmatize")


RULE_CASES = {
    "NOUN": {
        "cities": "city", "ties": "tie", "pies": "pie", "boxes": "box", "churches": "church", "wishes": "wish",
        "glasses": "glass", "buzzes": "buzz", "glass": "glass", "virus": "virus", "basis": "basis", "houses": "house",
        "cats": "cat", "gas": "gas", "toys": "toy", "gloves": "glove", "CITIES": "city", "Dogs": "dog",
        "as": "as", "ps": "ps", "ies": "ie", "ied": "ied", "dies": "die",
    },
    "VERB": {
        "tries": "try", "tried": "try", "dies": "die", "died": "die", "fixes": "fix", "passes": "pass",
        "uses": "use", "walks": "walk", "kiss": "kiss", "need": "need", "proceed": "proceed", "sing": "sing",
        "bring": "bring", "shed": "shed", "stopped": "stop", "running": "run", "called": "call", "missing": "miss",
        "buzzed": "buzz", "danced": "dance", "baked": "bake", "hoping": "hope", "hopping": "hop", "played": "play",
        "visited": "visit", "opened": "open", "argued": "argue", "believed": "believe", "judged": "judge",
        "related": "relate", "included": "include", "combined": "combine", "prepared": "prepare", "secured": "secure",
        "required": "require", "handled": "handle", "using": "use", "sized": "size", "seeing": "see", "fixed": "fix",
        "enjoyed": "enjoy", "crying": "cry", "studied": "study", "created": "creat", "changed": "chang", "Walked": "walk",
        "bus": "bus", "as": "as", "ies": "ie", "ied": "ie", "aed": "a",
    },
    "ADJ": {
        "happier": "happy", "happiest": "happy", "earlier": "early", "bigger": "big", "hottest": "hot", "thinner": "thin",
        "nicer": "nice", "larger": "large", "simpler": "simple", "wiser": "wise", "later": "late", "truer": "true",
        "bluest": "blue", "finer": "fine", "purer": "pure", "rarer": "rare", "smaller": "small", "longer": "long",
        "newer": "new", "early": "early", "tall": "tall", "SAFEST": "safe",
        "ier": "i", "iest": "i", "tier": "ti", "liest": "li", "shier": "shy", "shiest": "shy", "wrier": "wry",
    },
}
RULE_POINTS = {"NOUN": 3, "VERB": 4, "ADJ": 3}


@pytest.mark.parametrize("pos", [pytest.param(pos, marks=pytest.mark.points(p), id=pos) for pos, p in RULE_POINTS.items()])
def test_lemmatize_suffix_rules(lab, pos):
    """The suffix rules of each part of speech, in order, with the stem tidied up (hopping -> hop, baked -> bake)."""
    cases = RULE_CASES[pos]
    words = list(cases)
    agree_on(lab.map(lab.lemmatize, [(w, fresh(pos)) for w in words]), words, list(cases.values()), f"lemmatize(..., {pos!r})")


@pytest.mark.points(1)
def test_lemmatize_depends_on_pos(lab):
    """The same form gets different lemmas as a noun and as a verb (leaves, saw, better)."""
    cases = [("leaves", "NOUN", "leaf"), ("leaves", "VERB", "leave"), ("saw", "NOUN", "saw"), ("saw", "VERB", "see"),
             ("better", "ADJ", "good"), ("better", "VERB", "better")]
    agree_on(lab.map(lab.lemmatize, [(w, p) for w, p, _ in cases]), [(w, p) for w, p, _ in cases], [l for _, _, l in cases], "lemmatize")


@pytest.mark.points(1)
def test_lemmatize_unknown_pos_raises(lab):
    """lemmatize raises ValueError for a part of speech other than NOUN, VERB, ADJ (those three work)."""
    for pos, lemma in (("NOUN", "cat"), ("VERB", "cat"), ("ADJ", "cats")):
        assert_equal(lab.lemmatize("cats", fresh(pos)), lemma, what=f"lemmatize('cats', {pos!r})")
    for pos in ("ADV", "noun", "NN", "", "A", "Z", "PROPN", None):
        with pytest.raises(ValueError):
            lab.lemmatize("cats", pos)


AGREEMENT_LEMMAS = {
    "VERB": """
    ask work seem try call need want look use help talk turn start show play move like live believe happen
    provide include continue change create open walk offer appear add allow consider expect suggest remember
    love wait serve stay reach kill remain report decide pull return explain hope develop carry receive join
    agree support produce raise pass pick wish watch fix push touch finish miss cross reduce cause describe
    prepare discover enjoy learn listen stop plan drop admit prefer occur refer control rob hug beg travel
    visit limit edit answer enter order cover fill jump laugh smile dance argue value issue rescue judge
    manage damage charge merge arrange relate operate generate locate educate celebrate execute compute
    contribute conclude divide explode persuade combine determine examine imagine define compare declare
    share secure measure capture require desire admire handle settle struggle double compile invite unite
    promote ignore explore restore abandon question mention cry study apply reply marry worry copy deny
    hurry obey employ destroy delay pray bake hate vote close lose notice force realize organize recognize
    analyze freeze seize squeeze sneeze breathe achieve solve improve involve observe deserve pursue
    """,
    "NOUN": """
    cat dog house car book table idea problem question child box church wish bus glass class city party
    baby country story company family day key boy toy way monkey valley tree street school student teacher
    window door room friend letter word hand eye face head horse case price size place age page rule nose
    tube cake smile game name fire hope kiss loss boss dress business process address watch match branch
    bench beach brush dish flash fox tax mix quiz buzz hero photo piano radio zoo video studio roof chief
    belief proof safe cliff glove curve olive archive wave cave hive knife leaf life analysis basis crisis
    virus bonus status campus focus census chorus apple orange banana system computer program market number
    paper model level result effect cause change force sense course source service voice choice noise mouse
    """,
    "ADJ": """
    big hot thin fat sad wet red nice large simple wise late safe fine wide rude pure rare close tall small
    old young long strong short fast slow new few cheap clean clear deep high low hard soft warm cold dark
    light bright quick rich poor full kind green happy easy early busy heavy funny dirty angry lucky pretty
    ugly gentle noble able true blue brave great sweet sharp
    """,
}
AGREEMENT_THRESHOLD = 0.93


@lru_cache(maxsize=None)
def agreement_cases() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(form, pos, lemminflect's lemmas) for each lemma and its preferred inflections."""
    import lemminflect

    cases = {}
    for pos, lemmas in AGREEMENT_LEMMAS.items():
        for lemma in lemmas.split():
            forms = [lemma] + [fs[0] for fs in lemminflect.getAllInflections(lemma, upos=pos).values() if fs]
            for form in forms:
                cases[(form, pos)] = tuple(lemminflect.getLemma(form, upos=pos))
    return tuple((form, pos, lemmas) for (form, pos), lemmas in cases.items())


@pytest.mark.points(3)
def test_lemmatize_agrees_with_lemminflect(lab):
    """On ~1 200 forms of regular nouns, verbs and adjectives, lemmatize agrees with lemminflect at least 93 % of the time."""
    cases = agreement_cases()
    results = lab.map(lab.lemmatize, [(form, pos) for form, pos, _ in cases])
    check(len(results) == len(cases), "lemmatize: expected one result per input")
    rate = sum(result in lemmas for result, (_, _, lemmas) in zip(results, cases)) / len(cases)
    check(rate >= AGREEMENT_THRESHOLD, f"lemmatize agrees with lemminflect on {rate:.1%} of the forms (need {AGREEMENT_THRESHOLD:.0%})")


# ---- vocabulary reduction ------------------------------------------------------------------------------

HAND_CORPUS = [
    ("The", "DET"), ("the", "DET"), ("Straße", "PROPN"), ("STRASSE", "PROPN"), ("cats", "NOUN"), ("cat", "NOUN"),
    ("running", "VERB"), ("ran", "VERB"), ("run", "VERB"), ("ﬁle", "NOUN"), ("file", "NOUN"),
]
# raw 11; lower merges The/the -> 10; casefold also Straße/STRASSE and ﬁle/file -> 8;
# stemmed: the strass cat run ran file -> 6; lemmatized: the strasse cat run file -> 5.
# Every lemma-tagged word of CORPUS_POOL gets lemminflect's first lemma from the lab's rules.
HAND_EXPECTED = {"raw": 11, "lower": 10, "casefold": 8, "stemmed": 6, "lemmatized": 5}

CORPUS_POOL = [
    ("the", "DET"), ("a", "DET"), ("and", "CCONJ"), ("of", "ADP"), ("quickly", "ADV"), ("connection", "NOUN"),
    ("connections", "NOUN"), ("connect", "VERB"), ("connected", "VERB"), ("connecting", "VERB"), ("cat", "NOUN"),
    ("cats", "NOUN"), ("city", "NOUN"), ("cities", "NOUN"), ("mouse", "NOUN"), ("mice", "NOUN"), ("run", "VERB"),
    ("runs", "VERB"), ("running", "VERB"), ("ran", "VERB"), ("go", "VERB"), ("goes", "VERB"), ("went", "VERB"),
    ("happy", "ADJ"), ("happier", "ADJ"), ("happiness", "NOUN"), ("general", "ADJ"), ("generate", "VERB"),
    ("generated", "VERB"), ("generalization", "NOUN"), ("big", "ADJ"), ("bigger", "ADJ"), ("biggest", "ADJ"),
    ("study", "VERB"), ("studied", "VERB"), ("studies", "NOUN"), ("student", "NOUN"), ("relational", "ADJ"),
    ("relate", "VERB"), ("relates", "VERB"), ("Straße", "PROPN"), ("strasse", "PROPN"), ("ﬁle", "NOUN"),
    ("file", "NOUN"), ("files", "NOUN"), ("filing", "VERB"), ("ΟΔΟΣ", "X"), ("οδος", "X"), ("was", "VERB"),
    ("is", "VERB"), ("be", "VERB"), ("knives", "NOUN"), ("knife", "NOUN"), ("leaves", "VERB"), ("leave", "VERB"),
]


CORPUS_SIZES = {0: 1500, 1: 80}  # a large corpus (every pool word occurs) and a small one


def generated_corpus(seed: int, n: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    styles = (str.lower, str.lower, str.title, str.upper)
    return [(rng.choice(styles)(word), pos) for word, pos in (rng.choice(CORPUS_POOL) for _ in range(n))]


def oracle_reduction(corpus: list[tuple[str, str]]) -> dict[str, int]:
    import lemminflect

    tokens = [t for t, _ in corpus]
    lemmas = {lemminflect.getLemma(t.casefold(), upos=p)[0] if p in ("NOUN", "VERB", "ADJ") else t.casefold() for t, p in corpus}
    return {
        "raw": len(set(tokens)),
        "lower": len({t.lower() for t in tokens}),
        "casefold": len({t.casefold() for t in tokens}),
        "stemmed": len({PORTER.stem(t.casefold()) for t in tokens}),
        "lemmatized": len(lemmas),
    }


@pytest.mark.points(3)
def test_vocabulary_reduction_hand_corpus(lab):
    """vocabulary_reduction counts raw, lower, casefold, stemmed and lemmatized types of a small corpus."""
    assert_equal(dict(lab.vocabulary_reduction(HAND_CORPUS)), HAND_EXPECTED, what="vocabulary_reduction")


@pytest.mark.points(3)
@pytest.mark.parametrize("seed", [0, 1])
def test_vocabulary_reduction_generated_corpus(lab, seed):
    """vocabulary_reduction agrees with Python sets, nltk's stemmer and lemminflect on a generated corpus."""
    corpus = generated_corpus(seed, CORPUS_SIZES[seed])
    assert_equal(dict(lab.vocabulary_reduction(corpus)), oracle_reduction(corpus), what="vocabulary_reduction")


@pytest.mark.points(1)
def test_vocabulary_reduction_empty(lab):
    """vocabulary_reduction of an empty corpus is all zeros."""
    expected = {"raw": 0, "lower": 0, "casefold": 0, "stemmed": 0, "lemmatized": 0}
    assert_equal(dict(lab.vocabulary_reduction([])), expected, what="vocabulary_reduction of no tokens")


# ---- non-ASCII words -----------------------------------------------------------------------------------

NON_ASCII_LEMMAS = [
    ("ﬁles", "NOUN", "file"), ("ΟΔΟΣ", "NOUN", "οδοσ"), ("Straßes", "NOUN", "strass"), ("CAFÉS", "NOUN", "café"),
    ("ÉCLAIRS", "NOUN", "éclair"), ("ǄUNGLES", "NOUN", "ǆungle"), ("ﬂowed", "VERB", "flow"), ("aжжing", "VERB", "aж"),
    ("naïvest", "ADJ", "naïve"), ("WENT", "VERB", "go"), ("ΣΟΦΟΣ", "ADJ", "σοφοσ"),
]


@pytest.mark.points(2)
def test_lemmatize_non_ascii_words(lab):
    """lemmatize case-folds with casefold (ß -> ss, ﬁ -> fi, every sigma -> σ) before the lexicon and the rules."""
    inputs = [(w, fresh(pos)) for w, pos, _ in NON_ASCII_LEMMAS]
    agree_on(lab.map(lab.lemmatize, inputs), inputs, [lemma for _, _, lemma in NON_ASCII_LEMMAS], "lemmatize")


@pytest.mark.points(2)
def test_porter_non_ascii_words(lab):
    """porter_stem and measure agree with nltk on non-ASCII words (lower-cased with str.lower; other letters are consonants)."""
    words = NON_ASCII_WORDS + ["Straße", "ΟΔΟΣ", "İstanbul", "ÉCOLES", "ǄUNGLES", "ﬁles", "Ελλάδα"]
    agree_on(lab.map(lab.porter_stem, [(w,) for w in words]), words, [PORTER.stem(w) for w in words], "porter_stem")
    lowered = [w.lower() for w in words]
    agree_on(lab.map(lab.measure, [(w,) for w in lowered]), lowered, [PORTER._measure(w) for w in lowered], "measure")


@pytest.mark.points(2)
def test_vocabulary_reduction_input_types(lab):
    """vocabulary_reduction takes any sequence of pairs: a tuple of lists gives the same counts as a list of tuples."""
    as_lists = tuple([token, pos] for token, pos in HAND_CORPUS)
    assert_equal(dict(lab.vocabulary_reduction(as_lists)), HAND_EXPECTED, what="vocabulary_reduction of a tuple of [token, pos] lists")
    corpus = [("ΟΔΟΣ", "NOUN"), ("οδος", "NOUN"), ("Straße", "NOUN"), ("STRASSES", "NOUN"), ("ﬁles", "NOUN"), ("files", "VERB")]
    expected = {"raw": 6, "lower": 5, "casefold": 4,
                "stemmed": len({PORTER.stem(t.casefold()) for t, _ in corpus}),
                "lemmatized": 4}  # οδοσ, strasse, strass, file
    assert_equal(dict(lab.vocabulary_reduction(corpus)), expected, what="vocabulary_reduction of non-ASCII words")
