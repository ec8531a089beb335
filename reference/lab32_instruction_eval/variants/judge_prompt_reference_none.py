"""judge_prompt prints "Reference: None" when there is no reference."""


def judge_prompt(question, answer, reference=None, *, low=1, high=10):
    if not low < high:
        raise ValueError("low must be below high")
    return (f"Rate the answer from {low} to {high}, ending with Rating: [[N]].\n\n"
            f"Question: {question}\nReference: {reference}\nAnswer: {answer}\n")
