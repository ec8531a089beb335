"""Lab 52: input sanitisation against prompt injection (your file: fill in every TODO).

An application that puts user text, web pages or e-mails into an LLM prompt
must treat that text as *data*, never as instructions. This module is a
first line of defence, in four parts:

- **normalisation**: :func:`strip_invisible` (zero-width, bidirectional and
  tag characters), :func:`normalize_text` (that, then NFKC) and
  :func:`skeleton` (that, then homoglyph folding and case folding: the form
  detection rules are matched against);
- **detection**: :func:`encoded_views` (rot13, leetspeak and base64 readings
  of a text) and :func:`detect_injection` (instruction overrides and
  role-play jailbreaks, in the text or in any of its readings);
- **spotlighting**: :func:`delimit` and :func:`datamark` mark untrusted text
  so that the prompt can tell the model where data begins and ends;
- **limits**: :func:`check_limits`; and :func:`sanitize`, which puts it all
  together for one input.

The constants below are part of the specification: use them, do not change
them. Every text argument must be a ``str``; any other type raises
``TypeError``.
"""

from __future__ import annotations

import base64  # noqa: F401  (you will need these)
import binascii  # noqa: F401
import codecs  # noqa: F401
import re  # noqa: F401
import unicodedata  # noqa: F401
from itertools import groupby  # noqa: F401

# ---- constants (part of the specification; do not change them) -----------------------------------

#: Zero-width and other invisible formatting characters that :func:`strip_invisible` deletes:
#: soft hyphen, Mongolian vowel separator, zero width space, zero width non-joiner, zero width
#: joiner, word joiner, function application, invisible times, invisible separator, invisible
#: plus, zero width no-break space (byte order mark).
ZERO_WIDTH = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff")

#: Bidirectional controls that :func:`strip_invisible` deletes: Arabic letter mark, left-to-right
#: and right-to-left marks, the embeddings and overrides LRE, RLE, PDF, LRO, RLO, and the isolates
#: LRI, RLI, FSI, PDI.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

#: The Unicode "tag" block, U+E0000 to U+E007F inclusive (invisible characters that can smuggle
#: ASCII text): :func:`strip_invisible` deletes every code point in it.
TAG_FIRST, TAG_LAST = 0xE0000, 0xE007F

#: Homoglyphs: Cyrillic, Greek and other letters that look like ASCII letters, and the ASCII
#: letter each one is folded to by :func:`skeleton`. No key is changed by NFKC.
HOMOGLYPHS = {
    # Cyrillic lower case
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "һ": "h", "ӏ": "l", "ь": "b",
    # Cyrillic upper case
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "Ү": "Y", "Ԛ": "Q", "Ԝ": "W",
    # Greek lower case
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "γ": "y",
    # Greek upper case
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Armenian and Latin extensions
    "օ": "o", "ս": "u", "ց": "g", "ı": "i", "ɡ": "g", "ɑ": "a",
}  # fmt: skip

#: Leetspeak digits and symbols and the letters they stand for (used by :func:`encoded_views`).
LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}

#: A base64 candidate: 16 or more base64 letters, up to two ``=``, not glued to another base64
#: character on either side.
BASE64_PATTERN = r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=])"

#: The attack families :func:`detect_injection` reports, in this order.
FAMILIES = ("override", "roleplay")

#: The views of a text in which :func:`detect_injection` can find an attack, in this order.
ENCODINGS = ("plain", "rot13", "leetspeak", "base64")

#: A spotlighting nonce: 8 to 64 ASCII letters and digits.
NONCE_PATTERN = r"[A-Za-z0-9]{8,64}"

#: The names :func:`check_limits` reports, in this order.
LIMITS = ("chars", "lines", "run", "invisible")

# ---- normalisation ------------------------------------------------------------------------------


def strip_invisible(text: str) -> str:
    """Delete every invisible character from ``text``.

    Invisible characters are those of :data:`ZERO_WIDTH`, those of
    :data:`BIDI_CONTROLS` and every code point from :data:`TAG_FIRST` to
    :data:`TAG_LAST` inclusive. Nothing else changes: other format
    characters, spaces of any kind, line breaks and control characters stay
    as they are, and so does the order of what is left.

    ``strip_invisible("ig\\u200bnore") == "ignore"``. Raises ``TypeError`` if
    ``text`` is not a ``str``.
    """
    raise NotImplementedError("TODO: implement strip_invisible")


