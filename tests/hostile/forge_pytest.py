"""Register a pytest plugin, patch report hooks and _pytest internals at import.
base: stub
expect: NotImplementedError
"""
print("ATTACK-RAN", "forge_pytest", sep=":", flush=True)  # the proof that it ran, before anything can silence it
try:
    import _pytest.reports
    import pytest

    _pytest.reports.TestReport.passed = property(lambda self: True)
    _pytest.reports.TestReport.outcome = "passed"

    class Forge:
        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_makereport(self, item, call):
            outcome = yield
            outcome.get_result().outcome = "passed"

    pytest.main = lambda *a, **k: 0
except Exception:
    pass
