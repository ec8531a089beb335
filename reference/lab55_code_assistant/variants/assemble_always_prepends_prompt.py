"""The prompt is always put before the code, even when the code holds the whole function."""


def assemble_solution(problem, code):
    return problem["prompt"] + code