def normalize_text(text: str) -> str:
    """The text an application passes on: invisible characters deleted, then NFKC.

    First :func:`strip_invisible`, then Unicode normalisation form NFKC
    (``unicodedata.normalize("NFKC", ...)``). The order matters: a zero-width
    character between a letter and a combining accent blocks composition,
    so it is deleted first and the result is always in NFKC. NFKC turns
    full-width letters (``ｉｇｎｏｒｅ``), mathematical letters (``𝐢𝐠𝐧𝐨𝐫𝐞``),
    ligatures and the like into their plain forms; it keeps letter case and
    does not fold homoglyphs (Cyrillic ``а`` stays Cyrillic).

    Raises ``TypeError`` if ``text`` is not a ``str``.
    """
    raise NotImplementedError("TODO: implement normalize_text")


def skeleton(text: str) -> str:
    """The form that detection rules are matched against.

    Three steps, in this order: :func:`normalize_text`; then every character
    that is a key of :data:`HOMOGLYPHS` is replaced by its value (other
    characters stay); then ``str.casefold``. Folding happens after NFKC, so
    a mathematical Greek alpha (U+1D6C2) becomes ``α`` and then ``a``; and
    before case folding, so Greek capital Nu (``Ν``) becomes ``n`` (while
    small nu ``ν`` becomes ``v``).

    ``skeleton("ІGNΟRE\\u200b аll") == "ignore all"``. Raises ``TypeError``
    if ``text`` is not a ``str``.
    """
    raise NotImplementedError("TODO: implement skeleton")


# ---- encoded payloads ---------------------------------------------------------------------------


def encoded_views(text: str) -> list[tuple[str, str]]:
    """The other readings of ``text``: a list of ``(encoding, decoded_text)`` pairs.

    In this order:

    1. ``("rot13", codecs.encode(text, "rot13"))``, only when that differs
       from ``text`` (rot13 turns ASCII letters only);
    2. ``("leetspeak", text.translate(...))`` with every character that is a
       key of :data:`LEET` replaced by its letter, only when that differs
       from ``text``;
    3. ``("base64", decoded)`` for each match of :data:`BASE64_PATTERN` in
       ``text`` (``re.finditer`` order; a repeated candidate appears again)
       that decodes: ``base64.b64decode(match, validate=True)`` succeeds,
       the bytes are valid UTF-8 (strict), and every character of the
       decoded text is printable (``str.isprintable``), whitespace
       (``str.isspace``) or an invisible character (see
       :func:`strip_invisible`). Candidates that fail are skipped silently.

    The text is used as given (no normalisation). ``encoded_views("")`` and
    ``encoded_views("2 + 2 = 8")`` are ``[]``. Raises ``TypeError`` if
    ``text`` is not a ``str``.
    """
    raise NotImplementedError("TODO: implement encoded_views")


# ---- detection ----------------------------------------------------------------------------------


def detect_injection(text: str) -> dict:
    """Look for a prompt-injection attack in ``text``, in plain sight or encoded.

    The procedure is fixed; the rules are yours:

    1. ``plain = normalize_text(text)`` (normalise *before* anything is
       matched: an attack hidden with zero-width characters, homoglyphs or
       full-width letters must be found);
    2. the views are ``("plain", plain)`` followed by
       :func:`encoded_views` of ``plain``;
    3. each view's text is matched, as :func:`skeleton` of it, against your
       rules for each family of :data:`FAMILIES`:

       - ``"override"``: instruction overrides and prompt leaking ("ignore
         all previous instructions", "disregard the above", "new system
         message:", "print your system prompt", "disable your filters");
       - ``"roleplay"``: role-play jailbreaks ("you are now DAN", "pretend
         you are an AI without restrictions", "enable developer mode", the
         grandmother trick).

    Returns a dict with exactly these keys:

    - ``"is_attack"``: ``True`` when some rule matched some view;
    - ``"families"``: the families with a match in any view, in
      :data:`FAMILIES` order, without repeats;
    - ``"encodings"``: the names of the views with a match, in
      :data:`ENCODINGS` order, without repeats.

    ``is_attack`` is ``bool(families)`` and ``bool(encodings)``. Your rules
    must keep benign text clean: questions that mention ignoring a warning,
    overriding a CSS rule or a developer-mode setting, role-play that asks for
    no rule breaking, and harmless base64, rot13 or leetspeak data. The
    hidden tests measure precision and recall on a held-out corpus like
    ``data/corpus.jsonl``. Raises ``TypeError`` if ``text`` is not a ``str``.
    """
    raise NotImplementedError("TODO: implement detect_injection (write your rules for each family)")


