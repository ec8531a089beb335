"""html_to_text remembers "inside a skipped element" with a flag instead of a depth
counter, so the first closing tag of a nested skipped element (a <script> inside a
<template>) ends the skipping and the rest of the template shows up as text."""


def _start_with_flag(self, tag, attrs):
    if tag in SKIP_TAGS:
        self.skip_depth = 1
    elif self.skip_depth:
        return
    elif tag in BLOCK_TAGS:
        self.pieces.append("\n")
    elif tag in CELL_TAGS:
        self.pieces.append(" ")


def _end_with_flag(self, tag):
    if tag in SKIP_TAGS:
        self.skip_depth = 0
    elif not self.skip_depth and tag in BLOCK_TAGS:
        self.pieces.append("\n")


_TextExtractor.handle_starttag = _start_with_flag
_TextExtractor.handle_endtag = _end_with_flag
