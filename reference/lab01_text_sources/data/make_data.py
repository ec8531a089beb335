"""Writes the fixtures of lab 01 (run from the repository root; the output is committed).

    python reference/lab01_text_sources/data/make_data.py

- ``gutenberg/``: small Project Gutenberg books, one per marker variant, plus
  the expected body of each (``<name>.body.txt``) and two malformed files;
- ``wiki/small.xml`` and ``wiki/small.xml.bz2``: a small MediaWiki export with
  articles, a redirect, talk/user/category pages and wikitext markup;
- ``twitter/``: Twitter API v2 recent-search response pages;
- and the public tests' own (different) fixtures under
  ``assignments/lab01_text_sources/tests/data/``.

All texts are invented for this course. Bodies are written once and wrapped
in each header/footer style, so the expected body is known by construction.
"""

from __future__ import annotations

import bz2
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
PUBLIC = HERE.parents[2] / "assignments" / "lab01_text_sources" / "tests" / "data"

MODERN_LICENSE = """\
***** This file should be named {num}-0.txt or {num}-0.zip *****
This and all associated files of various formats will be found in:
        http://www.gutenberg.org/{path}/{num}/

Updated editions will replace the previous one--the old editions
will be renamed.

Creating the works from public domain print editions means that no
one owns a United States copyright in these works, so the Foundation
(and you!) can copy and distribute it in the United States without
permission and without paying copyright royalties.

*** START: FULL LICENSE ***

THE FULL PROJECT GUTENBERG LICENSE
PLEASE READ THIS BEFORE YOU DISTRIBUTE OR USE THIS WORK

To protect the Project Gutenberg-tm mission of promoting the free
distribution of electronic works, by using or distributing this work
(or any other work associated in any way with the phrase "Project
Gutenberg"), you agree to comply with all the terms of the Full Project
Gutenberg-tm License (available with this file or online at
http://gutenberg.org/license).

Section 1.  General Terms of Use and Redistributing Project Gutenberg-tm
electronic works

1.A.  By reading or using any part of this Project Gutenberg-tm
electronic work, you indicate that you have read, understand, agree to
and accept all the terms of this license and intellectual property
(trademark/copyright) agreement.

*** END: FULL LICENSE ***
"""

NEW_LICENSE = """\
Updated editions will replace the previous one—the old editions will
be renamed.

Creating the works from print editions not protected by U.S. copyright
law means that no one owns a United States copyright in these works,
so the Foundation (and you!) can copy and distribute it in the United
States without permission and without paying copyright royalties.

START: FULL LICENSE

THE FULL PROJECT GUTENBERG LICENSE

PLEASE READ THIS BEFORE YOU DISTRIBUTE OR USE THIS WORK

Section 1. General Terms of Use and Redistributing Project Gutenberg™
electronic works
"""

LIGHTHOUSE = """\
Produced by A. Volunteer and the Online Distributed
Proofreading Team at http://www.pgdp.net




THE LIGHTHOUSE KEEPER

A STORY OF THE NORTHERN COAST


CHAPTER I

THE NEW LAMP

The lamp arrived on a grey morning in March, packed in straw and
lashed to the deck of the supply boat like a sleeping animal. Tomas
Ring watched it come up the cliff path on the backs of four men and
thought that it was the most beautiful thing he had ever seen.

"It burns paraffin," said the inspector, "and it will be seen
twenty miles out. Twenty-two on a clear night."

Tomas said nothing. He was already thinking of the brass.

      *       *       *       *       *

CHAPTER II

THE WINTER STORM

By December the lamp had become a member of the household. His
daughter Ada polished the lens on Sundays; his wife complained that
he spoke to it more kindly than to the cow. When the great storm came
on the night of the twelfth, it was the lamp that kept them all awake,
turning and turning while the sea threw stones at the windows.

THE END"""

