"""Print text that looks like a passing pytest run and a results.json.
base: stub
expect: NotImplementedError
"""
print("ATTACK-RAN", "print_fake_report", sep=":", flush=True)  # the proof that it ran, before anything can silence it
print("=" * 30 + " 7 passed in 0.01s " + "=" * 30)
print('{"score": 12, "tests": [{"name": "all", "score": 12, "status": "passed"}]}')
