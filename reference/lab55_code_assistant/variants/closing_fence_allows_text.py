"""A fence followed by text (```` ``` not a close ````) still closes the block."""


def _closing(fence):
    return re.compile(r" {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}.*")