BLUE_DOOR = """\
THE BLUE DOOR

by Thomas Whitcombe


I.

Nobody on Pell Street could remember who had painted the door blue.
It stood at the end of the row, between the baker's and the empty
shop that had once sold umbrellas, and in every season it looked as
if it had been painted that morning.

Mrs. Hallam said it was the damp. Mr. Okafor said it was the council.
The children said it was a witch, which was the only explanation that
anybody actually enjoyed.


II.

Title: this line is part of the story, not of the header.

On the first of May the door was open. Inside there was a staircase,
and at the top of the staircase a room full of clocks, all of them
stopped at twenty past four."""

MILL_TOWN = """\
LETTERS FROM A MILL TOWN

FIRST LETTER

Dear Margaret,--You asked me to tell you everything, and so I shall,
though "everything" in this town amounts to three chimneys, one
river, and a great deal of noise. The looms begin at six. By seven
one has stopped hearing them, and by noon one hears nothing else.

SECOND LETTER

Dear Margaret,--The river froze last night for the first time in
eleven years. The mill stood silent all morning and the whole town
went out on the ice as if it were a holiday, which I suppose it was.

Your affectionate sister,
LOUISA."""

ORCHARD_WALL = """\
THE ORCHARD WALL

by Henry Lisle


The wall had been built to keep the orchard in, or so old Pruett
said, because the apples of that valley were known to wander. Nobody
laughed at this in his hearing. He had lived beside the wall for
sixty years and had the right to say what it was for.

In the autumn the boys from the village came over it anyway, and
Pruett let them, and counted the apples afterwards, and wrote the
number in a little book that nobody was ever allowed to read."""

QUIET_HARBOUR = """\
THE QUIET HARBOUR

CHAPTER ONE

In the harbour of St. Aubin the boats lay so still at evening that
the gulls walked on the water between them. Captain Mere said it was
the only harbour in the world where a man could hear his own watch.

CHAPTER TWO

The stranger came on the Tuesday packet. He carried one bag and a
birdcage with no bird in it, and he asked for a room facing the sea."""

JARDINS = """\
LES JARDINS D'ÉTÉ

I

L'été était venu de bonne heure cette année-là. Dès le mois de mai,
les roses du jardin de Mme Bérard s'ouvraient avant le lever du
soleil, et les abeilles faisaient déjà leur tournée à l'aube.

II

« Il faudra arroser ce soir », dit-elle à sa nièce. Élise répondit
qu'elle le ferait, et oublia, comme tous les soirs."""

# Public tests' book: a different text in the modern style.
FERRY = """\
THE LAST FERRY

The last ferry left at eleven, and on most nights nobody was on it
but the pilot and his dog. On the night of the fair there were
forty passengers, a brass band and a goat.

The pilot counted them twice and said nothing."""


def modern_this(
    num: int, title: str, subtitle: str | None, author: str, language: str, body: str, date: str, charset: str = "UTF-8"
) -> str:
    title_lines = f"Title: {title}" + (f"\n       {subtitle}" if subtitle else "")
    upper = title.upper()
    return f"""\
The Project Gutenberg EBook of {title}, by {author}

This eBook is for the use of anyone anywhere at no cost and with
almost no restrictions whatsoever.  You may copy it, give it away or
re-use it under the terms of the Project Gutenberg License included
with this eBook or online at www.gutenberg.org


{title_lines}

Author: {author}

Release Date: {date} [EBook #{num}]

Language: {language}

Character set encoding: {charset}

*** START OF THIS PROJECT GUTENBERG EBOOK {upper} ***




{body}





End of the Project Gutenberg EBook of {title}, by {author}

*** END OF THIS PROJECT GUTENBERG EBOOK {upper} ***

{MODERN_LICENSE.format(num=num, path="/".join(str(num)[:-1]))}"""


def modern_the(num: int, title: str, author: str, body: str) -> str:
    upper = title.upper()
    return f"""\
The Project Gutenberg eBook of {title}, by {author}

This ebook is for the use of anyone anywhere in the United States and
most other parts of the world at no cost and with almost no restrictions
whatsoever. You may copy it, give it away or re-use it under the terms
of the Project Gutenberg License included with this ebook or online at
www.gutenberg.org. If you are not located in the United States, you
will have to check the laws of the country where you are located before
using this eBook.

Title: {title}

Author: {author}

Release Date: June 12, 2021 [eBook #{num}]

Language: English

Produced by: Anne Example and the Online Distributed Proofreading Team


*** START OF THE PROJECT GUTENBERG EBOOK {upper} ***

{body}

*** END OF THE PROJECT GUTENBERG EBOOK {upper} ***

{NEW_LICENSE}"""


