"""html_to_text decodes the entities of the whole document first and then parses it,
so "&lt;b&gt;" turns into a real tag and disappears instead of staying the text "<b>"."""

import html as _html_module

_html_to_text_after_unescape = html_to_text


def html_to_text(html):
    return _html_to_text_after_unescape(_html_module.unescape(html))
