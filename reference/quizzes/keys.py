"""Keys of the quiz questions drawn per student: one function per question,
called with the values the student was given (keyword arguments), returning
the answer in the question's unit. Never shipped."""


def type_token_ratio(tokens: int, types: int) -> float:
    return types / tokens


def jaccard(a: int, b: int, shared: int) -> float:
    return shared / (a + b - shared)
