"""Size and startup time of the PyInstaller bundle, against running from source.

    .venv/bin/python -m bench.bundle_size_startup              # builds the bundle first
    .venv/bin/python -m bench.bundle_size_startup --bundle dist/desktop-chat --runs 9

Prints:

- the build time (when it builds), and the bundle's size on disk (allocated
  blocks, as `du`), apparent, and as tar.gz (gzip level 6, as `tar czf`);
  for comparison, what running from source needs installed: this Python
  (stdlib and libpython) plus desktop-chat's runtime dependencies, without
  dev tools;
- startup: from starting `desktop-chat --url ... --name ...` until the server
  logs that client's connection, i.e. a shown, connected window (the app
  shows its window before it connects: ChatSession.start); then the time
  from SIGINT to exit. The bundle and the source (`python -m desktop_chat`)
  run alternately against the same server (the bundle's own), offscreen, in
  a clean environment (PATH=/usr/bin:/bin, a temporary HOME and
  XDG_CONFIG_HOME), after one discarded warm-up run each; median, min and
  max over --runs. The same for the server alone (start until listening).

Only loopback traffic; no display needed.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from packaging.requirements import Requirement

from bench._common import free_port
from tests.procs import Child

ROOT = Path(__file__).resolve().parents[1]
MiB = 1024 * 1024
TIMEOUT = 60.0


# ---- size ---------------------------------------------------------------------------


def on_disk(path: Path) -> int:
    return sum(p.lstat().st_blocks * 512 for p in [path, *path.rglob("*")])


def apparent(path: Path) -> int:
    return sum(p.lstat().st_size for p in [path, *path.rglob("*")])


def tar_gz(path: Path, workdir: Path) -> int:
    archive = workdir / "bundle.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(path, arcname=path.name)
    size = archive.stat().st_size
    archive.unlink()
    return size


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_distributions() -> set[str]:
    """desktop-chat and the closure of its runtime requirements (with the extras asked for)."""
    names: set[str] = set()
    done: set[tuple[str, frozenset[str]]] = set()
    todo: list[tuple[str, frozenset[str]]] = [("desktop-chat", frozenset())]
    while todo:
        name, extras = todo.pop()
        if (canonical(name), extras) in done:
            continue
        done.add((canonical(name), extras))
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        names.add(canonical(dist.metadata["Name"]))
        for line in dist.requires or []:
            req = Requirement(line)
            envs = [{"extra": extra} for extra in ("", *sorted(extras))]
            if req.marker is None or any(req.marker.evaluate(env) for env in envs):
                todo.append((req.name, frozenset(req.extras)))
    return names


# What a Python installation needs to run the app: its stdlib without the test
# suite, IDLE, Tk, ensurepip, the static-library config folder, bytecode caches
# and other packages' site-packages.
STDLIB_SKIP = {
    "site-packages",
    "test",
    "idlelib",
    "tkinter",
    "turtledemo",
    "ensurepip",
    "lib2to3",
    "__pycache__",
}


def source_footprint() -> tuple[int, int]:
    """Bytes on disk: (this Python's stdlib + libpython + executable, runtime deps)."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    python = 0
    for folder, dirs, files in os.walk(stdlib):
        dirs[:] = [d for d in dirs if d not in STDLIB_SKIP and not d.startswith("config-")]
        python += sum((Path(folder) / f).lstat().st_blocks * 512 for f in files)
    libpython = Path(sysconfig.get_config_var("LIBDIR") or "/") / (
        sysconfig.get_config_var("INSTSONAME") or "libpython-missing"
    )
    for extra in (libpython, Path(sys.executable).resolve()):
        if extra.is_file():
            python += extra.stat().st_blocks * 512
    deps = 0
    for name in runtime_distributions():
        dist = md.distribution(name)
        for file in dist.files or []:
            path = Path(str(dist.locate_file(file)))
            if path.is_file() and not path.is_symlink():
                deps += path.stat().st_blocks * 512
    return python, deps


# ---- startup ------------------------------------------------------------------------


def clean_env(home: Path) -> dict[str, str]:
    (home / "config").mkdir(parents=True, exist_ok=True)
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "QT_QPA_PLATFORM": "offscreen",
    }


def spawn(name: str, argv: Sequence[str], env: dict[str, str]) -> Child:
    return Child(name, argv, env=env, stdin=False)


def stop(child: Child) -> tuple[int, float]:
    """SIGINT, as Ctrl+C; the exit code and the seconds until the process was gone."""
    started = time.perf_counter()
    child.signal(signal.SIGINT)
    try:
        code = child.popen.wait(TIMEOUT)
    finally:
        elapsed = time.perf_counter() - started
        child.reap()
    return code, elapsed


def server_start(argv: Sequence[str], env: dict[str, str]) -> float:
    port = free_port()
    started = time.monotonic_ns()
    server = spawn("desktop-chat-server", [*argv, "--port", str(port)], env)
    try:
        listening = server.wait_line_since("listening on", started, timeout=TIMEOUT)
    finally:
        stop(server)
    return (listening - started) / 1e9


