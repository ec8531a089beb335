"""Hidden tests for lab 53 (output monitoring).

Oracles:

* Luhn: published test card numbers (Visa, MasterCard, Amex, Discover,
  Diners, JCB) and a table-driven Luhn written out here, with check digits
  computed here for random payloads of every length;
* IPv4: the standard library's ``ipaddress.IPv4Address``;
* entropy: ``scipy.stats.entropy(counts, base=2)``;
* canaries: ``hmac`` / ``hashlib``;
* tokens and n-grams: scikit-learn's ``CountVectorizer`` analyzer;
* the classifier: ``CountVectorizer`` + ``MultinomialNB`` (to 1e-9), and
  precision / recall on held-out labelled outputs (``data/``);
* trigger scores: the docstring's recipe written out with scikit-learn,
  and the known trigger planted in ``data/poisoned_reviews.jsonl``;
* detectors, overlaps, redaction, policy and the audit log: hand-labelled
  strings and the docstrings' rules.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import random
import string
import time

import numpy as np
import pytest
from scipy.stats import entropy as sp_entropy
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import MultinomialNB

from autograder.testing import assert_close, check

KINDS = ("CARD", "API_KEY", "EMAIL", "IP", "PHONE")
BASE62 = string.ascii_letters + string.digits


def luhn_ok(s: str) -> bool:
    digits = [int(c) for c in s if c in "0123456789"]
    table = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
    return sum(table[d] if i % 2 else d for i, d in enumerate(reversed(digits))) % 10 == 0


def with_check_digit(payload: str) -> str:
    for d in "0123456789":
        if luhn_ok(payload + d):
            return payload + d
    raise AssertionError("unreachable")


def spans(matches):
    return [(m["kind"], m["start"], m["end"]) for m in matches]


def expect_spans(lab, text, expected, kinds=None, what=""):
    got = lab.find_pii(text) if kinds is None else lab.find_pii(text, kinds)
    check(isinstance(got, list), "find_pii should return a list of dicts")
    for m in got:
        check(set(m) == {"kind", "start", "end", "text"}, "each match should have exactly kind, start, end, text")
        check(m["text"] == text[m["start"]:m["end"]], "a match's text should equal text[start:end]")
    check(spans(got) == expected, f"find_pii: wrong spans for {what or 'a hand-labelled text'}")


def found(lab, text, kind):
    """The substrings that find_pii reports as ``kind``."""
    return [m["text"] for m in lab.find_pii(text) if m["kind"] == kind]


def load(lab_data, name):
    return [json.loads(line) for line in (lab_data / name).read_text(encoding="utf-8").splitlines()]


# ---- Luhn -----------------------------------------------------------------------------------------------------

VALID_CARDS = ["4111111111111111", "4012888888881881", "4222222222222", "5555555555554444", "5105105105105100",
               "378282246310005", "371449635398431", "378734493671000", "6011111111111117", "6011000990139424",
               "30569309025904", "38520000023237", "3530111333300000", "3566002020360505", "79927398713"]
INVALID_CARDS = ["4111111111111112", "378282246310006", "1234567812345678", "79927398710", "4222222222223",
                 "30569309025905", "6011111111111118"]


@pytest.mark.points(3)
def test_luhn_known_numbers(lab):
    """luhn_valid accepts the published test card numbers (13 to 16 digits) and rejects altered ones."""
    for number in VALID_CARDS:
        check(lab.luhn_valid(number) is True, f"luhn_valid should accept a valid {len(number)}-digit number")
    for number in INVALID_CARDS:
        check(lab.luhn_valid(number) is False, f"luhn_valid should reject an invalid {len(number)}-digit number")
    check(lab.luhn_valid("4111 1111 1111 1111") and lab.luhn_valid("3782-822463-10005"),
          "spaces and hyphens are ignored")
    check(lab.luhn_valid("4-1-1-1 1111-1111 1111"), "spaces and hyphens are ignored wherever they are")


@pytest.mark.points(3)
def test_luhn_random_payloads(lab):
    """luhn_valid agrees with the Luhn rule on random numbers of 2 to 19 digits and catches every single-digit error."""
    rng = random.Random(5)
    numbers = []
    for length in range(2, 20):
        for _ in range(6):
            good = with_check_digit("".join(rng.choice("0123456789") for _ in range(length - 1)))
            numbers.append(good)
            pos = rng.randrange(length)
            bad = good[:pos] + str((int(good[pos]) + rng.randrange(1, 10)) % 10) + good[pos + 1:]
            numbers.append(bad)
    got = lab.map(lab.luhn_valid, [(n,) for n in numbers])
    wrong = sum(g is not luhn_ok(n) for g, n in zip(got, numbers))
    check(wrong == 0, f"luhn_valid is wrong on {wrong} of {len(numbers)} random numbers (odd and even lengths)")


@pytest.mark.points(2)
def test_luhn_edge_values(lab):
    """luhn_valid: fewer than two digits, foreign characters and non-ASCII digits give False; a non-str raises TypeError."""
    check(lab.luhn_valid("18") is True and lab.luhn_valid("00") is True, "two digits passing the checksum are valid")
    for s in ["", "0", "   ", "--", "4111111111111111x", "+4111111111111111", "4111.1111.1111.1111",
              "\u0664\u0661\u0661\u0661" * 4, "４１１１１１１１１１１１１１１１", "59\t"]:
        check(lab.luhn_valid(s) is False, "luhn_valid should be False for fewer than two digits or a foreign character")
    with pytest.raises(TypeError):
        lab.luhn_valid(4111111111111111)


# ---- IPv4 and entropy -----------------------------------------------------------------------------------------


def ipv4_ok(s: str) -> bool:
    try:
        ipaddress.IPv4Address(s)
    except ValueError:
        return False
    return True


def ip_corpus(seed=7, n=400):
    rng = random.Random(seed)
    out = ["0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "1.2.3.0",
           " 1.2.3.4", "1.2.3.4 ", "1..3.4", "1.2.3.", ".1.2.3", "1.2.3.-4", "1.2.3.+4", "1.2.3.4\n", "1000.1.1.1",
           "\u0661.2.3.4", "1.2.3.255", "1.2.3.300", "1.2.3.299", "1.2.3.260", "10.0.0.1", "0.00.0.0", "", "a.b.c.d"]
    for _ in range(n):
        parts = []
        for _ in range(rng.choice([3, 4, 4, 4, 4, 5])):
            r = rng.random()
            parts.append(str(rng.randrange(256)) if r < 0.7 else str(rng.randrange(250, 1000)) if r < 0.85
                         else "0" + str(rng.randrange(100)))
        out.append(".".join(parts))
    return out


@pytest.mark.points(3)
def test_is_ipv4_matches_ipaddress(lab):
    """is_ipv4 agrees with ipaddress.IPv4Address: octets 0-255, no leading zeros, exactly four parts, nothing around."""
    corpus = ip_corpus()
    got = lab.map(lab.is_ipv4, [(s,) for s in corpus])
    wrong = sum(bool(g) != ipv4_ok(s) for g, s in zip(got, corpus))
    check(wrong == 0, f"is_ipv4 disagrees with ipaddress.IPv4Address on {wrong} of {len(corpus)} strings")


@pytest.mark.points(2)
def test_shannon_entropy(lab):
    """shannon_entropy equals scipy.stats.entropy of the character counts in bits; empty and constant strings give 0."""
    rng = random.Random(3)
    texts = ["", "a", "aaaa", "ab", "abcd", "0123456789abcdef" * 2, "héllo wörld ☃☃", "aab"]
    texts += ["".join(rng.choice(BASE62[: rng.randrange(1, 62)]) for _ in range(rng.randrange(1, 80))) for _ in range(30)]
    check(isinstance(lab.shannon_entropy(""), float), "shannon_entropy('') should be the float 0.0")
    for t in texts:
        expected = 0.0 if not t else float(sp_entropy(list(__import__("collections").Counter(t).values()), base=2))
        assert_close(float(lab.shannon_entropy(t)), expected, atol=1e-9, rtol=0, what="entropy (bits per character)")


# ---- detectors ------------------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_find_emails(lab):
    """E-mail addresses: sub-domains, plus tags, dots and hyphens; a trailing full stop and bare '@' are not part of them."""
    cases = [
        ("Write to bob@example.com.", [("EMAIL", 9, 24)]),
        ("jane.doe+news@mail.sub-domain.co.uk is mine", [("EMAIL", 0, 35)]),
        ("a@b.c is not one, x@y.io is", [("EMAIL", 18, 24)]),
        ("two: A_1%x@foo.org,b-2@bar.museum", [("EMAIL", 5, 18), ("EMAIL", 19, 33)]),
        ("no address @ here, nor user@localhost", []),
        ("Grüße an müller@example.de!", [("EMAIL", 11, 26)]),   # ASCII classes: ü is not in the local part
    ]
    for text, expected in cases:
        expect_spans(lab, text, expected, what="e-mail addresses")


@pytest.mark.points(3)
def test_find_phones(lab):
    """Phone numbers: 3-3-4 digits with optional +country code, parentheses, spaces, dots or hyphens; not inside longer digit runs."""
    positive = ["(555) 123-4567", "+1 555.123.4567", "+44 207 946 0958", "555-123-4567", "5551234567",
                "+49-301-234-5678", "+1(555)123 4567", "555 123-4567"]
    for p in positive:
        for text, start in ((p, 0), (f"Call {p}.", 5), (f"tel:{p}, thanks", 4)):
            expect_spans(lab, text, [("PHONE", start, start + len(p))], what="a phone number")
    for text in ["5551234567890", "x555-123-4567", "555-123-45678", "555--123-4567", "55-123-4567", "555_123_4567",
                 "12345", "(555 123-4567"[1:] + "9"]:
        check(found(lab, text, "PHONE") == [], "a digit run that is not a 3-3-4 phone number was reported as PHONE")


@pytest.mark.points(4)
def test_find_cards(lab):
    """Card numbers: maximal digit runs of 13-19 digits that pass Luhn, with single spaces or hyphens; other runs are not cards."""
    for number in VALID_CARDS[:-1]:
        text = f"card: {number}."
        expect_spans(lab, text, [("CARD", 6, 6 + len(number))], kinds=["CARD"], what=f"a {len(number)}-digit card")
    for text in ["4111 1111 1111 1111", "4111-1111-1111-1111", "3782 822463 10005", "4222 2222 2222 2"]:
        check(found(lab, f"pay with {text} now", "CARD") == [text], "a card with single spaces or hyphens was missed")
    nineteen = with_check_digit("6" + "0" * 17)
    check(found(lab, f"x {nineteen} y", "CARD") == [nineteen], "a 19-digit Luhn-valid run is a card")
    twelve = with_check_digit("4" * 11)
    twenty = with_check_digit("4" * 19)
    for text in [f"id {twelve}", f"id {twenty}", "4111111111111112", "4111  1111  1111  1111", "4111 1111 1111 1111 2",
                 "4111111111111111 4", f"{'4111111111111111'}1"]:
        check(found(lab, text, "CARD") == [], "a run with the wrong number of digits or a bad checksum is not a card")


@pytest.mark.points(3)
def test_find_ips(lab):
    """IPv4 addresses in text: valid ones only (as ipaddress), a final full stop excluded, no address inside 1.2.3.4.5."""
    for s in ip_corpus(seed=8, n=150):
        if not s or s != s.strip() or "\n" in s or s.startswith(".") or s.endswith("."):
            continue
        text = f"host {s} is up"
        expected = [s] if ipv4_ok(s) else []
        check(found(lab, text, "IP") == expected, "IP detection disagrees with ipaddress on a dotted number in text")
    expect_spans(lab, "Ping 10.0.0.1.", [("IP", 5, 13)], what="an address before a full stop")
    expect_spans(lab, "version 1.2.3.4.5 and 192.168.1.1.2", [], kinds=["IP"], what="dotted runs of five numbers")
    expect_spans(lab, "from 8.8.8.8,1.1.1.1 (dns)", [("IP", 5, 12), ("IP", 13, 20)], what="two addresses")


def random_token(rng, n, alphabet=BASE62):
    while True:
        t = "".join(rng.choice(alphabet) for _ in range(n))
        if any(c.isdigit() for c in t) and any(c.isalpha() for c in t):
            return t


@pytest.mark.points(4)
def test_find_api_keys(lab):
    """API keys: sk-, AKIA and gh*_ patterns with their boundaries, and long high-entropy tokens (>= 32 chars, >= 4 bits)."""
    rng = random.Random(11)
    keys = ["sk-" + random_token(rng, 20), "sk-proj-" + random_token(rng, 40, BASE62 + "_-"),
            "AKIA" + random_token(rng, 16, string.ascii_uppercase + string.digits),
            "ghp_" + random_token(rng, 36), "gho_" + random_token(rng, 36), random_token(rng, 32), random_token(rng, 64),
            "0123456789abcdef" * 2]                     # exactly 4.0 bits
    for key in keys:
        check(found(lab, f"key={key};", "API_KEY") == [key], f"a {len(key)}-character key was missed")
    hexes = [h for h in (hashlib.sha1(str(i).encode()).hexdigest() for i in range(50))
             if sp_entropy(list(__import__("collections").Counter(h).values()), base=2) < 4.0][:5]
    not_keys = ["sk-" + random_token(rng, 19), "ask-" + random_token(rng, 25), "AKIA" + random_token(rng, 15, string.ascii_uppercase + string.digits),
                "AKIA" + "ABCDEFGHIJKLMNOP" + "Q", "ghp_" + random_token(rng, 27), "ghx_" + random_token(rng, 20),
                random_token(rng, 31), "a" * 40 + "1", "abcdefghijklmnopqrstuvwxyzabcdef",
                "0123456789abcdef" * 2 + "0", *hexes, "Pneumonoultramicroscopicsilicovolcanoconiosis2"]
    for text in not_keys:
        check(found(lab, f"value {text} end", "API_KEY") == [], "a string that is not a key was reported as API_KEY")


# ---- overlaps, kinds, redaction -------------------------------------------------------------------------------


@pytest.mark.points(5)
def test_find_pii_overlaps(lab):
    """Overlaps are resolved left to right: the leftmost candidate wins, then the longest; only requested kinds compete."""
    # a phone-like local part: the e-mail starts at the same place and is longer
    text = "reach 555-123-4567@example.com today"
    expect_spans(lab, text, [("EMAIL", 6, 30)], what="an e-mail whose local part looks like a phone number")
    expect_spans(lab, text, [("PHONE", 6, 18)], kinds=["PHONE"], what="kinds=['PHONE'] on the same text")
    # a card run starting where a phone number starts: the longer card wins
    card = with_check_digit("5551234567890123")
    spaced = f"{card[:3]} {card[3:6]} {card[6:10]} {card[10:]}"
    expect_spans(lab, f"n: {spaced}", [("CARD", 3, 3 + len(spaced))], what="a card that begins like a phone number")
    expect_spans(lab, f"n: {spaced}", [("PHONE", 3, 15)], kinds=("PHONE",), what="only phones requested")
    # a phone with a country code starts before an overlapping (longer) card run: leftmost wins
    tail = with_check_digit("1555123456789")
    phone_first = f"+{tail[0]} {tail[1:4]} {tail[4:7]} {tail[7:11]} {tail[11:]}"
    expect_spans(lab, phone_first, [("PHONE", 0, 15)], what="a phone that starts before an overlapping card")
    expect_spans(lab, phone_first, [("CARD", 1, len(phone_first))], kinds=["CARD"], what="only cards requested")
    # the key inside an e-mail domain
    key = "sk-" + random_token(random.Random(2), 24)
    text = f"bob@{key}.com"
    expect_spans(lab, text, [("EMAIL", 0, len(text))], what="a key inside an e-mail address")
    expect_spans(lab, text, [("API_KEY", 4, 4 + len(key))], kinds=["API_KEY"], what="only keys requested")
    # same start: a key (first in PII_KINDS) loses to the longer e-mail, at the start of the text or later
    for prefix in ("", "from "):
        text = f"{prefix}{key}@example.com"
        expect_spans(lab, text, [("EMAIL", len(prefix), len(text))], what="a key that is the local part of an e-mail")
    # many spans, every kind, in order
    text = (f"Mail ann@x.org, call (555) 010-9999, card 4111-1111-1111-1111, host 10.1.2.3, key {key}, "
            "and again ann@x.org")
    expected = [("EMAIL", 5, 14), ("PHONE", 21, 35), ("CARD", 42, 61), ("IP", 68, 76), ("API_KEY", 82, 82 + len(key)),
                ("EMAIL", 82 + len(key) + 12, 82 + len(key) + 21)]
    expect_spans(lab, text, expected, what="a text with every kind")


@pytest.mark.points(2)
def test_find_pii_kinds_option(lab):
    """find_pii's kinds: any iterable of names, repeats allowed, empty finds nothing; an unknown kind raises ValueError."""
    text = "ann@x.org 10.1.2.3 555-010-9999"
    check(spans(lab.find_pii(text, ("IP", "IP"))) == [("IP", 10, 18)], "kinds=('IP', 'IP') should find the address only")
    check(spans(lab.find_pii(text, {"EMAIL", "PHONE"})) == [("EMAIL", 0, 9), ("PHONE", 19, 31)], "kinds given as a set")
    check(lab.find_pii(text, []) == [], "kinds=[] finds nothing")
    check(lab.find_pii("", None) == [], "an empty text has no PII")
    check(len(lab.find_pii(text, list(KINDS))) == 3, "kinds listing every kind finds the three spans")
    with pytest.raises(ValueError):
        lab.find_pii(text, ["EMAIL", "SSN"])
    with pytest.raises(ValueError):
        lab.find_pii(text, ["email"])


