"""How a worker process is confined, with what Linux gives without Docker.

Layers, each applied where available and reported where not:

- a fresh uid per worker (``setpriv``), so workers cannot signal, ptrace or
  read each other, and RLIMIT_NPROC bites (root ignores it);
- namespaces (``unshare``): no network but loopback, its own PID space
  (killing its init kills every descendant, setsid double forks included),
  its own mounts: the scratch folder is a size-capped tmpfs holding only
  the submitted files, /tmp, /var/tmp and /dev/shm are private tmpfs, and
  hidden paths (reference/, other submissions, reports, .git) are covered;
- rlimits: CPU seconds, address space, file size, open files, processes,
  no core files;
- a scrubbed environment and ``python -I`` (no PYTHON* variables, no user
  site, no current folder on sys.path);
- wall-clock deadlines, enforced by the runner from outside (:mod:`autograder.remote`).
"""

from __future__ import annotations

import ctypes
import functools
import itertools
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile

from autograder import settings
from dataclasses import dataclass, field
from pathlib import Path

# files a submission may never bring into the worker, whatever the manifest says
FORBIDDEN_NAMES = {"conftest.py", "pytest.ini", "sitecustomize.py", "usercustomize.py", "setup.cfg", "tox.ini", "pyproject.toml"}
FORBIDDEN_SUFFIXES = {".pth", ".so", ".pyd", ".dll", ".dylib"}
SHADOWED_MODULES = {"torch", "numpy", "pytest", "autograder", "_pytest", "nltk", "transformers", "scipy", "json", "os", "sys"}

UID_BASE = 200_000
UID_SPAN = 1_000_000
_uid_counter = itertools.count()

HIDE_SCRIPT = r"""
set -e
scratch="$1"; stage="$2"; uid="$3"; shift 3
# 1. the scratch folder: a size-capped tmpfs with a copy of the submitted files
mount -t tmpfs -o size=1g,mode=0700 ag-scratch "$scratch"
cp -R "$stage"/. "$scratch"/
mkdir -p "$scratch/.tmp"
[ "$uid" = "-" ] || chown -R "$uid:$uid" "$scratch"
# 2. cover what the worker must not see
while [ "$1" != "--open" ]; do
  if [ -d "$1" ]; then mount -t tmpfs -o size=4k,mode=0 ag-hidden "$1"
  elif [ -e "$1" ]; then mount --bind /dev/null "$1"; fi
  shift
done
shift
opens=""
while [ "$1" != "--keep" ]; do opens="$opens $1"; shift; done
shift
# 3. private /tmp and /var/tmp, and an empty, open stand-in for each folder
#    closed to other users (a 0700 home) above what the worker runs from;
#    what it runs from (a virtualenv, Python, this package, the scratch) is
#    carried over if it lived in one of those
mount -t tmpfs -o size=16m,mode=0700 ag-keep /mnt
i=0
for p in "$@"; do [ "$p" = "--" ] && break; mkdir -p /mnt/$i; mount --rbind "$p" /mnt/$i; i=$((i+1)); done
mount -t tmpfs -o size=512m,mode=1777 ag-tmp /tmp
mount -t tmpfs -o size=64m,mode=1777 ag-vartmp /var/tmp 2>/dev/null || true
mount -t tmpfs -o size=64m,mode=1777 ag-shm /dev/shm 2>/dev/null || true
for d in $opens; do mkdir -p "$d"; mount -t tmpfs -o size=4m,mode=0755 ag-open "$d"; done
i=0
while [ "$1" != "--" ]; do mkdir -p "$1"; mount --move /mnt/$i "$1"; i=$((i+1)); shift; done
shift
# 4. the namespace's own loopback up: the only network there is (servers a lab runs, gloo)
ip link set lo up 2>/dev/null || true
cd "$scratch"
exec "$@"
"""


@dataclass(frozen=True)
class Isolation:
    """What this machine lets us apply; ``warnings`` go into every report."""

    switch_uid: bool
    namespaces: bool
    user_namespace: bool
    warnings: tuple[str, ...] = field(default_factory=tuple)


def detect_isolation() -> Isolation:
    """Which layers work here: probed once per process and setting (the
    settings can differ between gradings forked from one zygote)."""
    return _detect_isolation(settings.flag(settings.INSECURE_ENV), settings.flag(settings.NO_NAMESPACES_ENV))