def no_space(num: int, body: str) -> str:
    return f"""\
The Project Gutenberg EBook of Letters from a Mill Town, by Various

This eBook is for the use of anyone anywhere at no cost and with
almost no restrictions whatsoever.  You may copy it, give it away or
re-use it under the terms of the Project Gutenberg License included
with this eBook or online at www.gutenberg.org

Title: Letters from a Mill Town

Author: Various

Posting Date: August 4, 2008 [EBook #{num}]
Release Date: May, 2005

Language: English


***START OF THE PROJECT GUTENBERG EBOOK
{body}
***END OF THE PROJECT GUTENBERG EBOOK

{MODERN_LICENSE.format(num=num, path="/".join(str(num)[:-1]))}"""


def small_print(body: str) -> str:
    return f"""\
The Project Gutenberg Etext of The Orchard Wall, by Henry Lisle

Copyright laws are changing all over the world, be sure to check
the copyright laws for your country before posting these files!!

Please take a look at the important information in this header.
We encourage you to keep this file on your own disk, keeping an
electronic path open for the next readers.  Do not remove this.


**Welcome To The World of Free Plain Vanilla Electronic Texts**

**Etexts Readable By Both Humans and By Computers, Since 1971**

*These Etexts Prepared By Hundreds of Volunteers and Donations*

Information on contacting Project Gutenberg to get Etexts, and
further information is included below.  We need your donations.


The Orchard Wall

by Henry Lisle

November, 1995  [Etext #1004]


The Project Gutenberg Etext of The Orchard Wall, by Henry Lisle
*****This file should be named orwal10.txt or orwal10.zip******

Corrected EDITIONS of our etexts get a new NUMBER, orwal11.txt
VERSIONS based on separate sources get new LETTER, orwal10a.txt


**The Legal Small Print**


(Three Pages)

***START**THE SMALL PRINT!**FOR PUBLIC DOMAIN ETEXTS**START***
Why is this "Small Print!" statement here?  You know: lawyers.
They tell us you might sue us if there is something wrong with
your copy of this etext, even if you got it for free from
someone other than us, and even if what's wrong is not our
fault.  So, among other things, this "Small Print!" statement
disclaims most of our liability to you.

*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*





{body}




End of The Project Gutenberg Etext of The Orchard Wall
"""


def mixed_case(num: int, body: str) -> str:
    return f"""\
The Project Gutenberg eBook of The Quiet Harbour, by Clara Venn

This eBook is for the use of anyone anywhere at no cost and with
almost no restrictions whatsoever.

title: The Quiet Harbour
AUTHOR: Clara Venn
Language:English

Release Date: January 9, 2012 [eBook #{num}]

*** Start of this Project Gutenberg eBook The Quiet Harbour ***

{body}

*** End of this Project Gutenberg eBook The Quiet Harbour ***

{MODERN_LICENSE.format(num=num, path="/".join(str(num)[:-1]))}"""


NO_MARKERS = """\
The Quiet Harbour, by Clara Venn

Title: The Quiet Harbour
Author: Clara Venn

In the harbour of St. Aubin the boats lay so still at evening that
the gulls walked on the water between them.
"""

TRUNCATED = modern_this(
    1008, "The Lighthouse Keeper", None, "Margaret Ellery", "English", LIGHTHOUSE, "March 3, 2009"
).split("End of the Project Gutenberg")[0]


