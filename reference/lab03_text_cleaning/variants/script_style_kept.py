"""html_to_text keeps every piece of text the parser reports, including the code
inside <script> and <style> (and <noscript>, <template>)."""

SKIP_TAGS = frozenset()
