"""Any line of three backticks or tildes closes a block, whatever the opening fence's length and character."""


def _closing(fence):
    return re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*")