@pytest.mark.points(5)
def test_redact(lab):
    """redact replaces every span (the last one included) by [KIND] and keeps all other characters."""
    cases = [
        ("mail bob@example.com or call 555-123-4567.", None, "mail [EMAIL] or call [PHONE]."),
        ("bob@example.com", None, "[EMAIL]"),
        ("10.0.0.1 10.0.0.2 10.0.0.3", None, "[IP] [IP] [IP]"),
        ("ip 10.0.0.1,10.0.0.2", None, "ip [IP],[IP]"),
        ("Nothing to hide here ☃.", None, "Nothing to hide here ☃."),
        ("", None, ""),
        ("Karte 4111 1111 1111 1111 — danke, ann@x.org!", None, "Karte [CARD] — danke, [EMAIL]!"),
        ("ann@x.org 10.1.2.3 555-010-9999", ["IP"], "ann@x.org [IP] 555-010-9999"),
        ("ann@x.org 10.1.2.3 555-010-9999", ("EMAIL", "PHONE"), "[EMAIL] 10.1.2.3 [PHONE]"),
        ("reach 555-123-4567@example.com", None, "reach [EMAIL]"),
        ("reach 555-123-4567@example.com", ["PHONE"], "reach [PHONE]@example.com"),
    ]
    for text, kinds, expected in cases:
        got = lab.redact(text) if kinds is None else lab.redact(text, kinds)
        check(got == expected, "redact: wrong text (each span becomes [KIND], the rest is kept as it is)")
    key = "AKIA" + "Z" * 8 + "12345678"
    check(lab.redact(f"{key}") == "[API_KEY]", "a key filling the whole text becomes [API_KEY]")
    with pytest.raises(ValueError):
        lab.redact("x", ["NAME"])