@functools.lru_cache(maxsize=4)
def _detect_isolation(insecure: bool, no_namespaces: bool) -> Isolation:
    warnings = []
    if insecure:
        return Isolation(False, False, False, ("isolation disabled by AUTOGRADER_INSECURE=1: student code ran with the grader's rights",))
    root = os.geteuid() == 0
    setpriv = shutil.which("setpriv")
    unshare = shutil.which("unshare")
    switch_uid = root and setpriv is not None
    namespaces = user_ns = False
    if no_namespaces:  # as inside most containers (Gradescope's): test that mode
        unshare = None
    if unshare:
        base = [unshare, "--mount", "--net", "--pid", "--fork", "--kill-child", "--mount-proc"]
        probe = base if root else [unshare, "--user", "--map-root-user", *base[1:]]
        script = "mount -t tmpfs none /tmp && true"
        ok = subprocess.run([*probe, "sh", "-c", script], capture_output=True, timeout=20).returncode == 0
        namespaces = ok
        user_ns = ok and not root
    if not switch_uid:
        warnings.append(
            "not running as root: student code ran as the grader's own user (another uid needs root), "
            "so it could read files that user can read and RLIMIT_NPROC is weaker"
        )
    elif not namespaces and not _other_uid_can_run_python(setpriv):
        switch_uid = False
        warnings.append(
            "without namespaces another uid could not start this Python (a folder above the virtualenv or "
            "the grader is closed to other users): student code ran as root; open those folders (chmod o+x)"
        )
    if not namespaces:
        warnings.append(
            "namespaces unavailable (unshare failed): student code had network access, could see other "
            "processes, and hidden paths were protected by file permissions only"
        )
    return Isolation(switch_uid, namespaces, user_ns, tuple(warnings))


def _other_uid_can_run_python(setpriv: str) -> bool:
    """Without namespaces the worker runs from the real file system, where a
    folder closed to other users (a 0700 home or mktemp folder above the
    virtualenv) stops another uid from starting Python at all."""
    uid = str(new_uid())
    probe = [setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups", sys.executable, "-I", "-c", "import autograder.sandboxed.worker"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=60, cwd="/").returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def work_root() -> Path:
    """Where runners keep their private folders: not under /tmp (which the
    worker's namespace replaces), not readable by workers."""
    configured = settings.get(settings.WORKDIR_ENV)
    if configured:
        root = Path(configured)
    elif os.geteuid() == 0:
        root = Path("/var/lib/autograder")
    else:
        root = Path(tempfile.gettempdir()) / f"autograder-{os.getuid()}"
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o711)
    return root


def private_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix, dir=work_root()))


def check_submitted_name(name: str) -> str | None:
    """Why a file may not enter the worker, or None if it may."""
    base = os.path.basename(name)
    if base in FORBIDDEN_NAMES:
        return f"{base} is not allowed in a submission (it could change how tests run)"
    if os.path.splitext(base)[1].lower() in FORBIDDEN_SUFFIXES:
        return f"{base}: compiled or path-configuration files are not allowed"
    if os.path.splitext(base)[0] in SHADOWED_MODULES:
        return f"{base} would shadow the library {os.path.splitext(base)[0]!r}"
    return None


def choose_cpu() -> int:
    """A CPU for one runner and its workers: they take turns (every call is
    synchronous), and on one core a call's round trip is several times faster
    than across cores. Spread by pid when several runners share the machine."""
    cpus = sorted(os.sched_getaffinity(0))
    return cpus[os.getpid() % len(cpus)]


def new_uid() -> int:
    return UID_BASE + (os.getpid() * 64 + next(_uid_counter)) % UID_SPAN


@dataclass(frozen=True)
class Limits:
    cpu_s: int = 300
    memory_mb: int | None = 4096
    file_mb: int = 256
    open_files: int = 256
    processes: int = 256


_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int):
    """A ``preexec_fn`` that makes the child get ``sig`` when the thread that
    started it dies (SIGKILL included), so that nothing outlives a killed grader."""
    parent = os.getpid()

    def preexec() -> None:
        _libc.prctl(PR_SET_PDEATHSIG, int(sig))
        if os.getppid() != parent:  # it died before prctl took effect
            os._exit(1)

    return preexec