def write_gutenberg() -> None:
    folder = HERE / "gutenberg"
    folder.mkdir(exist_ok=True)
    books = {
        # name: (text, body, encoding, newline)
        "pg1001": (
            modern_this(1001, "The Lighthouse Keeper", "A Story of the Northern Coast", "Margaret Ellery", "English", LIGHTHOUSE, "March 3, 2009"),
            LIGHTHOUSE,
            "utf-8-sig",
            "\r\n",
        ),
        "pg1002": (modern_the(1002, "The Blue Door", "Thomas Whitcombe", BLUE_DOOR), BLUE_DOOR, "utf-8", "\n"),
        "pg1003": (no_space(1003, MILL_TOWN), MILL_TOWN, "utf-8", "\n"),
        "orwal10": (small_print(ORCHARD_WALL), ORCHARD_WALL, "ascii", "\r\n"),
        "pg1005": (mixed_case(1005, QUIET_HARBOUR), QUIET_HARBOUR, "utf-8", "\n"),
        "pg1006": (
            modern_this(1006, "Les Jardins d'Été", None, "Lucie Marchand", "French", JARDINS, "July 14, 2010", "ISO-8859-1"),
            JARDINS,
            "latin-1",
            "\n",
        ),
    }
    for name, (text, body, encoding, newline) in books.items():
        (folder / f"{name}.txt").write_bytes(text.replace("\n", newline).encode(encoding))
        (folder / f"{name}.body.txt").write_text(body.strip() + "\n", encoding="utf-8")
    (folder / "no_markers.txt").write_text(NO_MARKERS, encoding="utf-8")
    (folder / "truncated.txt").write_text(TRUNCATED, encoding="utf-8")
    PUBLIC.mkdir(parents=True, exist_ok=True)
    (PUBLIC / "pg2001.txt").write_text(
        modern_this(2001, "The Last Ferry", None, "Owen Tarrant", "English", FERRY, "May 1, 2011"), encoding="utf-8"
    )


# ---- MediaWiki -----------------------------------------------------------------------------------------