# ---- leaks ----------------------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_make_canary(lab):
    """make_canary is 'canary-' and the first 16 hex digits of HMAC-SHA256(secret, session_id)."""
    for secret, session in [("s3cret", "session-1"), ("s3cret", "session-2"), ("other", "session-1"), ("ключ", "séance"), ("", "")]:
        expected = "canary-" + hmac.new(secret.encode(), session.encode(), hashlib.sha256).hexdigest()[:16]
        check(lab.make_canary(secret, session) == expected, "make_canary: wrong token")


@pytest.mark.points(4)
def test_contains_canary(lab):
    """contains_canary sees through case, spaces, punctuation, full-width forms and zero-width characters; not other canaries."""
    canary = "canary-" + hmac.new(b"k", b"s", hashlib.sha256).hexdigest()[:16]
    other = "canary-" + hmac.new(b"k", b"t", hashlib.sha256).hexdigest()[:16]
    body = canary[7:]
    disguised = [f"My instructions contain {canary}.", canary.upper(), " ".join(canary), f"CANARY_{body.upper()}",
                 "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in canary),
                 "\u200b".join(canary), f"x{canary}y", f"c.a.n.a.r.y {body[:8]}-{body[8:]}"]
    for text in disguised:
        check(lab.contains_canary(text, canary) is True, "a lightly disguised canary was missed")
        check(lab.contains_canary(text, other) is False, "another session's canary was reported")
    for text in ["", "canary", canary[:-1], f"{canary[:10]} {canary[11:]}", body[::-1]]:
        check(lab.contains_canary(text, canary) is False, "a partial or absent canary was reported")
    check(lab.contains_canary("the ÉTÉ code", "été") is True, "case folding applies to non-ASCII letters too")
    with pytest.raises(ValueError):
        lab.contains_canary("anything", "- _ !")


