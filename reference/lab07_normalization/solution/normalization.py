"""Lab 07: text normalization -- case, stemming, lemmatization.

Before we count words we decide which strings count as *the same* word.
"The" and "the", "Straße" and "STRASSE", "connected" and "connection",
"went" and "go": each normalization step merges more forms into one type
and shrinks the vocabulary, at the price of throwing information away.

This module builds the classic steps from scratch:

* case folding (:func:`fold_case`, :func:`caseless_equal`): ``str.lower``
  versus ``str.casefold`` on non-ASCII text;
* punctuation policies for a whitespace tokenizer (:func:`tokenize`) and
  stop-word removal (:func:`remove_stopwords`);
* the Porter stemmer exactly as published in 1980 (:func:`measure`,
  :func:`porter_step1a` ... :func:`porter_step5`, :func:`porter_stem`),
  checked against ``nltk.stem.PorterStemmer(mode=PorterStemmer.ORIGINAL_ALGORITHM)``;
* a dictionary-and-rules lemmatizer (:func:`lemmatize`): a lexicon of
  exceptions (:data:`IRREGULAR_LEMMAS`) first, then suffix rules by part of
  speech;
* :func:`vocabulary_reduction`, which measures what each step buys.

Every function is defined precisely by its docstring; read them first.
Use only the standard library.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

# ---- constants (do not change them) --------------------------------------------------------------------

#: The case-folding modes of :func:`fold_case`.
CASE_MODES = ("none", "lower", "casefold")

#: The punctuation policies of :func:`tokenize`.
PUNCTUATION_POLICIES = ("keep", "strip", "split")

#: English stop words, lower-case. :func:`remove_stopwords` compares case-insensitively.
STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most
    my myself no nor not now of off on once only or other our ours ourselves out over own same she should
    so some such than that the their theirs them themselves then there these they this those through to
    too under until up very was we were what when where which while who whom why will with would you
    your yours yourself yourselves
    """.split()
)

#: The parts of speech (Universal POS tags) that :func:`lemmatize` accepts.
LEMMA_POS = ("NOUN", "VERB", "ADJ")

