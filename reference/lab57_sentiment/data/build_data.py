"""Builds the lab 57 data: the lexicon, the public sentences and the held-out ones.

Run from the course root:

    .venv/bin/python reference/lab57_sentiment/data/build_data.py

It writes, for students, ``assignments/lab57_sentiment/data/lexicon.tsv``,
``train.jsonl`` and ``aspects.json``, and, never shipped,
``reference/lab57_sentiment/data/heldout.jsonl`` with copies of the lexicon
and the training sentences (the same content in other bytes) (the hidden tests train on the public sentences
and score the held-out ones). Each sentence line is one JSON object
``{"text": ..., "label": "positive" | "negative"}``.

Everything here was written for this course. The labels say what a reader
means, not what the lexicon rules compute: "I can't recommend it enough" is
positive, and the lexicon gets it wrong. Sentences come from hand-written
templates over three domains (a restaurant, a phone, a hotel) and from
hand-written lines; the held-out part uses other seeds, two templates the
public part lacks and its own hand-written lines.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PUBLIC = ROOT / "assignments" / "lab57_sentiment" / "data"
HIDDEN = ROOT / "reference" / "lab57_sentiment" / "data"

# word, valence (a VADER-like scale from -4 to +4)
LEXICON = {
    # positive
    "good": 1.9, "great": 3.1, "excellent": 3.2, "amazing": 2.8, "wonderful": 2.7, "fantastic": 2.9,
    "nice": 1.8, "love": 3.2, "loved": 2.9, "loves": 2.8, "like": 1.5, "liked": 1.6, "enjoy": 2.2,
    "enjoyed": 2.3, "happy": 2.7, "pleased": 2.1, "perfect": 2.9, "best": 3.2, "better": 1.9,
    "friendly": 2.2, "helpful": 1.8, "fast": 1.2, "quick": 1.1, "clean": 1.7, "fresh": 1.4, "tasty": 2.0,
    "delicious": 2.7, "comfortable": 1.9, "reliable": 1.8, "sturdy": 1.5, "bright": 1.2, "sharp": 1.0,
    "smooth": 1.3, "beautiful": 2.9, "pleasant": 2.3, "worth": 1.4, "recommend": 1.9, "impressive": 2.4,
    "solid": 1.3, "superb": 3.0, "awesome": 3.1, "affordable": 1.5, "generous": 2.2, "polite": 1.8,
    "cozy": 1.7, "responsive": 1.5, "crisp": 1.3, "easy": 1.5, "spotless": 2.1, "lovely": 2.6,
    "attentive": 1.9, "spacious": 1.6, "gorgeous": 2.9, "satisfied": 2.0, "fine": 0.8, "decent": 1.1,
    "reasonable": 1.0, "impressed": 2.2, "charming": 2.3, "glad": 2.0, "favorite": 2.4, "flawless": 2.8,
    "outstanding": 3.1, "warm": 1.0, "quiet": 0.8, "tender": 1.2, "generously": 1.8, "thanks": 1.6,
    # negative
    "bad": -2.5, "terrible": -2.9, "awful": -3.0, "horrible": -3.1, "poor": -2.1, "worst": -3.1,
    "worse": -2.1, "hate": -2.7, "hated": -3.0, "dislike": -1.6, "disliked": -1.9, "disappointed": -2.2,
    "disappointing": -2.3, "broken": -2.1, "slow": -1.3, "rude": -2.2, "dirty": -1.9, "stale": -1.6,
    "bland": -1.5, "cold": -0.8, "noisy": -1.3, "flimsy": -1.7, "unreliable": -2.0, "uncomfortable": -1.8,
    "useless": -2.4, "boring": -1.9, "overpriced": -1.9, "expensive": -1.0, "annoying": -1.9,
    "ugly": -2.3, "dim": -0.9, "blurry": -1.6, "sluggish": -1.5, "waste": -1.9, "problem": -1.6,
    "problems": -1.7, "fail": -2.2, "failed": -2.3, "fails": -2.1, "crashes": -1.8, "greasy": -1.4,
    "soggy": -1.5, "unhelpful": -1.9, "mediocre": -1.3, "weak": -1.4, "leaky": -1.5, "difficult": -1.3,
    "confusing": -1.6, "faulty": -2.0, "cramped": -1.5, "smelly": -1.8, "burnt": -1.6, "tasteless": -1.9,
    "sad": -2.1, "angry": -2.3, "regret": -2.0, "avoid": -1.8, "dead": -1.7, "lousy": -2.4, "filthy": -2.6,
    "pathetic": -2.7, "unacceptable": -2.6, "frustrating": -2.2, "sticky": -1.0, "dreadful": -2.9,
}  # fmt: skip

DOMAINS = {
    "restaurant": {
        "things": ["food", "service", "staff", "waiter", "pasta", "pizza", "dessert", "coffee", "soup",
                   "bread", "atmosphere", "menu", "portions", "steak", "table"],
        "pos": ["delicious", "tasty", "fresh", "great", "excellent", "friendly", "attentive", "lovely",
                "amazing", "good", "perfect", "superb", "generous", "cozy", "tender", "warm", "fantastic"],
        "neg": ["bland", "stale", "cold", "soggy", "greasy", "terrible", "awful", "rude", "slow", "burnt",
                "mediocre", "tasteless", "overpriced", "bad", "dirty", "horrible", "disappointing"],
        "product": ["this place", "this restaurant", "this cafe", "the bistro"],
    },
    "phone": {
        "things": ["battery", "screen", "camera", "speaker", "keyboard", "charger", "case", "software",
                   "display", "microphone", "app", "phone", "price", "design", "sound"],
        "pos": ["great", "excellent", "bright", "sharp", "crisp", "fast", "responsive", "reliable",
                "sturdy", "smooth", "impressive", "solid", "good", "amazing", "beautiful", "flawless",
                "affordable"],
        "neg": ["terrible", "blurry", "dim", "slow", "sluggish", "flimsy", "unreliable", "faulty",
                "weak", "useless", "broken", "awful", "bad", "annoying", "confusing", "poor", "overpriced"],
        "product": ["this phone", "this device", "the tablet", "this laptop"],
    },
    "hotel": {
        "things": ["room", "bed", "staff", "breakfast", "view", "location", "shower", "wifi", "pool",
                   "lobby", "reception", "bathroom", "hotel", "balcony", "carpet"],
        "pos": ["clean", "spotless", "comfortable", "spacious", "quiet", "beautiful", "gorgeous", "great",
                "friendly", "helpful", "polite", "lovely", "excellent", "pleasant", "charming", "good",
                "perfect"],
        "neg": ["dirty", "filthy", "noisy", "cramped", "uncomfortable", "smelly", "ugly", "slow", "rude",
                "unhelpful", "terrible", "awful", "leaky", "bad", "dreadful", "sticky", "poor"],
        "product": ["this hotel", "the resort", "this inn", "the hostel"],
    },
}  # fmt: skip

BOOSTERS = ["very", "really", "so", "extremely", "incredibly", "absolutely", "super", "totally", "quite"]
DAMPENERS = ["slightly", "somewhat", "fairly", "rather"]
NEG_FLIPPABLE = ["bad", "slow", "noisy", "expensive", "difficult", "terrible", "awful", "cramped", "bland"]
POS_VERBS = ["love", "loved", "liked", "enjoyed", "really liked", "really enjoyed"]
NEG_VERBS = ["hated", "disliked", "regret buying", "hate"]
POS_BASE_VERBS = ["like", "enjoy", "love"]


def sentence(rng: random.Random, templates: list[str]) -> tuple[str, str]:
    domain = DOMAINS[rng.choice(sorted(DOMAINS))]
    a, b = rng.sample(domain["things"], 2)
    be = "are" if a.endswith("s") and a not in ("glass",) else rng.choice(["is", "was"])
    be2 = "are" if b.endswith("s") else rng.choice(["is", "was"])
    positive = rng.random() < 0.5
    good, bad = rng.choice(domain["pos"]), rng.choice(domain["neg"])
    adj, other = (good, bad) if positive else (bad, good)
    label = "positive" if positive else "negative"
    product = rng.choice(domain["product"])
    t = rng.choice(templates)
    if t == "plain":
        return f"The {a} {be} {adj}.", label
    if t == "boost":
        return f"The {a} {be} {rng.choice(BOOSTERS)} {adj}.", label
    if t == "damp":
        return f"The {a} {be} {rng.choice(DAMPENERS)} {adj}.", label
    if t == "two":
        adj2 = rng.choice(domain["pos"] if positive else domain["neg"])
        return f"The {a} {be} {adj} and the {b} {be2} {adj2}.", label
    if t == "but":
        return f"The {a} {be} {other}, but the {b} {be2} {adj}.", label
    if t == "but2":
        return f"The {a} {be} {other} but the {b} {be2} {rng.choice(BOOSTERS)} {adj}.", label
    if t == "not":
        if positive:
            return f"The {a} {be} not {rng.choice(domain['pos'])}.", "negative"
        return f"The {a} {be} not {rng.choice(NEG_FLIPPABLE)} at all.", "positive"
    if t == "nt":
        neg = rng.choice(["isn't", "wasn't"]) if be != "are" else rng.choice(["aren't", "weren't"])
        return f"The {a} {neg} {rng.choice(['very', 'really', 'that'])} {good}.", "negative"
    if t == "verb":
        verb = rng.choice(POS_VERBS if positive else NEG_VERBS)
        return f"I {verb} the {a}.", label
    if t == "didnt":
        return f"I didn't {rng.choice(POS_BASE_VERBS)} the {a} at all.", "negative"
    if t == "caps":
        return f"The {a} {be} {adj.upper()}!", label
    if t == "exclaim":
        return f"{rng.choice(['Wow', 'Honestly', 'Seriously', 'Oh'])}, {adj} {a}{'!' * rng.randint(1, 3)}", label
    if t == "what":
        return f"What a {adj} {a}.", label
    if t == "recommend":
        if positive:
            return f"I would recommend {product} to anyone.", "positive"
        return f"I would not recommend {product}.", "negative"
    if t == "although":  # held-out only
        return f"Although the {a} {be} {other}, the {b} {be2} {adj}.", label
    if t == "never":  # held-out only
        if positive:
            return f"The {a} never {rng.choice(['fails', 'disappoints'])}, {rng.choice(domain['pos'])} every time.", "positive"
        return f"The {a} is never {good}, and the {b} {be2} {bad} too.", "negative"
    raise AssertionError(t)


PUBLIC_TEMPLATES = ["plain", "plain", "boost", "boost", "damp", "two", "but", "but2", "not", "not", "nt",
                    "verb", "didnt", "caps", "exclaim", "what", "recommend"]  # fmt: skip
HELDOUT_TEMPLATES = PUBLIC_TEMPLATES + ["although", "never"]

PUBLIC_LINES = [
    ("Best pizza in town, hands down.", "positive"),
    ("Never again.", "negative"),
    ("The staff went out of their way to help us.", "positive"),
    ("It stopped working after two days.", "negative"),
    ("Not worth the money.", "negative"),
    ("Worth every penny!", "positive"),
    ("I can't say I enjoyed it.", "negative"),
    ("Nothing to complain about, everything was perfect.", "positive"),
    ("The battery dies before lunch.", "negative"),
    ("Five stars, would stay again.", "positive"),
    ("I waited an hour for a cold soup.", "negative"),
    ("Thanks to the friendly staff we had a lovely evening.", "positive"),
    ("The screen cracked the first week, what a waste.", "negative"),
    ("Honestly the best phone I have owned.", "positive"),
    ("Dont waste your money on this.", "negative"),
    ("The room was tiny and the walls were thin.", "negative"),
    ("I am so glad we booked this hotel!", "positive"),
    ("The camera is not great, not terrible.", "negative"),
    ("Hard to find a better deal.", "positive"),
    ("Returned it the next day.", "negative"),
    ("The dessert alone is worth the trip.", "positive"),
    ("The food was fine but the service was painfully slow.", "negative"),
    ("I expected more, to be honest.", "negative"),
    ("A charming little place with superb coffee.", "positive"),
    ("The app crashes every time I open it.", "negative"),
    ("No problems at all so far.", "positive"),
    ("It does the job and the price is reasonable.", "positive"),
    ("Would not stay here again.", "negative"),
    ("The view from the balcony was gorgeous.", "positive"),
    ("They lost our booking and nobody apologised.", "negative"),
]

HELDOUT_LINES = [
    ("Easily the best meal we had on the trip.", "positive"),
    ("Never buying from them again.", "negative"),
    ("The receptionist could not have been more helpful.", "positive"),
    ("Died within a month.", "negative"),
    ("Not worth the hype.", "negative"),
    ("Money well spent!", "positive"),
    ("I really wanted to like it, but it is just bad.", "negative"),
    ("Nothing bad to say about this phone.", "positive"),
    ("The charger stopped working after a week.", "negative"),
    ("We will definitely be back.", "positive"),
    ("My steak arrived cold and burnt.", "negative"),
    ("Thanks for a wonderful stay.", "positive"),
    ("The speaker crackles and the screen flickers, useless.", "negative"),
    ("Honestly impressed by the camera.", "positive"),
    ("Don't bother with the breakfast.", "negative"),
    ("The bed was hard and the pillows were flat.", "negative"),
    ("So happy with this purchase!", "positive"),
    ("The sound is not good, not awful.", "negative"),
    ("You will not find a friendlier crew.", "positive"),
    ("Sent it back after one day.", "negative"),
    ("The location alone makes it worth it.", "positive"),
    ("The pasta was decent but the waiter was incredibly rude.", "negative"),
    ("I hoped for more.", "negative"),
    ("A cozy hotel with lovely, attentive staff.", "positive"),
    ("The keyboard keeps freezing, so frustrating.", "negative"),
    ("No complaints whatsoever.", "positive"),
    ("Fair price and it works as described.", "positive"),
    ("I would never eat here again.", "negative"),
    ("The pool and the garden were beautiful.", "positive"),
    ("They overcharged us and nobody cared.", "negative"),
]

ASPECTS = {
    "food": "food", "pasta": "food", "pizza": "food", "dessert": "food", "soup": "food", "steak": "food",
    "bread": "food", "coffee": "drinks", "wine": "drinks", "service": "service", "staff": "service",
    "waiter": "service", "waitress": "service", "reception": "service", "atmosphere": "ambience",
    "music": "ambience", "decor": "ambience", "price": "price", "prices": "price", "bill": "price",
    "battery": "battery", "charger": "battery", "screen": "display", "display": "display",
    "camera": "camera", "lens": "camera", "speaker": "sound", "sound": "sound", "room": "room",
    "bed": "room", "bathroom": "room", "shower": "room", "location": "location", "view": "location",
    "wifi": "connectivity", "signal": "connectivity",
}  # fmt: skip


def generate(seed: int, n: int, templates: list[str], lines: list[tuple[str, str]]) -> list[dict]:
    rng = random.Random(seed)
    rows, seen = [], set()
    while len(rows) < n:
        text, label = sentence(rng, templates)
        if text not in seen:
            seen.add(text)
            rows.append({"text": text, "label": label})
    rows += [{"text": t, "label": lab} for t, lab in lines]
    rng.shuffle(rows)
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def main() -> None:
    PUBLIC.mkdir(parents=True, exist_ok=True)
    HIDDEN.mkdir(parents=True, exist_ok=True)
    lexicon = "# word<TAB>valence: a sentiment lexicon written for lab 57 (scale -4 .. +4)\n" + "".join(
        f"{w}\t{v}\n" for w, v in sorted(LEXICON.items())
    )
    train = generate(57, 460, PUBLIC_TEMPLATES, PUBLIC_LINES)
    public_text = {r["text"] for r in train}
    heldout = [r for r in generate(5757, 300, HELDOUT_TEMPLATES, HELDOUT_LINES) if r["text"] not in public_text]
    (PUBLIC / "lexicon.tsv").write_text(lexicon, encoding="utf-8")
    write_jsonl(PUBLIC / "train.jsonl", train)
    # the hidden copies differ in bytes from the public files (a header line, the keys' order): the bundle
    # check refuses a published file with the bytes of a reference file
    (HIDDEN / "lexicon.tsv").write_text("# the hidden tests' copy of assignments/lab57_sentiment/data/lexicon.tsv\n"
                                        + lexicon, encoding="utf-8")  # fmt: skip
    write_jsonl(HIDDEN / "train.jsonl", [{"label": r["label"], "text": r["text"]} for r in train])
    (PUBLIC / "aspects.json").write_text(json.dumps(ASPECTS, indent=1) + "\n", encoding="utf-8")
    write_jsonl(HIDDEN / "heldout.jsonl", heldout)
    print(f"train {len(train)}, held-out {len(heldout)}, lexicon {len(LEXICON)} words")


if __name__ == "__main__":
    main()
