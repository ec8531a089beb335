"""The prefix and the text are glued together without the separating space ("summarize:Long text.")."""


def format_example(task, text):
    if task not in TASK_PREFIXES:
        raise ValueError(f"unknown task {task!r}")
    words = text.split()
    if not words:
        raise ValueError("the text is empty")
    return TASK_PREFIXES[task] + " ".join(words)
