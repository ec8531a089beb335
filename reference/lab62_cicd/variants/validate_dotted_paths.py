"""Error paths are written with dots ('jobs.build.steps.0') instead of as JSON pointers."""


def _pointer(path):
    return ".".join(str(part) for part in path)