def apply_rlimits(limits: Limits, cpu: int | None = None) -> None:
    """Called in the child between fork and exec (``preexec_fn``). The child
    is killed when the runner thread that started it dies."""
    os.setsid()
    _libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL))
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_mb << 20, limits.file_mb << 20))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
    if limits.memory_mb:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb << 20, limits.memory_mb << 20))
    if os.geteuid() == 0:
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))


def cuda_present() -> bool:
    """Whether this machine has an NVIDIA GPU (its device node), without importing torch:
    RLIMIT_AS breaks CUDA, so a GPU lab's workers go without it only where CUDA can run;
    on a CPU-only machine the lab keeps the address-space limit like any other."""
    return os.path.exists("/dev/nvidiactl")


def worker_environment(home: str) -> dict[str, str]:
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": os.path.join(home, ".tmp"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "MPLBACKEND": "Agg",
        # idle OpenMP threads must not spin: they would steal the CPU from the other worker being timed
        "OMP_WAIT_POLICY": "PASSIVE",
        "NO_PROXY": "*",
    }


def _needed(scratch: Path) -> list[Path]:
    """What a worker runs from: its scratch, the virtualenv, Python and its
    standard library, the installed packages, this package."""
    import sysconfig

    paths = [scratch, Path(sys.prefix), Path(sys.base_prefix), Path(os.path.realpath(sys.executable)).parent, Path(__file__).resolve().parent]
    # Python's own folders only: never sys.path as a whole, which a runner's pytest extends with the hidden tests
    paths += [Path(sysconfig.get_paths()[k]) for k in ("stdlib", "platstdlib", "purelib", "platlib")]
    return [p.resolve() for p in paths if p.exists()]


def opened_paths(scratch: Path) -> list[str]:
    """Folders closed to other users (no o+x, like a 0700 /root) above what the
    worker runs from: the mount script covers each with an empty, open tmpfs
    and carries the needed paths under it over (see :func:`kept_paths`)."""
    closed = set()
    for path in _needed(scratch):
        for folder in reversed(path.parents):
            if folder == Path("/"):
                continue
            try:
                if not folder.stat().st_mode & 0o001:
                    closed.add(str(folder))
                    break
            except OSError:
                break
    return sorted(closed)


def kept_paths(scratch: Path) -> list[str]:
    """What the worker runs from that lives under /tmp or /var/tmp (which its
    namespace replaces with private, empty ones) or under a closed folder
    (:func:`opened_paths`), and must be carried over."""
    covers = ("/tmp", "/var/tmp", *opened_paths(scratch))
    under = sorted({str(p) for p in _needed(scratch) if any(str(p).startswith(t + "/") for t in covers)})
    return [p for p in under if not any(p.startswith(q + "/") for q in under if q != p)]


def worker_command(
    isolation: Isolation, stage: Path, scratch: Path, hide: list[Path], fds: tuple[int, int]
) -> tuple[list[str], str]:
    """The argv that starts a worker, and the folder it runs in."""
    python = [sys.executable, "-I", "-m", "autograder.sandboxed.worker", str(fds[0]), str(fds[1])]
    uid = new_uid() if isolation.switch_uid else None
    if not isolation.namespaces:
        if uid is None:
            return python, str(stage)
        # still another uid (no root powers, RLIMIT_NPROC bites), in the stage folder;
        # what it must not read is then protected by file permissions alone
        os.chown(stage / ".tmp", uid, uid)
        return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs", *python], str(stage)
    inner = python
    if uid is not None:
        inner = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs", *python]
    ns = ["unshare", "--mount", "--net", "--pid", "--fork", "--kill-child", "--mount-proc", "--propagation", "private"]
    if isolation.user_namespace:
        ns = ["unshare", "--user", "--map-root-user", *ns[1:]]
    hidden = [str(p) for p in hide if p.exists()]
    argv = [
        *ns, "sh", "-c", HIDE_SCRIPT, "sh",
        str(scratch), str(stage), str(uid) if uid is not None else "-",
        *hidden, "--open", *opened_paths(scratch), "--keep", *kept_paths(scratch), "--", *inner,
    ]
    return argv, str(scratch.parent)