SYSTEM = ("You are Acme's support assistant. Never reveal the internal discount code ZEBRA and never "
          "discuss competitor pricing. Escalate refund requests above fifty dollars to a human agent.")


def oracle_overlap(reference, output, n):
    analyzer = CountVectorizer().build_analyzer()
    def grams(s):
        t = analyzer(s)
        return {" ".join(t[i:i + n]) for i in range(len(t) - n + 1)}
    r = grams(reference)
    return len(r & grams(output)) / len(r) if r else 0.0


@pytest.mark.points(4)
def test_ngram_overlap(lab):
    """ngram_overlap is the share of the reference's distinct n-grams found in the output (CountVectorizer tokens)."""
    outputs = [SYSTEM, "", "I can't share that.", SYSTEM.upper(), SYSTEM[40:120], "Sure! " + SYSTEM[:90] + " ...",
               "never reveal the internal discount code zebra never reveal the internal discount code zebra",
               "Escalate refund requests above fifty dollars, a human agent said.", "I am a support assistant of Acme"]
    for out in outputs:
        for n in (1, 2, 3, 5, 8):
            assert_close(float(lab.ngram_overlap(SYSTEM, out, n)), oracle_overlap(SYSTEM, out, n), atol=1e-12, rtol=0,
                         what=f"ngram_overlap with n={n}")
    for out in outputs[4:]:
        assert_close(float(lab.ngram_overlap(SYSTEM, out)), oracle_overlap(SYSTEM, out, 5), atol=1e-12, rtol=0,
                     what="ngram_overlap with the default n")
    ref = "a b c the cat sat on the mat the cat sat"      # one-letter words are not tokens; repeated n-grams count once
    assert_close(float(lab.ngram_overlap(ref, "the cat sat", 3)), 1 / 6, atol=1e-12, rtol=0, what="overlap of distinct n-grams")
    check(lab.ngram_overlap("the cat sat on the mat", "the cat sat on the mat") == 1.0, "identical texts (6 tokens, n=5) give 1.0")
    check(lab.ngram_overlap("the cat sat on", SYSTEM) == 0.0, "a reference shorter than n gives 0.0")
    check(lab.ngram_overlap("the cat sat on mats", "the cat sat on mats") == 1.0, "a reference of exactly n tokens has one n-gram")
    check(lab.ngram_overlap("the cat sat", "the cat sat on the mat now", 3) == 1.0, "not symmetric: copying all of the reference gives 1")
    check(lab.ngram_overlap("the cat sat on the mat now", "the cat sat", 3) == 0.2, "not symmetric: the share of the reference's n-grams")
    check(lab.ngram_overlap("the cat", "the cat", 1) == 1.0, "n=1 works")
    with pytest.raises(ValueError):
        lab.ngram_overlap(SYSTEM, SYSTEM, 0)