SMALL_DUMP = """\
<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.mediawiki.org/xml/export-0.10/ http://www.mediawiki.org/xml/export-0.10.xsd" version="0.10" xml:lang="en">
  <siteinfo>
    <sitename>Wikipedia</sitename>
    <dbname>enwiki</dbname>
    <base>https://en.wikipedia.org/wiki/Main_Page</base>
    <generator>MediaWiki 1.41.0-wmf.4</generator>
    <case>first-letter</case>
    <namespaces>
      <namespace key="-1" case="first-letter">Special</namespace>
      <namespace key="0" case="first-letter" />
      <namespace key="1" case="first-letter">Talk</namespace>
      <namespace key="2" case="first-letter">User</namespace>
      <namespace key="14" case="first-letter">Category</namespace>
    </namespaces>
  </siteinfo>
  <page>
    <title>AccessibleComputing</title>
    <ns>0</ns>
    <id>10</id>
    <redirect title="Computer accessibility" />
    <revision>
      <id>1002250816</id>
      <parentid>854851586</parentid>
      <timestamp>2021-01-23T15:15:01Z</timestamp>
      <contributor>
        <username>Elli</username>
        <id>20842734</id>
      </contributor>
      <minor />
      <comment>shel</comment>
      <model>wikitext</model>
      <format>text/x-wiki</format>
      <text bytes="111" xml:space="preserve">#REDIRECT [[Computer accessibility]]

{{rcat shell|
{{R from move}}
{{R from CamelCase}}
{{R unprintworthy}}
}}</text>
      <sha1>kmysdltgexdwkv2xsml3j44jb56dxvn</sha1>
    </revision>
  </page>
  <page>
    <title>Anarchy Island</title>
    <ns>0</ns>
    <id>12</id>
    <revision>
      <id>1174543210</id>
      <parentid>1174543001</parentid>
      <timestamp>2023-09-01T08:30:00Z</timestamp>
      <contributor>
        <username>Islander</username>
        <id>4411</id>
      </contributor>
      <comment>expand history</comment>
      <model>wikitext</model>
      <format>text/x-wiki</format>
      <text bytes="1172" xml:space="preserve">{{Short description|Small island in the North Sea}}
{{Infobox island
| name = Anarchy Island
| image = Anarchy island.jpg
| area_km2 = {{convert|3.2|km2|sqmi|abbr=on}}
| population = 42&lt;ref name="census"&gt;{{cite web |title=Census 2020 |url=http://example.org}}&lt;/ref&gt;
}}
'''Anarchy Island''' is a small [[island]] in the [[North Sea]], off the coast of [[Scotland|Scottish]] mainland.&lt;ref name="census" /&gt; It has no government and ''no'' harbour master.&lt;ref&gt;Smith, J. (1999). ''Islands''. p. 12.&lt;/ref&gt;

[[File:Anarchy island.jpg|thumb|left|The island seen from the [[ferry]] in [[summer]]]]

== History ==
The island was first settled by [[Monk|monks]] in the 9th century.&lt;!-- dates disputed --&gt; It was abandoned in 1850 and resettled in 1972.{{citation needed|date=May 2021}}

=== Population ===
{| class="wikitable"
|-
! Year !! Inhabitants
|-
| 1972 || 12
|-
| 2020 || 42
|}
The population has grown slowly.&lt;br/&gt; Most inhabitants keep '''sheep'''.

== See also ==
* [[List of islands of Scotland]]
* [[Bell Rock]]

{{Authority control}}
[[Category:Islands of Scotland]]
[[Category:North Sea]]</text>
      <sha1>a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p</sha1>
    </revision>
  </page>
  <page>
    <title>Talk:Anarchy Island</title>
    <ns>1</ns>
    <id>13</id>
    <revision>
      <id>1174543300</id>
      <timestamp>2023-09-02T10:00:00Z</timestamp>
      <contributor>
        <username>Critic</username>
        <id>999</id>
      </contributor>
      <model>wikitext</model>
      <format>text/x-wiki</format>
      <text bytes="80" xml:space="preserve">== Population figure ==
Is the number 42 really sourced? ~~~~</text>
      <sha1>b1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p</sha1>
    </revision>
  </page>
  <page>
    <title>Bell Rock</title>
    <ns>0</ns>
    <id>25</id>
    <revision>
      <id>1150000025</id>
      <parentid>1149999999</parentid>
      <timestamp>2023-04-11T17:45:12Z</timestamp>
      <contributor>
        <ip>192.0.2.15</ip>
      </contributor>
      <model>wikitext</model>
      <format>text/x-wiki</format>
      <text bytes="402" xml:space="preserve">{{Use British English|date=March 2020}}
The '''Bell Rock''' (also '''Inchcape''') is a [[reef]] about {{convert|18|km}} off the coast of [[Angus, Scotland|Angus]]. The [[Bell Rock Lighthouse]] on it is the world's oldest surviving sea-washed lighthouse.&lt;ref&gt;{{cite book |title=Lighthouses |year=2004}}&lt;/ref&gt;

== Legend ==
The rock's name comes from a legend about a bell fixed to it by an [[abbot]]&lt;ref name=legend/&gt;.</text>
      <sha1>c1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p</sha1>
    </revision>
  </page>
  <page>
    <title>User:Islander</title>
    <ns>2</ns>
    <id>30</id>
    <revision>
      <id>1100000030</id>
      <timestamp>2022-07-30T11:11:11Z</timestamp>
      <contributor>
        <username>Islander</username>
        <id>4411</id>
      </contributor>
      <model>wikitext</model>
      <format>text/x-wiki</format>
      <text bytes="45" xml:space="preserve">I edit articles about '''islands'''.</text>
      <sha1>d1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p</sha1>
    </revision>
  </page>
  <page>
    <title>Empty stub</title>
    <ns>0</ns>
    <id>31</id>
    <revision>
      <id>1100000031</id>
      <timestamp>2022-08-01T00:00:00Z</timestamp>
      <contributor>
        <username>Islander</username>
        <id>4411</id>
      </contributor>
      <model>wikitext</model>
      <format>text/x-wiki</format>
      <text bytes="0" xml:space="preserve" />
      <sha1>phoiac9h4m842xq45sp7s6u21eteeq1</sha1>
    </revision>
  </page>
  <page>
    <title>Category:Islands of Scotland</title>
    <ns>14</ns>
    <id>40</id>
    <revision>
      <id>1100000040</id>
      <timestamp>2022-09-09T09:09:09Z</timestamp>
      <contributor>
        <username>Islander</username>
        <id>4411</id>
      </contributor>
      <model>wikitext</model>
      <format>text/x-wiki</format>
      <text bytes="60" xml:space="preserve">Islands that belong to [[Scotland]].
[[Category:Islands]]</text>
      <sha1>e1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p</sha1>
    </revision>
  </page>
  <page>
    <title>Cold Harbour</title>
    <ns>0</ns>
    <id>41</id>
    <revision>
      <id>1160000041</id>
      <parentid>1160000040</parentid>
      <timestamp>2023-06-30T23:59:59Z</timestamp>
      <contributor>
        <username>Mapper</username>
        <id>77</id>
      </contributor>
      <model>wikitext</model>
      <format>text/x-wiki</format>
      <text bytes="364" xml:space="preserve">'''Cold Harbour''' may refer to:

== Places ==
* Cold Harbour, a hamlet in [[Kent]]
* Cold Harbour, a street in [[London]]&lt;ref group="note"&gt;Spelled ''Coldharbour'' on some maps.&lt;/ref&gt;

== Other uses ==
* ''[[Cold Harbour (film)|Cold Harbour]]'', a 2013 film
{{disambiguation|{{Place name disambiguation}}}}</text>
      <sha1>f1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p</sha1>
    </revision>
  </page>
  <page>
    <title>Inchcape Rock</title>
    <ns>0</ns>
    <id>42</id>
    <redirect title="Bell Rock" />
    <revision>
      <id>1100000042</id>
      <timestamp>2020-02-02T02:02:02Z</timestamp>
      <contributor>
        <username>Mapper</username>
        <id>77</id>
      </contributor>
      <model>wikitext</model>
      <format>text/x-wiki</format>
      <text bytes="24" xml:space="preserve">#REDIRECT [[Bell Rock]]</text>
      <sha1>g1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p</sha1>
    </revision>
  </page>
</mediawiki>
"""