#: Exceptions to the suffix rules of :func:`lemmatize`: ``{pos: {form: lemma}}``.
#: Mostly irregular forms, plus a few regular forms the rules get wrong.
IRREGULAR_LEMMAS: dict[str, dict[str, str]] = {
    "NOUN": {
        "men": "man", "women": "woman", "children": "child", "feet": "foot",
        "teeth": "tooth", "geese": "goose", "mice": "mouse", "lice": "louse",
        "dice": "die", "leaves": "leaf", "lives": "life", "knives": "knife", "wives": "wife",
        "wolves": "wolf", "halves": "half", "shelves": "shelf", "thieves": "thief", "loaves": "loaf",
        "calves": "calf", "selves": "self", "elves": "elf", "scarves": "scarf", "potatoes": "potato",
        "tomatoes": "tomato", "heroes": "hero", "echoes": "echo", "vetoes": "veto", "torpedoes": "torpedo",
        "analyses": "analysis", "crises": "crisis", "theses": "thesis", "hypotheses": "hypothesis",
        "diagnoses": "diagnosis", "criteria": "criterion", "phenomena": "phenomenon", "cacti": "cactus",
        "fungi": "fungus", "nuclei": "nucleus", "stimuli": "stimulus", "syllabi": "syllabus", "alumni": "alumnus",
        "indices": "index", "matrices": "matrix", "appendices": "appendix", "vertices": "vertex",
        "buses": "bus", "gases": "gas", "quizzes": "quiz", "series": "series", "species": "species",
        "news": "news", "sheep": "sheep", "deer": "deer", "aircraft": "aircraft",
    },
    "VERB": {
        "am": "be", "is": "be", "are": "be", "was": "be", "were": "be", "been": "be", "being": "be",
        "has": "have", "had": "have", "does": "do", "did": "do", "done": "do",
        "goes": "go", "went": "go", "gone": "go", "made": "make", "said": "say", "paid": "pay", "laid": "lay",
        "shown": "show", "took": "take", "taken": "take", "came": "come", "saw": "see", "seen": "see",
        "knew": "know", "known": "know", "got": "get", "gotten": "get", "gave": "give", "given": "give", "found": "find",
        "thought": "think", "told": "tell", "became": "become", "left": "leave", "felt": "feel",
        "brought": "bring", "began": "begin", "begun": "begin", "kept": "keep", "held": "hold",
        "wrote": "write", "written": "write", "stood": "stand", "heard": "hear", "meant": "mean",
        "met": "meet", "ran": "run", "sat": "sit", "spoke": "speak", "spoken": "speak", "led": "lead",
        "grew": "grow", "grown": "grow", "lost": "lose", "fell": "fall", "fallen": "fall", "sent": "send",
        "built": "build", "understood": "understand", "drew": "draw", "drawn": "draw", "broke": "break",
        "broken": "break", "spent": "spend", "rose": "rise", "risen": "rise", "drove": "drive",
        "driven": "drive", "bought": "buy", "wore": "wear", "worn": "wear", "chose": "choose",
        "chosen": "choose", "sought": "seek", "threw": "throw", "thrown": "throw", "caught": "catch",
        "dealt": "deal", "won": "win", "fought": "fight", "taught": "teach", "ate": "eat", "eaten": "eat",
        "sold": "sell", "slept": "sleep", "flew": "fly", "flown": "fly", "hung": "hang", "sang": "sing",
        "sung": "sing", "swam": "swim", "swum": "swim", "rang": "ring", "rung": "ring", "drank": "drink",
        "drunk": "drink", "forgot": "forget", "forgotten": "forget", "hid": "hide", "hidden": "hide",
        "bit": "bite", "bitten": "bite", "shook": "shake", "shaken": "shake", "stole": "steal",
        "stolen": "steal", "froze": "freeze", "frozen": "freeze", "woke": "wake", "woken": "wake",
        "tore": "tear", "torn": "tear", "swore": "swear", "sworn": "swear", "struck": "strike",
        "stuck": "stick", "dug": "dig", "fed": "feed", "fled": "flee", "bled": "bleed", "bred": "breed",
        "sped": "speed", "shot": "shoot", "slid": "slide", "spun": "spin", "wept": "weep", "crept": "creep",
        "swept": "sweep", "knelt": "kneel", "lent": "lend", "bent": "bend", "lying": "lie", "dying": "die",
        "tying": "tie", "agreed": "agree", "freed": "free", "guaranteed": "guarantee", "decreed": "decree",
        "wound": "wind", "shone": "shine", "stank": "stink", "sank": "sink", "sunk": "sink",
    },
    "ADJ": {
        "better": "good", "best": "good", "worse": "bad", "worst": "bad", "farther": "far",
        "farthest": "far", "further": "far", "furthest": "far", "elder": "old", "eldest": "old",
        "freer": "free",
    },
}

#: After ``-ed``, ``-ing``, ``-er`` or ``-est`` is removed, a stem whose end
#: matches this pattern (``re.search``) gets its final "e" back:
#: ``danc -> dance``, ``argu -> argue``, ``believ -> believe``, ``us -> use``,
#: ``siz -> size``, ``judg -> judge`` (but not ``belong``), ``relat -> relate``,
#: ``execut -> execute``, ``includ -> include``, ``combin -> combine``,
#: ``prepar -> prepare``, ``secur -> secure``, ``requir -> require``,
#: ``handl -> handle``.
RESTORE_E_PATTERN = r"(?:[cuvsz]|[^n]g|[^aeiou](?:at|ut|[aiou]d|in|ar|ur)|ir|[bcdfgkpstz]l)$"


# ---- case ----------------------------------------------------------------------------------------------


