"""Aspect clauses are cut only at punctuation: 'but' and 'and' do not separate two aspects' opinions."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def _clauses(tokens):
    clauses = [[]]
    for token in tokens:
        if token in PUNCTUATION:
            clauses.append([])
        else:
            clauses[-1].append(token)
    return [clause for clause in clauses if clause]