PUBLIC_DUMP = """\
<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10" xml:lang="en">
  <siteinfo>
    <sitename>Wikipedia</sitename>
    <namespaces>
      <namespace key="0" case="first-letter" />
      <namespace key="1" case="first-letter">Talk</namespace>
    </namespaces>
  </siteinfo>
  <page>
    <title>Ferry</title>
    <ns>0</ns>
    <id>7</id>
    <revision>
      <id>7001</id>
      <timestamp>2023-01-01T00:00:00Z</timestamp>
      <contributor>
        <username>Sailor</username>
        <id>5</id>
      </contributor>
      <model>wikitext</model>
      <format>text/x-wiki</format>
      <text bytes="118" xml:space="preserve">{{Short description|Boat}}
A '''ferry''' is a [[ship]] that carries [[passenger|people]] across water.&lt;ref&gt;Source.&lt;/ref&gt;</text>
    </revision>
  </page>
  <page>
    <title>Ferryboat</title>
    <ns>0</ns>
    <id>8</id>
    <redirect title="Ferry" />
    <revision>
      <id>7002</id>
      <timestamp>2023-01-02T00:00:00Z</timestamp>
      <contributor>
        <username>Sailor</username>
        <id>5</id>
      </contributor>
      <model>wikitext</model>
      <format>text/x-wiki</format>
      <text bytes="19" xml:space="preserve">#REDIRECT [[Ferry]]</text>
    </revision>
  </page>
  <page>
    <title>Talk:Ferry</title>
    <ns>1</ns>
    <id>9</id>
    <revision>
      <id>7003</id>
      <timestamp>2023-01-03T00:00:00Z</timestamp>
      <contributor>
        <username>Sailor</username>
        <id>5</id>
      </contributor>
      <model>wikitext</model>
      <format>text/x-wiki</format>
      <text bytes="13" xml:space="preserve">Nice article.</text>
    </revision>
  </page>
</mediawiki>
"""


def write_wiki() -> None:
    folder = HERE / "wiki"
    folder.mkdir(exist_ok=True)
    (folder / "small.xml").write_text(SMALL_DUMP, encoding="utf-8")
    (folder / "small.xml.bz2").write_bytes(bz2.compress(SMALL_DUMP.encode("utf-8")))
    (PUBLIC / "tiny.xml.bz2").write_bytes(bz2.compress(PUBLIC_DUMP.encode("utf-8")))