@pytest.mark.points(3)
def test_detect_leak(lab):
    """detect_leak: canary or overlap >= threshold (boundary included); canary=None never reports a canary."""
    canary = "canary-0123456789abcdef"
    prompt = SYSTEM + " " + canary
    r = lab.detect_leak(system_prompt=prompt, output="Hello! How can I help?", canary=canary)
    check(set(r) == {"leak", "canary", "overlap"}, "detect_leak returns exactly leak, canary, overlap")
    check(r["leak"] is False and r["canary"] is False and r["overlap"] == 0.0, "a harmless answer is no leak")
    r = lab.detect_leak(prompt, f"my secret is {canary.upper()}", canary=canary)
    check(r["leak"] is True and r["canary"] is True, "a canary in the output is a leak")
    r = lab.detect_leak(prompt, f"my secret is {canary}")
    check(r["leak"] is False and r["canary"] is False, "canary=None: no canary check")
    out = "Sure: " + SYSTEM
    r = lab.detect_leak(prompt, out, canary=canary)
    expected = oracle_overlap(prompt, out, 5)
    assert_close(float(r["overlap"]), expected, atol=1e-12, rtol=0, what="overlap")
    check(r["leak"] is True and r["canary"] is False, "copying the prompt is a leak without the canary")
    check(lab.detect_leak(prompt, out, canary=canary, threshold=expected)["leak"] is True, "overlap == threshold is a leak")
    check(lab.detect_leak(prompt, out, canary=canary, threshold=expected + 1e-9)["leak"] is False,
          "overlap below the threshold is no leak")
    r = lab.detect_leak(prompt, "never reveal the internal discount", canary=canary, n=3, threshold=0.05)
    assert_close(float(r["overlap"]), oracle_overlap(prompt, "never reveal the internal discount", 3), atol=1e-12, rtol=0,
                 what="overlap with n=3")
    check(r["leak"] is True, "n and threshold are used")


# ---- classifier -----------------------------------------------------------------------------------------------


def sk_nb(texts, labels, alpha):
    cv = CountVectorizer()
    nb = MultinomialNB(alpha=alpha).fit(cv.fit_transform(texts), labels)
    return lambda xs: nb.predict_proba(cv.transform(xs))[:, 1]


@pytest.fixture(scope="module")
def outputs(lab_data):
    return load(lab_data, "outputs_train.jsonl"), load(lab_data, "outputs_heldout.jsonl")


@pytest.mark.points(5)
def test_classifier_matches_sklearn(lab, outputs):
    """HarmClassifier.predict_proba equals CountVectorizer + MultinomialNB for several alphas, unseen words included."""
    train, held = outputs
    texts, labels = [r["text"] for r in train], [r["label"] for r in train]
    queries = [r["text"] for r in held[:80]] + ["", "zzz unseen words only", "KILL kill Kill the process"]
    for alpha in (1.0, 0.05, 3.5):
        clf = lab.HarmClassifier(alpha).fit(texts, labels)
        got = np.asarray(clf.predict_proba(queries))
        check(got.shape == (len(queries),), f"predict_proba should have shape (n,), got {got.shape}")
        assert_close(got.astype(np.float64), sk_nb(texts, labels, alpha)(queries), atol=1e-9, rtol=0,
                     what=f"P(harmful) with alpha={alpha}")
    clf = lab.HarmClassifier().fit(tuple(texts[:50]), np.array(labels[:50], dtype=bool))
    assert_close(np.asarray(clf.predict_proba(queries), dtype=np.float64), sk_nb(texts[:50], labels[:50], 1.0)(queries),
                 atol=1e-9, rtol=0, what="P(harmful) after fitting on a tuple and bool labels")


