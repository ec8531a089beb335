"""Templates are removed with one non-greedy regex pass, so nested templates leave junk.

``{{a|{{b}}|c}}`` loses ``{{a|{{b}}`` and leaves ``|c}}`` in the text.
"""

_INNERMOST_TEMPLATE = re.compile(r"\{\{.*?\}\}", re.DOTALL)