def app_start(
    argv: Sequence[str], env: dict[str, str], url: str, name: str, server: Child
) -> tuple[float, float]:
    """Seconds to a connected window (the server logs its connection), and from
    SIGINT to exit (which must be 0)."""
    started = time.monotonic_ns()
    app = spawn("desktop-chat", [*argv, "--url", url, "--name", name], env)
    try:
        wanted = rf"client connected \S+ \S+ \({re.escape(name)}\)"
        connected = server.wait_line_since(wanted, started, timeout=TIMEOUT, what=name)
        code, exiting = stop(app)
        if code != 0:
            raise RuntimeError(f"{argv[0]} exited {code}\n{app.describe()}")
    finally:
        app.reap()
    return (connected - started) / 1e9, exiting


def startup(bundle: Path, runs: int, home: Path) -> dict[str, dict[str, list[float]]]:
    env = clean_env(home)
    kinds = {
        "bundle": ([str(bundle / "desktop-chat")], [str(bundle / "desktop-chat-server")]),
        "source": (
            [sys.executable, "-m", "desktop_chat"],
            [sys.executable, "-m", "desktop_chat.server"],
        ),
    }
    results: dict[str, dict[str, list[float]]] = {
        k: {"window": [], "exit": [], "server": []} for k in kinds
    }
    port = free_port()
    server = spawn("desktop-chat-server", [*kinds["bundle"][1], "--port", str(port)], env)
    url = f"http://127.0.0.1:{port}"
    try:
        server.wait_line("listening on", "the server to listen", TIMEOUT)
        for run in range(runs + 1):  # run 0 warms the caches up and is not counted
            for kind, (app, server_argv) in kinds.items():
                window, exiting = app_start(app, env, url, f"bench-{kind}-{run}", server)
                started = server_start(server_argv, env)
                if run:
                    results[kind]["window"].append(window)
                    results[kind]["exit"].append(exiting)
                    results[kind]["server"].append(started)
    finally:
        stop(server)
    return results


# ---- main ---------------------------------------------------------------------------


def build(dist: Path, work: Path) -> float:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DESKTOP_CHAT_ONEFILE", "DESKTOP_CHAT_SLIM")
    }
    log = work.parent / "pyinstaller.log"
    started = time.perf_counter()
    with log.open("wb") as out:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "PyInstaller",
                "--noconfirm",
                "--distpath",
                str(dist),
                "--workpath",
                str(work),
                str(ROOT / "build.spec"),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if result.returncode != 0:
        sys.stderr.write(log.read_text(encoding="utf-8", errors="replace")[-6000:])
        raise SystemExit(f"pyinstaller build.spec failed ({result.returncode})")
    return time.perf_counter() - started


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} s  (min {min(values):.2f}, max {max(values):.2f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument(
        "--bundle", type=Path, help="an onedir build (dist/desktop-chat); default: build one"
    )
    parser.add_argument(
        "--runs", type=int, default=5, help="measured runs per kind (default: %(default)s)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bundle-bench-") as tmp:
        workdir = Path(tmp)
        build_seconds = None
        bundle = args.bundle
        if bundle is None:
            build_seconds = build(workdir / "dist", workdir / "build")
            bundle = workdir / "dist" / "desktop-chat"
        bundle = bundle.resolve()
        sizes = {
            "bundle_on_disk": on_disk(bundle),
            "bundle_apparent": apparent(bundle),
            "bundle_tar_gz": tar_gz(bundle, workdir),
        }
        python, deps = source_footprint()
        sizes["source_python"] = python
        sizes["source_deps"] = deps
        times = startup(bundle, args.runs, workdir / "home")

    print(f"bundle: {bundle}")
    if build_seconds is not None:
        print(f"build (pyinstaller build.spec): {build_seconds:.1f} s")
    print("size")
    print(f"  bundle on disk       {sizes['bundle_on_disk'] / MiB:7.1f} MiB")
    print(f"  bundle apparent      {sizes['bundle_apparent'] / MiB:7.1f} MiB")
    print(f"  bundle as tar.gz     {sizes['bundle_tar_gz'] / MiB:7.1f} MiB")
    source = sizes["source_python"] + sizes["source_deps"]
    print(
        f"  from source          {source / MiB:7.1f} MiB  (Python {sys.version.split()[0]}: "
        f"{sizes['source_python'] / MiB:.1f}, runtime deps: {sizes['source_deps'] / MiB:.1f})"
    )
    print(f"  ratio bundle/source  {sizes['bundle_on_disk'] / source:7.2f}")
    print(f"startup ({args.runs} runs each, after a warm-up run; median)")
    for what, label in (
        ("window", "to a shown, connected window"),
        ("exit", "SIGINT to exit 0"),
        ("server", "server start to listening"),
    ):
        bundle_t, source_t = times["bundle"][what], times["source"][what]
        ratio = statistics.median(bundle_t) / statistics.median(source_t)
        print(f"  {label}")
        print(f"    bundle  {spread(bundle_t)}")
        print(f"    source  {spread(source_t)}")
        print(f"    ratio bundle/source {ratio:.2f}")
    if args.json:
        print(json.dumps({"build_seconds": build_seconds, "sizes": sizes, "times": times}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