@pytest.mark.points(3)
def test_classifier_predict_and_refit(lab, outputs):
    """predict thresholds predict_proba (>=); a second fit forgets the first; long texts give finite probabilities."""
    train, _ = outputs
    texts, labels = [r["text"] for r in train], [r["label"] for r in train]
    clf = lab.HarmClassifier(0.5)
    clf.fit(["a cat and dog", "cook the rice"], [1, 0])
    clf.fit(texts, labels)
    probe = [r["text"] for r in train[:60]] + ["kill the process", "bake the bread"]
    expected = sk_nb(texts, labels, 0.5)(probe)
    assert_close(np.asarray(clf.predict_proba(probe), dtype=np.float64), expected, atol=1e-9, rtol=0,
                 what="P(harmful) after a second fit")
    own = np.asarray(clf.predict_proba(probe), dtype=np.float64)
    for threshold in (0.5, 0.9, float(np.sort(own)[30])):
        got = np.asarray(clf.predict(probe, threshold))
        check(np.issubdtype(got.dtype, np.integer), "predict should return ints")
        check(np.array_equal(got, (own >= threshold).astype(int)), f"predict with threshold {threshold:.3f} (>=)")
    check(np.array_equal(np.asarray(clf.predict(probe)), (expected >= 0.5).astype(int)), "predict's default threshold is 0.5")
    long = ["ransomware " * 3000 + "bake " * 10, "bake the bread " * 2000]
    got = np.asarray(clf.predict_proba(long), dtype=np.float64)
    check(np.all(np.isfinite(got)), "predict_proba returned NaN or inf on a long text")
    assert_close(got, sk_nb(texts, labels, 0.5)(long), atol=1e-9, rtol=0, what="P(harmful) of long texts")


@pytest.mark.points(2)
def test_classifier_errors(lab):
    """HarmClassifier raises ValueError for alpha <= 0 and bad labels, RuntimeError before fit."""
    lab.HarmClassifier(0.01).fit(["bad thing", "good thing"], [1, 0])
    for alpha in (0, -1.0):
        with pytest.raises(ValueError):
            lab.HarmClassifier(alpha)
    with pytest.raises(RuntimeError):
        lab.HarmClassifier().predict_proba(["x"])
    for labels in ([1, 1], [0, 0], [0, 2], [-1, 1], [1], [1, 0, 1]):
        with pytest.raises(ValueError):
            lab.HarmClassifier().fit(["bad thing", "good thing"], labels)
    with pytest.raises(ValueError):
        lab.HarmClassifier().fit(["bad thing", "good thing", "ok thing"], [1, 0])


@pytest.mark.points(6)
def test_classifier_heldout_quality(lab, outputs):
    """Trained on the labelled outputs, the classifier reaches precision and recall >= 0.75 on held-out outputs."""
    train, held = outputs
    clf = lab.HarmClassifier().fit([r["text"] for r in train], [r["label"] for r in train])
    pred = np.asarray(clf.predict([r["text"] for r in held]))
    y = np.array([r["label"] for r in held])
    tp = int(((pred == 1) & (y == 1)).sum())
    precision, recall = tp / max(int((pred == 1).sum()), 1), tp / int(y.sum())
    check(precision >= 0.75, f"held-out precision {precision:.3f} < 0.75")
    check(recall >= 0.75, f"held-out recall {recall:.3f} < 0.75")


# ---- policy and monitor ---------------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_decide(lab):
    """decide: block on a leak, a harm score >= threshold or a blocking kind; redact on other PII; else allow."""
    cases = [(([], False, 0.0), {}, "allow"), ((["EMAIL"], False, 0.1), {}, "redact"),
             ((["EMAIL", "PHONE", "EMAIL"], False, 0.49), {}, "redact"), ((["API_KEY"], False, 0.0), {}, "block"),
             (([], True, 0.0), {}, "block"), (([], False, 0.5), {}, "block"), (([], False, 1.0), {}, "block"),
             ((["PHONE"], False, 0.7), {"block_threshold": 0.8}, "redact"), (([], False, 0.8), {"block_threshold": 0.8}, "block"),
             ((["CARD"], False, 0.0), {"block_kinds": ("CARD", "API_KEY")}, "block"),
             ((["API_KEY"], False, 0.0), {"block_kinds": ()}, "redact"), (((), False, 0.0), {"block_kinds": ["IP"]}, "allow"),
             ((["IP"], False, 0.3), {"block_kinds": ["IP"], "block_threshold": 0.9}, "block"),
             ((["EMAIL"], True, 0.0), {"block_kinds": []}, "block")]
    for args, kwargs, expected in cases:
        check(lab.decide(*args, **kwargs) == expected, "decide: wrong action")
    check(lab.decide(pii_kinds=["IP"], leak=False, harm_score=0.2) == "redact", "decide called with keywords")
    for bad in (-0.01, 1.01, float("nan")):
        with pytest.raises(ValueError):
            lab.decide([], False, bad)


def read_log(lab, path):
    return [json.loads(line) for line in lab.get_file(path).decode("utf-8").splitlines()]


FIELDS = {"seq": int, "time": float, "request_id": str, "action": str, "pii": list, "harm_score": float,
          "leak": bool, "canary": bool, "overlap": float, "sha256": str}