def fold_case(text: str, mode: str = "casefold") -> str:
    """``text`` with its case folded according to ``mode``.

    * ``"none"``: ``text`` unchanged;
    * ``"lower"``: ``text.lower()`` (``"Straße"`` -> ``"straße"``,
      ``"ΟΔΟΣ"`` -> ``"οδος"`` with a final sigma);
    * ``"casefold"``: ``text.casefold()``, the Unicode full case folding meant
      for caseless matching (``"Straße"`` -> ``"strasse"``, ``"ΟΔΟΣ"`` ->
      ``"οδοσ"``, ``"ﬁ"`` -> ``"fi"``).

    Neither is language-aware: ``"I"`` always becomes ``"i"`` (never the
    Turkish dotless ``"ı"``), and ``"İ"`` becomes ``"i̇"`` (two code points).
    Raises ``ValueError`` for any other ``mode``.
    """
    if mode == "none":
        return text
    if mode == "lower":
        return text.lower()
    if mode == "casefold":
        return text.casefold()
    raise ValueError(f"unknown case mode {mode!r}; expected one of {CASE_MODES}")


def _caseless_key(text: str) -> str:
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", text).casefold())


def caseless_equal(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are equal ignoring case (Unicode canonical caseless match).

    Two strings match when ``NFD(casefold(NFD(a))) == NFD(casefold(NFD(b)))``,
    with ``NFD`` = ``unicodedata.normalize("NFD", ...)``. So ``"Straße"``
    matches ``"STRASSE"``, ``"café"`` (precomposed é) matches ``"CAFE\\u0301"``
    (E + combining accent), and ``"ﬁle"`` matches ``"FILE"``; ``"İ"`` does
    not match ``"i"`` (no Turkish rules).
    """
    return _caseless_key(a) == _caseless_key(b)


# ---- punctuation and stop words -------------------------------------------------------------------------


def is_punctuation(ch: str) -> bool:
    """Whether the single character ``ch`` is punctuation: its Unicode general
    category starts with ``"P"`` (``unicodedata.category``).

    That covers ``. , ; : ! ? ' " - ( ) [ ] { } _ / @ # % & *`` and their
    Unicode cousins (``’ “ ” « » — … ¿``), but **not** symbols (category
    ``S*``): ``$ + < = > ^ ` | ~ € ©`` are not punctuation. Raises
    ``ValueError`` unless ``len(ch) == 1``.
    """
    if len(ch) != 1:
        raise ValueError("is_punctuation expects a single character")
    return unicodedata.category(ch).startswith("P")


def tokenize(text: str, punctuation: str = "strip") -> list[str]:
    """Whitespace tokenization with a punctuation policy.

    ``text`` is first cut into chunks with ``text.split()`` (any run of
    whitespace separates). Then, by ``punctuation``
    (:data:`PUNCTUATION_POLICIES`; punctuation is :func:`is_punctuation`):

    * ``"keep"``: the chunks as they are: ``"Hello, world!"`` ->
      ``["Hello,", "world!"]``;
    * ``"strip"``: every punctuation character is deleted from each chunk,
      and chunks left empty are dropped: ``"Don't stop -- ok?"`` ->
      ``["Dont", "stop", "ok"]``;
    * ``"split"``: each punctuation character becomes a token of its own and
      each maximal run of other characters is a token, in order:
      ``"Don't stop...!"`` -> ``["Don", "'", "t", "stop", ".", ".", ".", "!"]``.

    Case is never changed. Raises ``ValueError`` for an unknown policy.
    """
    if punctuation not in PUNCTUATION_POLICIES:
        raise ValueError(f"unknown punctuation policy {punctuation!r}; expected one of {PUNCTUATION_POLICIES}")
    chunks = text.split()
    if punctuation == "keep":
        return chunks
    if punctuation == "strip":
        stripped = ("".join(ch for ch in chunk if not is_punctuation(ch)) for chunk in chunks)
        return [chunk for chunk in stripped if chunk]
    tokens: list[str] = []
    for chunk in chunks:
        run = ""
        for ch in chunk:
            if is_punctuation(ch):
                if run:
                    tokens.append(run)
                    run = ""
                tokens.append(ch)
            else:
                run += ch
        if run:
            tokens.append(run)
    return tokens


def remove_stopwords(tokens: Sequence[str], stopwords: Iterable[str] | None = None) -> list[str]:
    """The tokens that are not stop words, unchanged and in their order.

    ``stopwords`` defaults to :data:`STOP_WORDS`. The comparison ignores case:
    a token is dropped when ``token.casefold()`` equals ``w.casefold()`` for
    some stop word ``w`` (so ``"The"`` and ``"THE"`` go, and a custom list
    ``["Foo"]`` removes ``"foo"``). Returns a new list.
    """
    words = STOP_WORDS if stopwords is None else stopwords
    folded = {w.casefold() for w in words}
    return [token for token in tokens if token.casefold() not in folded]


# ---- the Porter stemmer --------------------------------------------------------------------------------


def _cv(word: str) -> str:
    """``word`` as a string of "c" (consonant) and "v" (vowel), Porter's definition."""
    pattern = []
    for i, ch in enumerate(word):
        if ch in "aeiou":
            pattern.append("v")
        elif ch == "y":
            # y is a vowel after a consonant, a consonant at the start or after a vowel
            pattern.append("v" if i > 0 and pattern[i - 1] == "c" else "c")
        else:
            pattern.append("c")
    return "".join(pattern)


def measure(stem: str) -> int:
    """Porter's measure ``m`` of ``stem`` (lower-case letters).

    Letters a, e, i, o, u are vowels; ``y`` is a vowel when it follows a
    consonant and a consonant otherwise (at the start, or after a vowel);
    every other character is a consonant. Writing a run of consonants as C
    and a run of vowels as V, every string has the form ``[C](VC)^m[V]``;
    ``m`` is the measure. Examples: m=0 ``tr, ee, tree, y, by``;
    m=1 ``trouble, oats, trees, ivy``; m=2 ``troubles, private, oaten, orrery``.
    ``measure("") == 0``.
    """
    return _cv(stem).count("vc")


def _has_vowel(stem: str) -> bool:
    return "v" in _cv(stem)


def _ends_double_consonant(word: str) -> bool:
    return len(word) >= 2 and word[-1] == word[-2] and _cv(word)[-1] == "c"


def _ends_cvc(word: str) -> bool:
    """Porter's ``*o``: ends consonant-vowel-consonant, the last not w, x or y."""
    return len(word) >= 3 and _cv(word)[-3:] == "cvc" and word[-1] not in "wxy"


def _apply_rules(word: str, rules: Sequence[tuple[str, str]], min_measure: int) -> str:
    """Porter's rule lists: the longest matching suffix decides; if its
    condition fails, no other rule is tried."""
    for suffix, replacement in rules:
        if word.endswith(suffix):
            stem = word[: -len(suffix)]
            return stem + replacement if measure(stem) > min_measure else word
    return word


def porter_step1a(word: str) -> str:
    """Step 1a (plurals): ``sses -> ss``, ``ies -> i``, ``ss -> ss``, ``s -> ""``.

    The first matching suffix in that order applies (``caresses -> caress``,
    ``ponies -> poni``, ``ties -> ti``, ``caress -> caress``, ``cats -> cat``).
    """
    for suffix, replacement in (("sses", "ss"), ("ies", "i"), ("ss", "ss"), ("s", "")):
        if word.endswith(suffix):
            return word[: -len(suffix)] + replacement
    return word


def porter_step1b(word: str) -> str:
    """Step 1b (``-ed``, ``-ing``), with its tidying-up.

    * If the word ends in ``eed``: replace it by ``ee`` when the stem before
      ``eed`` has m > 0 (``agreed -> agree``), else leave the word alone
      (``feed -> feed``); no other rule is tried.
    * Else, if it ends in ``ed`` or ``ing`` and the stem before it contains a
      vowel (``*v*``), remove the suffix (``plastered -> plaster``,
      ``motoring -> motor``; ``bled`` and ``sing`` stay). Then tidy the stem:
      ``at -> ate``, ``bl -> ble``, ``iz -> ize`` (``conflat -> conflate``,
      ``troubl -> trouble``, ``siz -> size``); otherwise a double consonant
      other than ``ll``, ``ss``, ``zz`` loses one letter (``hopp -> hop``,
      but ``fall``, ``hiss``, ``fizz`` stay); otherwise, if m = 1 and the
      stem ends consonant-vowel-consonant with the last letter not w, x or y
      (``*o``), add ``e`` (``fil -> file``, but ``fail`` stays).
    """
    if word.endswith("eed"):
        return word[:-1] if measure(word[:-3]) > 0 else word
    for suffix in ("ed", "ing"):
        if word.endswith(suffix) and _has_vowel(word[: -len(suffix)]):
            stem = word[: -len(suffix)]
            if stem.endswith(("at", "bl", "iz")):
                return stem + "e"
            if _ends_double_consonant(stem):
                return stem if stem[-1] in "lsz" else stem[:-1]
            if measure(stem) == 1 and _ends_cvc(stem):
                return stem + "e"
            return stem
    return word


def porter_step1c(word: str) -> str:
    """Step 1c: a final ``y`` becomes ``i`` when the stem before it contains a
    vowel (``happy -> happi``, ``sky -> sky``)."""
    if word.endswith("y") and _has_vowel(word[:-1]):
        return word[:-1] + "i"
    return word


_STEP2 = (
    ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"),
    ("abli", "able"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"),
    ("ization", "ize"), ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("iveness", "ive"),
    ("fulness", "ful"), ("ousness", "ous"), ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"),
)
_STEP3 = (("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""), ("ness", ""))
_STEP4 = tuple(
    (suffix, "")
    for suffix in (
        "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent",
        "ion", "ou", "ism", "ate", "iti", "ous", "ive", "ize",
    )
)


def porter_step2(word: str) -> str:
    """Step 2: double suffixes to single ones, when the stem has m > 0.

    ``ational -> ate``, ``tional -> tion``, ``enci -> ence``, ``anci -> ance``,
    ``izer -> ize``, ``abli -> able``, ``alli -> al``, ``entli -> ent``,
    ``eli -> e``, ``ousli -> ous``, ``ization -> ize``, ``ation -> ate``,
    ``ator -> ate``, ``alism -> al``, ``iveness -> ive``, ``fulness -> ful``,
    ``ousness -> ous``, ``aliti -> al``, ``iviti -> ive``, ``biliti -> ble``.
    Only the longest matching suffix is considered: if the stem before it has
    m = 0 the word is left alone (``rational`` stays: ``r`` has m = 0, and
    ``tional`` is not tried).
    """
    return _apply_rules(word, _STEP2, 0)


def porter_step3(word: str) -> str:
    """Step 3, when the stem has m > 0: ``icate -> ic``, ``ative -> ""``,
    ``alize -> al``, ``iciti -> ic``, ``ical -> ic``, ``ful -> ""``,
    ``ness -> ""``; longest matching suffix only, as in step 2."""
    return _apply_rules(word, _STEP3, 0)


def porter_step4(word: str) -> str:
    """Step 4: remove a suffix when the stem has m > 1.

    Suffixes: ``al ance ence er ic able ible ant ement ment ent ion ou ism
    ate iti ous ive ize``; ``ion`` only when the stem also ends in ``s`` or
    ``t`` (``adoption -> adopt``). Longest matching suffix only: for
    ``-ement`` words ``ment`` and ``ent`` are not tried when ``ement`` fails.
    """
    for suffix, _ in _STEP4:
        if word.endswith(suffix):
            stem = word[: -len(suffix)]
            if measure(stem) > 1 and (suffix != "ion" or stem.endswith(("s", "t"))):
                return stem
            return word
    return word


def porter_step5(word: str) -> str:
    """Step 5a then step 5b.

    5a: a final ``e`` is removed when the stem before it has m > 1
    (``probate -> probat``), or m = 1 and it does not end ``*o``
    (``cease -> ceas``, but ``rate`` stays). 5b: a final ``ll`` becomes ``l``
    when m > 1 (``controll -> control``, ``roll -> roll``).
    """
    if word.endswith("e"):
        stem = word[:-1]
        m = measure(stem)
        if m > 1 or (m == 1 and not _ends_cvc(stem)):
            word = stem
    if word.endswith("ll") and measure(word) > 1:
        word = word[:-1]
    return word


def porter_stem(word: str) -> str:
    """The Porter (1980) stem of ``word``.

    ``word.lower()``, then steps 1a, 1b, 1c, 2, 3, 4 and 5 in that order. Like
    ``nltk``'s ``ORIGINAL_ALGORITHM`` mode, words of one or two letters are
    stemmed too (``"as" -> "a"``) and nothing else is special-cased.
    """
    stem = word.lower()
    for step in (porter_step1a, porter_step1b, porter_step1c, porter_step2, porter_step3, porter_step4, porter_step5):
        stem = step(stem)
    return stem


# ---- the lemmatizer ------------------------------------------------------------------------------------


def _tidy_stem(stem: str) -> str:
    """Undo the spelling changes of ``-ed``/``-ing``/``-er``/``-est``."""
    if _ends_double_consonant(stem):
        return stem if stem[-1] in "lsz" else stem[:-1]
    if re.search(RESTORE_E_PATTERN, stem) or (measure(stem) == 1 and _ends_cvc(stem)):
        return stem + "e"
    return stem


def _ies(word: str, suffix: str) -> str:
    """``tries -> try``, ``tried -> try``; ``ties -> tie``, ``died -> die``."""
    return word[: -len(suffix)] + ("y" if len(word) > 4 else "ie")


_SIBILANT_ES = ("sses", "shes", "ches", "xes", "zzes")


def _lemmatize_noun(word: str) -> str:
    if word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return _ies(word, "ies")
    if word.endswith(_SIBILANT_ES):
        return word[:-2]
    if word.endswith("s") and len(word) > 3:
        return word[:-1]
    return word


def _lemmatize_verb(word: str) -> str:
    if word.endswith("ies"):
        return _ies(word, "ies")
    if word.endswith("ied"):
        return _ies(word, "ied")
    if word.endswith(_SIBILANT_ES):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    if word.endswith("eed"):
        return word
    for suffix in ("ed", "ing"):
        if word.endswith(suffix) and _has_vowel(word[: -len(suffix)]):
            return _tidy_stem(word[: -len(suffix)])
    return word


def _lemmatize_adj(word: str) -> str:
    for suffix in ("iest", "ier"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return word[: -len(suffix)] + "y"
    for suffix in ("est", "er"):
        if word.endswith(suffix) and _has_vowel(word[: -len(suffix)]):
            return _tidy_stem(word[: -len(suffix)])
    return word


_RULES = {"NOUN": _lemmatize_noun, "VERB": _lemmatize_verb, "ADJ": _lemmatize_adj}


def lemmatize(word: str, pos: str) -> str:
    """The lemma (dictionary form) of ``word`` used as part of speech ``pos``.

    ``pos`` is ``"NOUN"``, ``"VERB"`` or ``"ADJ"`` (:data:`LEMMA_POS`);
    anything else raises ``ValueError``. Let ``w = word.casefold()``.

    1. **Lexicon first.** If ``w`` is in ``IRREGULAR_LEMMAS[pos]``, return
       its entry (``went -> go``, ``mice -> mouse``, ``better -> good``).
       The suffix rules are never applied to these forms.
    2. **Suffix rules** by part of speech; the first rule that matches, in
       the order listed, decides. Otherwise ``w`` is returned unchanged.

    NOUN:
      a. ends in ``ss``, ``us`` or ``is``: unchanged (``glass``, ``virus``, ``basis``);
      b. ends in ``ies``: ``ies -> y`` if ``w`` has more than 4 letters
         (``cities -> city``), else ``ies -> ie`` (``ties -> tie``);
      c. ends in ``sses``, ``shes``, ``ches``, ``xes`` or ``zzes``: drop ``es``
         (``boxes -> box``, ``churches -> church``);
      d. ends in ``s`` and has more than 3 letters: drop ``s`` (``cats -> cat``,
         ``houses -> house``; ``gas`` stays).

    VERB:
      a. ends in ``ies`` or ``ied``: to ``y`` if ``w`` has more than 4 letters
         (``tries``, ``tried -> try``), else to ``ie`` (``dies``, ``died -> die``);
      b. ends in ``sses``, ``shes``, ``ches``, ``xes`` or ``zzes``: drop ``es``
         (``fixes -> fix``);
      c. ends in ``s`` but not ``ss`` and has more than 3 letters: drop ``s``
         (``uses -> use``, ``walks -> walk``; ``kiss`` stays);
      d. ends in ``eed``: unchanged (``need``, ``proceed``);
      e. ends in ``ed`` or ``ing`` and the stem before it contains a vowel
         (Porter's ``*v*``, ``y`` included): remove it and tidy the stem (below).
         ``sing``, ``bring``, ``shed`` have no vowel before the suffix and stay.

    ADJ:
      a. ends in ``iest`` or ``ier`` with at least 2 letters before it: to ``y``
         (``happiest``, ``happier -> happy``);
      b. ends in ``est`` or ``er`` and the stem before it contains a vowel:
         remove it and tidy the stem.

    Tidying a stem, the first that applies:

    1. it ends in a double consonant: ``ll``, ``ss``, ``zz`` stay
       (``called -> call``), any other loses one letter (``stopped -> stop``,
       ``bigger -> big``);
    2. it matches :data:`RESTORE_E_PATTERN` (``re.search``), or has m = 1 and
       ends ``*o`` (Porter's consonant-vowel-consonant, last letter not
       w, x, y): add ``e`` (``danced -> dance``, ``baked -> bake``,
       ``nicer -> nice``);
    3. otherwise unchanged (``played -> play``, ``visited -> visit``).

    The rules are deliberately simple: they get ``created -> creat`` and
    ``changed -> chang`` wrong, which a real lemmatizer fixes with a large
    dictionary of lemmas.
    """
    if pos not in LEMMA_POS:
        raise ValueError(f"unknown part of speech {pos!r}; expected one of {LEMMA_POS}")
    w = word.casefold()
    lexicon = IRREGULAR_LEMMAS[pos]
    if w in lexicon:
        return lexicon[w]
    return _RULES[pos](w)


# ---- what each step buys ------------------------------------------------------------------------------


def vocabulary_reduction(tagged_tokens: Sequence[tuple[str, str]]) -> dict[str, int]:
    """Vocabulary sizes of a POS-tagged corpus under each normalization.

    ``tagged_tokens`` is a sequence of ``(token, upos)`` pairs (``upos`` a
    Universal POS tag such as ``"NOUN"`` or ``"DET"``). Returns a dict with
    exactly these keys, each the number of distinct strings:

    * ``"raw"``: the tokens as they are;
    * ``"lower"``: ``token.lower()``;
    * ``"casefold"``: ``token.casefold()``;
    * ``"stemmed"``: ``porter_stem(token.casefold())``;
    * ``"lemmatized"``: ``lemmatize(token, upos)`` when ``upos`` is in
      :data:`LEMMA_POS`, else ``token.casefold()``.

    An empty corpus gives all zeros.
    """
    tokens = [token for token, _ in tagged_tokens]
    return {
        "raw": len(set(tokens)),
        "lower": len({t.lower() for t in tokens}),
        "casefold": len({t.casefold() for t in tokens}),
        "stemmed": len({porter_stem(t.casefold()) for t in tokens}),
        "lemmatized": len({lemmatize(t, pos) if pos in LEMMA_POS else t.casefold() for t, pos in tagged_tokens}),
    }
