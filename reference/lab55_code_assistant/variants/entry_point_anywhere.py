"""The entry point is searched in the whole tree: a method or a nested def counts as defining it."""


def _defines(tree, name):
    return any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name for node in ast.walk(tree))
