"""A syntax error.
base: none
expect: SyntaxError
"""
def add(a, b)
    return a + b