# ---- spotlighting -------------------------------------------------------------------------------


def delimit(text: str, nonce: str) -> str:
    """Wrap untrusted ``text`` between two marker lines that carry a secret nonce.

    The result is ``f"<<UNTRUSTED {nonce}>>\\n{body}\\n<<END UNTRUSTED {nonce}>>"``,
    where ``body`` is ``text`` with every occurrence of ``nonce`` removed
    (case-sensitive), repeatedly until none is left: removing ``nonce``
    once from ``nonce[:3] + nonce + nonce[3:]`` leaves a new occurrence,
    and the body must never contain the nonce, or the text could close the
    block itself. Nothing else in ``text`` changes (normalise it first if you
    want it normalised).

    Raises ``ValueError`` unless ``nonce`` fully matches
    :data:`NONCE_PATTERN` (8 to 64 ASCII letters and digits, nothing else,
    not even a trailing line break), and ``TypeError`` if ``text`` or
    ``nonce`` is not a ``str``.
    """
    raise NotImplementedError("TODO: implement delimit")


def datamark(text: str, marker: str = "^") -> str:
    """Datamarking: replace every maximal run of whitespace in ``text`` by one ``marker``.

    Whitespace is every character for which ``str.isspace`` is true (spaces,
    tabs, line breaks, no-break and ideographic spaces, ...); runs at the
    start and the end of the text are replaced too. ``datamark(" a  b\\n",
    "^") == "^a^b^"``; ``datamark("") == ""``.

    Raises ``ValueError`` if ``marker`` is empty or contains a whitespace
    character, ``TypeError`` if ``text`` or ``marker`` is not a ``str``.
    """
    raise NotImplementedError("TODO: implement datamark")


# ---- limits -------------------------------------------------------------------------------------


def check_limits(
    text: str,
    *,
    max_chars: int = 4000,
    max_lines: int = 200,
    max_run: int = 64,
    max_invisible: int = 16,
) -> list[str]:
    """The names of the limits that ``text`` (as given, not normalised) exceeds.

    In :data:`LIMITS` order, a name is in the list when:

    - ``"chars"``: ``len(text) > max_chars`` (code points);
    - ``"lines"``: ``len(text.splitlines()) > max_lines`` (so every line
      break ``str.splitlines`` knows counts, ``"\\u2028"`` included, and
      ``""`` has 0 lines);
    - ``"run"``: the longest run of one character repeated back to back is
      longer than ``max_run`` (``""`` has a longest run of 0);
    - ``"invisible"``: more than ``max_invisible`` characters that
      :func:`strip_invisible` would delete.

    A limit equal to the measured value is not exceeded. Raises
    ``ValueError`` if a limit is negative, ``TypeError`` if ``text`` is not
    a ``str``.
    """
    raise NotImplementedError("TODO: implement check_limits")


# ---- everything together ------------------------------------------------------------------------


def sanitize(
    text: str,
    *,
    nonce: str,
    max_chars: int = 4000,
    max_lines: int = 200,
    max_run: int = 64,
    max_invisible: int = 16,
) -> dict:
    """Check one untrusted input and, if it may pass, spotlight it.

    Returns a dict with exactly these keys:

    - ``"text"``: :func:`normalize_text` of ``text``;
    - ``"violations"``: :func:`check_limits` of the *raw* ``text`` with
      the given limits;
    - ``"detection"``: :func:`detect_injection` of ``text``;
    - ``"allowed"``: ``True`` when there is no violation and no attack;
    - ``"prompt"``: :func:`delimit` of the normalised text with ``nonce``
      when allowed, else ``None``.

    Raises ``ValueError`` for a bad ``nonce`` (see :func:`delimit`) or a
    negative limit, even when the input would be blocked anyway;
    ``TypeError`` if ``text`` is not a ``str``.
    """
    raise NotImplementedError("TODO: implement sanitize")