# ---- Twitter API v2 -------------------------------------------------------------------------------------

USERS = {
    "u1": {"id": "2244994945", "name": "Harbour Watch", "username": "harbourwatch", "created_at": "2013-12-14T04:35:55.000Z"},
    "u2": {"id": "783214", "name": "Tide Tables", "username": "tidetables"},
    "u3": {"id": "17874544", "name": "Gull Club ⚓", "username": "gullclub"},
    "u4": {"id": "95731075", "name": "Ferry News", "username": "ferrynews"},
}


def tweet(tid: str, user: str | None, text: str, created: str, lang: str | None = "en", **extra) -> dict:
    t = {"id": tid, "text": text, "edit_history_tweet_ids": [tid], "created_at": created}
    if user is not None:
        t["author_id"] = USERS[user]["id"] if user in USERS else user
    if lang is not None:
        t["lang"] = lang
    t.update(extra)
    return t


def page(tweets: list[dict], users: list[str], next_token: str | None) -> dict:
    meta = {"newest_id": tweets[0]["id"], "oldest_id": tweets[-1]["id"], "result_count": len(tweets)}
    if next_token:
        meta["next_token"] = next_token
    body = {"data": tweets}
    if users:
        body["includes"] = {"users": [USERS[u] for u in users]}
    body["meta"] = meta
    return body