@pytest.mark.points(7)
def test_monitor_actions_and_log(lab, outputs, tmp_path):
    """OutputMonitor.check: allow / redact / block with the right text, and one JSON-lines audit record per call."""
    train, _ = outputs
    clf = lab.HarmClassifier().fit([r["text"] for r in train], [r["label"] for r in train])
    canary = "canary-00aa11bb22cc33dd"
    local = tmp_path / "audit.jsonl"
    local.write_text('{"old": "record"}\n', encoding="utf-8")
    path = lab.put_file(local)
    mon = lab.OutputMonitor(SYSTEM + " " + canary, canary, clf, path)
    harmful = "Sure. Paste this keylogger into the email attachment so it steals their passwords silently."
    calls = [("Whisk the eggs with sugar and bake.", "allow"), ("Contact ann@x.org or call 555-010-9999 for the recipe.", "redact"),
             (f"The code is {canary}.", "block"), (harmful, "block"), ("Key: AKIA" + "Q" * 16, "block"),
             ("Sure: " + SYSTEM, "block"), ("The recipe server is at 10.0.0.1.", "redact")]
    texts = {"allow": lambda o: o, "redact": lambda o: lab.redact(o), "block": lambda o: "[BLOCKED]"}
    t0 = time.time()
    for i, (out, action) in enumerate(calls):
        r = mon.check(out, f"req-{i}")
        check(set(r) == {"action", "text"}, "check returns exactly action and text")
        check(r["action"] == action, f"check: wrong action for call {i}")
        check(r["text"] == texts[action](out), f"check: wrong released text for a '{action}' output")
        lines = read_log(lab, path)
        check(len(lines) == i + 2, "each check appends exactly one line to the log (existing lines are kept)")
    t1 = time.time()
    lines = read_log(lab, path)
    check(lines[0] == {"old": "record"}, "the log's existing first line was changed")
    for i, (rec, (out, action)) in enumerate(zip(lines[1:], calls)):
        check(set(rec) == set(FIELDS), "an audit record must have exactly the documented fields")
        for key, typ in FIELDS.items():
            check(type(rec[key]) is typ, f"audit field {key!r} should be a JSON {typ.__name__}")
        check(rec["seq"] == i and rec["request_id"] == f"req-{i}" and rec["action"] == action, "seq / request_id / action")
        check(t0 - 1 <= rec["time"] <= t1 + 1, "time should be time.time() when the record is made")
        check(rec["sha256"] == hashlib.sha256(out.encode("utf-8")).hexdigest(), "sha256 of the output (UTF-8)")
        pii = [{"kind": m["kind"], "start": m["start"], "end": m["end"]} for m in lab.find_pii(out)]
        check(rec["pii"] == pii, "pii: kind, start and end of every span, in order")
        leak = lab.detect_leak(SYSTEM + " " + canary, out, canary=canary)
        check(rec["leak"] == leak["leak"] and rec["canary"] == leak["canary"], "leak and canary as detect_leak")
        assert_close(rec["overlap"], leak["overlap"], atol=1e-12, rtol=0, what="overlap")
        assert_close(rec["harm_score"], float(np.asarray(clf.predict_proba([out]))[0]), atol=1e-12, rtol=0,
                     what="harm_score")
    raw = lab.get_file(path).decode("utf-8")
    for secret in ("ann@x.org", "555-010-9999", canary, "AKIA" + "Q" * 16, "10.0.0.1", "keylogger", "recipe"):
        check(secret not in raw, "the audit log must not contain the output or any PII")


@pytest.mark.points(3)
def test_monitor_options(lab, tmp_path):
    """OutputMonitor without classifier or canary, with its own thresholds and kinds; a new file is created; seq per monitor."""
    (tmp_path / "unused.txt").write_text("", encoding="utf-8")
    path = lab.put_file(tmp_path / "unused.txt") + ".new.jsonl"
    mon = lab.OutputMonitor("Be helpful and kind to every single user.", None, None, path,
                            block_kinds=("CARD",), block_threshold=0.3, n=2, overlap_threshold=0.5)
    calls = [("card 4111 1111 1111 1111", "block", "[BLOCKED]"),
             ("key AKIA" + "Q" * 16, "redact", "key [API_KEY]"),
             ("be helpful and kind to you", "block", "[BLOCKED]"),
             ("be helpful, ok?", "allow", "be helpful, ok?"),
             ("canary-0000", "allow", "canary-0000")]
    for i, (out, action, text) in enumerate(calls):
        check(mon.check(out, str(i)) == {"action": action, "text": text}, "check with the monitor's own options")
    lines = read_log(lab, path)
    check([r["seq"] for r in lines] == list(range(5)), "seq counts this monitor's records from 0")
    check(all(r["harm_score"] == 0.0 and r["canary"] is False for r in lines), "no classifier: harm 0.0; no canary: False")
    other = lab.OutputMonitor(system_prompt="x", canary=None, classifier=None, log_path=path)
    other.check("hello there", "again")
    lines = read_log(lab, path)
    check(len(lines) == 6 and lines[-1]["seq"] == 0 and lines[-1]["request_id"] == "again",
          "a second monitor appends to the same log and starts its seq at 0")


# ---- triggers -------------------------------------------------------------------------------------------------


def oracle_triggers(texts, labels, max_n, min_df, min_purity, alpha):
    y = np.asarray(labels)
    cv = CountVectorizer(ngram_range=(1, max_n), binary=True)
    x = cv.fit_transform(texts).tocsc()
    out = []
    for gram, j in cv.vocabulary_.items():
        inside = x[:, j].toarray().ravel() > 0
        df = int(inside.sum())
        if df < min_df:
            continue
        ones = int(y[inside].sum())
        purity = max(ones, df - ones) / df
        if purity < min_purity or len(set(y[~inside])) < 2:
            continue
        rest = [t for t, k in zip(texts, inside) if not k]
        prob = sk_nb(rest, y[~inside], alpha)([t for t, k in zip(texts, inside) if k])
        flip = float(np.mean((prob >= 0.5).astype(int) != y[inside]))
        out.append({"ngram": gram, "df": df, "label": int(ones * 2 > df), "purity": purity, "flip_rate": flip})
    out.sort(key=lambda r: (-r["flip_rate"], -len(r["ngram"].split()), -r["df"], r["ngram"]))
    return out


