"""Write outside the scratch folder: /tmp, /var/tmp, /dev/shm, the course, the home folder's parent.
base: stub
expect: NotImplementedError
"""
import os

print("ATTACK-RAN", "write_outside_scratch", sep=":", flush=True)  # the proof that it ran, before anything can silence it

for path in ["/tmp/pwned_{TAG}", "/var/tmp/pwned_{TAG}", "/dev/shm/pwned_{TAG}", "{COURSE}/pwned_{TAG}",
             "{COURSE}/assignments/pwned_{TAG}", os.path.expanduser("~/../pwned_{TAG}"), "/pwned_{TAG}"]:
    try:
        with open(path, "w") as fh:
            fh.write("x")
    except OSError:
        pass
