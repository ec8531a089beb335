"""A syntax error.
base: none
expect: SyntaxError
marker: none (a file that does not compile runs nothing; the report's SyntaxError is the proof)
"""
def add(a, b)
    return a + b