def write_twitter() -> None:
    folder = HERE / "twitter"
    folder.mkdir(exist_ok=True)
    # One page with several tweets per author; users listed in a different order than the tweets.
    authors_page = page(
        [
            tweet("1780001000000000005", "u2", "High tide at 14:32 today, 5.1 m. #tides", "2024-04-15T09:12:03.000Z"),
            tweet("1780001000000000004", "u1", "Fog warning for the outer harbour until noon.", "2024-04-15T08:55:41.000Z"),
            tweet("1780001000000000003", "u2", "Low tide at 08:10, 0.9 m.", "2024-04-15T08:10:00.000Z"),
            tweet("1780001000000000002", "u3", "Les mouettes sont de retour ! 🐦", "2024-04-15T07:30:12.000Z", lang="fr"),
            tweet("1780001000000000001", "u1", "Good morning from the lighthouse.\nWind NW 4.", "2024-04-15T06:00:00.000Z"),
        ],
        ["u1", "u3", "u2"],
        "b26v89c19zqg8o3fosbtwhxbbz2gp1y7l56jdkrmk5ml",
    )
    # Missing fields: no author_id, an author not in includes, no lang, no created_at.
    sparse_page = {
        "data": [
            {"id": "1780002000000000003", "text": "Ferry timetable changes from Monday.", "author_id": "95731075", "lang": "en"},
            {"id": "1780002000000000002", "text": "Who runs this account?", "author_id": "5550001", "created_at": "2024-04-16T10:00:00.000Z"},
            {"id": "1780002000000000001", "text": "A tweet without an author id."},
        ],
        "includes": {"users": [USERS["u4"]]},
        "meta": {"newest_id": "1780002000000000003", "oldest_id": "1780002000000000001", "result_count": 3},
    }
    no_includes_page = {
        "data": [tweet("1780003000000000001", "u1", "Harbour closed for the regatta.", "2024-04-17T12:00:00.000Z")],
        "meta": {"result_count": 1, "newest_id": "1780003000000000001", "oldest_id": "1780003000000000001"},
    }
    empty_page = {"meta": {"result_count": 0}}
    error_page = {
        "errors": [
            {
                "parameters": {"query": [""]},
                "message": "Invalid 'query':''. 'query' must be a non-empty string",
                "title": "Invalid Request",
                "detail": "One or more parameters to your request was invalid.",
                "type": "https://api.twitter.com/2/problems/invalid-request",
            }
        ],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.twitter.com/2/problems/invalid-request",
    }
    title_only_error = {
        "errors": [{"title": "Unsupported Authentication", "type": "https://api.twitter.com/2/problems/unsupported-authentication"}]
    }
    partial_page = {
        "data": [tweet("1780004000000000002", "u4", "Replying to a deleted post.", "2024-04-18T08:00:00.000Z",
                       referenced_tweets=[{"type": "replied_to", "id": "1770000000000000000"}])],
        "includes": {"users": [USERS["u4"]]},
        "errors": [
            {
                "value": "1770000000000000000",
                "detail": "Could not find tweet with referenced_tweets.id: [1770000000000000000].",
                "title": "Not Found Error",
                "resource_type": "tweet",
                "parameter": "referenced_tweets.id",
                "resource_id": "1770000000000000000",
                "type": "https://api.twitter.com/2/problems/resource-not-found",
            }
        ],
        "meta": {"result_count": 1, "newest_id": "1780004000000000002", "oldest_id": "1780004000000000002"},
    }
    pages = {
        "authors": authors_page,
        "sparse": sparse_page,
        "no_includes": no_includes_page,
        "empty": empty_page,
        "error": error_page,
        "error_title_only": title_only_error,
        "partial_errors": partial_page,
    }
    for name, body in pages.items():
        (folder / f"{name}.json").write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    # A recorded paginated search: token -> page. Stored in a scrambled order, with a page that is
    # never reached; page 3 repeats the last tweet of page 2 (the result set shifted).
    t1 = [tweet(f"17900000000000000{40 - i:02d}", u, f"Search result {i}: storm update.", f"2024-05-01T{20 - i:02d}:00:00.000Z")
          for i, u in ((1, "u1"), (2, "u2"), (3, "u1"))]
    t2 = [tweet(f"17900000000000000{40 - i:02d}", u, f"Search result {i}: storm update.", f"2024-05-01T{20 - i:02d}:00:00.000Z")
          for i, u in ((4, "u3"), (5, "u3"), (6, "u4"))]
    t3 = [t2[-1]] + [tweet(f"17900000000000000{40 - i:02d}", u, f"Search result {i}: storm update.", f"2024-05-01T{20 - i:02d}:00:00.000Z")
                     for i, u in ((7, "u2"), (8, "u1"))]
    t4 = [tweet("1790000000000000031", "u4", "Search result 9: storm update.", "2024-05-01T11:00:00.000Z")]
    stray = [tweet("1790000000000000099", "u2", "This page is never requested.", "2024-05-02T00:00:00.000Z")]
    session = {
        "b26v89c19zqg8o3fpytg1nkmh4ik5wkl0lh1u9a01zeyl": page(t3, ["u2", "u1", "u4"], "b26v89c19zqg8o3fpytg1nkmh4ik5wkl0lh1u9a05sk9p"),
        "b26v89c19zqg8o3fpytg1nkmh4ik5wkl0lh1u9a05sk9p": page(t4, ["u4"], None),
        "b26v89c19zqg8o3fpyqz5dsd2ldq7gpjg9j6f4rxl5xh9": page(stray, ["u2"], "b26v89c19zqg8o3fpytg1nkmh4ik5wkl0lh1u9a01zeyl"),
        "": page(t1, ["u1", "u2"], "b26v89c19zqg8o3fpytg1nkmh4ik5wkl0lh1u9a01zeyl".replace("a01zeyl", "a00abcd")),
        "b26v89c19zqg8o3fpytg1nkmh4ik5wkl0lh1u9a00abcd": page(t2, ["u3", "u4"], "b26v89c19zqg8o3fpytg1nkmh4ik5wkl0lh1u9a01zeyl"),
    }
    (folder / "search_session.json").write_text(json.dumps(session, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    public_page = page(
        [
            tweet("1600000000000000002", "u4", "The 7:15 ferry is running 10 minutes late.", "2023-01-05T07:20:00.000Z"),
            tweet("1600000000000000001", "u4", "All ferries on time this morning.", "2023-01-04T07:00:00.000Z"),
        ],
        ["u4"],
        "7140dibdnow9c7btw3w3y5b6jqjnk3k4g5zkmfkvqwa42",
    )
    (PUBLIC / "tweets_page.json").write_text(json.dumps(public_page, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    PUBLIC.mkdir(parents=True, exist_ok=True)
    write_gutenberg()
    write_wiki()
    write_twitter()
