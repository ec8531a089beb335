"""Only backtick fences are recognised: ~~~ blocks are missed."""

_OPENING = re.compile(r"( {0,3})(`{3,})(.*)")
