"""The text is stripped at the ends, but runs of whitespace inside it are kept."""


def format_example(task, text):
    if task not in TASK_PREFIXES:
        raise ValueError(f"unknown task {task!r}")
    if not text.strip():
        raise ValueError("the text is empty")
    return f"{TASK_PREFIXES[task]} {text.strip()}"
