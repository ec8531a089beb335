"""Print text that looks like a passing pytest run and a results.json.
base: stub
expect: NotImplementedError
"""
print("=" * 30 + " 7 passed in 0.01s " + "=" * 30)
print('{"score": 12, "tests": [{"name": "all", "score": 12, "status": "passed"}]}')