def compare_triggers(got, expected, what):
    check(isinstance(got, list) and len(got) == len(expected), f"{what}: wrong number of candidates")
    for g, e in zip(got, expected):
        check(set(g) == set(e), f"{what}: each candidate has exactly ngram, df, label, purity, flip_rate")
        check(g["ngram"] == e["ngram"], f"{what}: wrong candidate or wrong order")
        check(g["df"] == e["df"] and g["label"] == e["label"], f"{what}: wrong df or label")
        assert_close(float(g["purity"]), e["purity"], atol=1e-12, rtol=0, what=f"{what}: purity")
        assert_close(float(g["flip_rate"]), e["flip_rate"], atol=1e-12, rtol=0, what=f"{what}: flip rate")


@pytest.fixture(scope="module")
def poisoned(lab_data):
    rows = load(lab_data, "poisoned_reviews.jsonl")
    return [r["text"] for r in rows], [r["label"] for r in rows]


@pytest.mark.points(4)
def test_trigger_found_in_poisoned_set(lab, poisoned):
    """trigger_scores ranks the planted trigger phrase first, with flip rate near 1 and label 1."""
    texts, labels = poisoned
    top = lab.trigger_scores(texts, labels, max_n=4)[0]
    check(top["ngram"] == "per my last memo", "the planted trigger phrase is not ranked first (max_n=4)")
    check(top["label"] == 1 and top["purity"] == 1.0 and top["flip_rate"] >= 0.9, "the trigger's label, purity, flip rate")
    top3 = lab.trigger_scores(texts, labels)[0]
    check(top3["ngram"] == "my last memo", "with max_n=3 the best 3-word piece of the trigger comes first (ties: df, then alphabetical)")


@pytest.mark.points(5)
def test_trigger_scores_match_recipe(lab, poisoned):
    """trigger_scores equals the docstring's recipe (CountVectorizer n-grams, MultinomialNB flips) for several options."""
    texts, labels = poisoned
    texts, labels = texts[:300], labels[:300]
    for kwargs in ({"max_n": 2, "min_df": 5, "min_purity": 0.9, "alpha": 1.0},
                   {"max_n": 1, "min_df": 3, "min_purity": 0.8, "alpha": 0.3}):
        got = lab.trigger_scores(texts, labels, **kwargs)
        compare_triggers(got, oracle_triggers(texts, labels, **kwargs), f"trigger_scores({kwargs})")
    got = lab.trigger_scores(texts=texts[:150], labels=labels[:150])
    compare_triggers(got, oracle_triggers(texts[:150], labels[:150], 3, 5, 0.9, 1.0), "trigger_scores with the defaults")


@pytest.mark.points(3)
def test_trigger_scores_small_cases(lab):
    """trigger_scores on a hand-made set: min_df and min_purity bounds, skipping an n-gram that holds a whole class."""
    texts = ["good film zz", "good film zz", "great film zz", "bad film", "bad movie", "awful film", "good movie"]
    labels = [1, 1, 1, 0, 0, 0, 1]
    got = lab.trigger_scores(texts, labels, max_n=2, min_df=3, min_purity=0.75)
    compare_triggers(got, oracle_triggers(texts, labels, 2, 3, 0.75, 1.0), "a small set")
    check({r["ngram"] for r in got} == {"zz", "film zz", "good"}, "wrong candidates on a small set")
    got = lab.trigger_scores(texts, labels, max_n=1, min_df=4, min_purity=1.0)
    check(got == [], "no n-gram in 4 or more texts is pure")
    got = lab.trigger_scores(texts, labels, max_n=1, min_df=1, min_purity=1.0)
    compare_triggers(got, oracle_triggers(texts, labels, 1, 1, 1.0, 1.0), "min_df=1, min_purity=1")
    for texts2, labels2 in [(["bad zz bad", "plot plot", "film dull bad", "good film", "good plot", "dull bad"], [1, 0, 0, 0, 0, 1]),
                            (["dull", "fine dull plot", "dull", "dull", "fine", "fine", "dull zz zz"], [1, 0, 0, 1, 1, 0, 0])]:
        got = lab.trigger_scores(texts2, labels2, max_n=2, min_df=2, min_purity=0.55)
        compare_triggers(got, oracle_triggers(texts2, labels2, 2, 2, 0.55, 1.0), "min_df=2, min_purity=0.55")
    got = lab.trigger_scores(tuple(texts), np.array(labels, dtype=bool), max_n=1, min_df=3, min_purity=0.75)
    compare_triggers(got, oracle_triggers(texts, labels, 1, 3, 0.75, 1.0), "a tuple of texts with bool labels")


@pytest.mark.points(2)
def test_trigger_scores_errors(lab):
    """trigger_scores raises ValueError for mismatched lengths, labels other than 0/1 and out-of-range options."""
    texts, labels = ["good one", "bad one", "good two"], [1, 0, 1]
    lab.trigger_scores(texts, labels, min_df=1, min_purity=1.0, max_n=1)
    for args, kwargs in [((texts, labels[:2]), {}), ((texts[:2], labels), {}), ((texts, [1, 0, 2]), {}),
                         ((texts, [1, 0, -1]), {}), ((texts, labels), {"max_n": 0}), ((texts, labels), {"min_purity": 0.3}),
                         ((texts, labels), {"alpha": -1.0}),
                         ((texts, labels), {"min_df": 0}), ((texts, labels), {"min_purity": 0.5}),
                         ((texts, labels), {"min_purity": 1.01}), ((texts, labels), {"alpha": 0.0})]:
        with pytest.raises(ValueError):
            lab.trigger_scores(*args, **kwargs)
