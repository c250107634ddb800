"""The wasmtime-py compatibility run: wasmtime-py's own tests and examples
against petrel, imported under the name ``wasmtime``.

What it does, all under ``--work`` (default ``target/compat``):

1. Gets wasmtime-py's source: the ``wasmtime==46.0.1`` sdist from PyPI
   (``pip download --no-binary :all:``, checked against a pinned SHA-256),
   unpacked without its ``wasmtime/`` package; or, with ``--source DIR``, a
   checkout of the repository (for measuring another version locally).
2. Writes the alias: a module ``wasmtime.py`` that replaces itself with
   petrel in ``sys.modules`` (exactly ``import petrel as wasmtime``), on
   ``PYTHONPATH`` for the runs below. Nothing is copied into the repository.
3. Runs every test file of ``tests/`` except the component model's with
   pytest, reads each test's outcome from pytest's JUnit XML, prints
   ``N passed, N failed`` and compares with ``expected_failures.txt`` (one
   test id a line, then its reason): a failure not listed, or a listed test
   that passes, fails the run.
4. Runs each ``examples/*.py`` twice from the source root, under the real
   ``wasmtime==46.0.1`` wheel (installed with ``pip install --target``) and
   under the alias, and fails unless both print the same standard output
   and exit with the same status.

Usage: ``python bindings-python/compat/run.py [--source DIR] [--work DIR]
[--tests-only | --examples-only] [-k EXPR]``, with a Python that has
petrel, pytest and pip. ``--against-wasmtime`` runs the tests against the
real wheel instead (a check of the harness; nothing is compared then).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Dict, List, Optional, Tuple

VERSION = "46.0.1"
SDIST = f"wasmtime-{VERSION}.tar.gz"
SDIST_SHA256 = "0da0388c21bc0f0e633c7a30f2b7939a657f5019258c9a3a63fd37298a0dbb8b"
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
EXPECTED = HERE / "expected_failures.txt"

ALIAS = '''"""wasmtime, as petrel: written by bindings-python/compat/run.py."""
import sys

import petrel

sys.modules[__name__] = petrel
'''


def run(cmd: List[str], **kw: object) -> None:
    """Runs ``cmd``; raises ``SystemExit`` when it fails."""
    print("+", " ".join(cmd), flush=True)
    r = subprocess.run(cmd, **kw)  # type: ignore[call-overload]
    if r.returncode != 0:
        raise SystemExit(f"command failed with status {r.returncode}: {' '.join(cmd)}")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch_sdist(work: Path) -> Path:
    """Downloads and unpacks the sdist (tests, examples and their data only)."""
    archive = work / SDIST
    if not archive.exists() or sha256(archive) != SDIST_SHA256:
        work.mkdir(parents=True, exist_ok=True)
        run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-binary",
                ":all:",
                "--no-deps",
                f"wasmtime=={VERSION}",
                "-d",
                str(work),
            ]
        )
    got = sha256(archive)
    if got != SDIST_SHA256:
        raise SystemExit(f"{archive}: SHA-256 {got}, expected {SDIST_SHA256}")
    dest = work / f"wasmtime-py-{VERSION}"
    if dest.exists():
        shutil.rmtree(dest)
    prefix = f"wasmtime-{VERSION}/"
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            name = member.name
            if not name.startswith(prefix):
                continue
            rel = name[len(prefix) :]
            # The package itself stays out: the tests must import the alias.
            if not (rel.startswith("tests/") or rel.startswith("examples/")) or not member.isfile():
                continue
            if ".." in Path(rel).parts:
                raise SystemExit(f"{archive}: unsafe member {name}")
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            src = tar.extractfile(member)
            assert src is not None
            target.write_bytes(src.read())
    # test_wasi.py preopens the directory `wasmtime` of the source root (the
    # package's, in a checkout): an empty one stands in for it. Having no
    # `__init__.py`, it never shadows the alias module.
    (dest / "wasmtime").mkdir()
    return dest


def install_wasmtime(work: Path) -> Path:
    """The real wasmtime wheel, installed into its own directory."""
    dest = work / f"wasmtime-wheel-{VERSION}"
    if not (dest / "wasmtime" / "__init__.py").exists():
        run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "-q",
                "--no-deps",
                "--only-binary",
                ":all:",
                "--target",
                str(dest),
                f"wasmtime=={VERSION}",
            ]
        )
    return dest


def write_alias(work: Path) -> Path:
    shim = work / "alias"
    shim.mkdir(parents=True, exist_ok=True)
    (shim / "wasmtime.py").write_text(ALIAS)
    return shim


def env_with(path: Path) -> Dict[str, str]:
    env = dict(os.environ)
    # In front of any PYTHONPATH already set (which may hold the petrel
    # under test).
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(path), env.get("PYTHONPATH", "")) if p)
    env.pop("PYTHONHOME", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def check_alias(env: Dict[str, str], want: str) -> None:
    """Makes sure ``import wasmtime`` gives what the run is meant to test."""
    code = "import wasmtime; print(wasmtime.__name__)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    name = out.stdout.strip()
    if out.returncode != 0 or name != want:
        raise SystemExit(f"import wasmtime gives {name!r}, expected {want!r}:\n{out.stderr}")


def test_files(source: Path) -> List[str]:
    return sorted(str(p.relative_to(source)) for p in (source / "tests").glob("test_*.py"))


def run_tests(source: Path, env: Dict[str, str], work: Path, keyword: Optional[str]) -> Dict[str, Tuple[str, str]]:
    """Runs the non-component tests; returns {test id: (outcome, message)}."""
    report = work / "junit.xml"
    if report.exists():
        report.unlink()
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        # The sdist's pytest.ini adds --doctest-modules --mypy.
        "-c",
        os.devnull,
        "--rootdir",
        str(source),
        "-o",
        "junit_family=xunit1",
        f"--junitxml={report}",
    ]
    if keyword:
        cmd += ["-k", keyword]
    cmd += test_files(source)
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=source, env=env)
    if not report.exists():
        raise SystemExit("pytest wrote no report")
    results: Dict[str, Tuple[str, str]] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        file = case.get("file") or ""
        cls = (case.get("classname") or "").rsplit(".", 1)[-1]
        test_id = f"{file}::{cls}::{case.get('name')}"
        outcome, message = "passed", ""
        for tag in ("failure", "error", "skipped"):
            node = case.find(tag)
            if node is not None:
                outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[tag]
                message = (node.get("message") or "").splitlines()[0] if node.get("message") else ""
                break
        results[test_id] = (outcome, message)
    return results


def read_expected() -> Dict[str, str]:
    expected: Dict[str, str] = {}
    for line in EXPECTED.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        test_id, _, reason = line.partition(" ")
        if not reason.strip():
            raise SystemExit(f"{EXPECTED}: {test_id} has no reason")
        expected[test_id] = reason.strip()
    return expected


def compare_tests(results: Dict[str, Tuple[str, str]], filtered: bool) -> bool:
    counts = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
    for outcome, _ in results.values():
        counts[outcome] += 1
    expected = read_expected()
    ok = True
    for test_id, (outcome, message) in sorted(results.items()):
        if outcome == "passed":
            if test_id in expected:
                print(f"UNEXPECTED PASS  {test_id} (listed: {expected[test_id]})")
                ok = False
        elif outcome == "skipped":
            # A skipped test proves nothing: only the test files may skip.
            print(f"SKIPPED  {test_id}: {message}")
            ok = False
        elif test_id in expected:
            print(f"expected {outcome}  {test_id}: {expected[test_id]}")
        else:
            print(f"UNEXPECTED {outcome.upper()}  {test_id}: {message}")
            ok = False
    if not filtered:
        for test_id in sorted(set(expected) - set(results)):
            print(f"STALE  {test_id} is listed but was not run")
            ok = False
    print(
        f"wasmtime-py {VERSION} tests under petrel: {counts['passed']} passed, "
        f"{counts['failed']} failed, {counts['error']} errors"
        + (f", {counts['skipped']} skipped" if counts["skipped"] else "")
        + f" ({len(expected)} listed as expected failures)"
    )
    return ok


def run_examples(source: Path, real_env: Dict[str, str], alias_env: Dict[str, str]) -> bool:
    ok = True
    examples = sorted((source / "examples").glob("*.py"))
    if not examples:
        raise SystemExit(f"no examples in {source / 'examples'}")
    for example in examples:
        rel = str(example.relative_to(source))
        outputs = []
        for env in (real_env, alias_env):
            r = subprocess.run([sys.executable, rel], cwd=source, env=env, capture_output=True, timeout=300)
            outputs.append(r)
        want, got = outputs
        if (want.returncode, want.stdout) == (got.returncode, got.stdout):
            print(f"example {rel}: same output ({len(got.stdout.splitlines())} lines, status {got.returncode})")
        else:
            ok = False
            print(f"EXAMPLE DIFFERS {rel}")
            print(f"  wasmtime {VERSION}: status {want.returncode}, stdout:\n{want.stdout.decode(errors='replace')}")
            print(f"  petrel: status {got.returncode}, stdout:\n{got.stdout.decode(errors='replace')}")
            print(f"  petrel stderr:\n{got.stderr.decode(errors='replace')}")
    return ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path, help="a wasmtime-py checkout instead of the sdist")
    ap.add_argument("--work", type=Path, default=ROOT / "target" / "compat")
    ap.add_argument("--tests-only", action="store_true")
    ap.add_argument("--examples-only", action="store_true")
    ap.add_argument("--against-wasmtime", action="store_true", help="run the tests against the real wheel")
    ap.add_argument("-k", dest="keyword", help="pytest -k expression (skips the stale-entry check)")
    args = ap.parse_args()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    source = args.source.resolve() if args.source else fetch_sdist(work)
    alias_env = env_with(write_alias(work))
    check_alias(alias_env, "petrel")
    ok = True
    need_wheel = args.against_wasmtime or not args.tests_only
    real_env = env_with(install_wasmtime(work)) if need_wheel else None
    if real_env is not None:
        check_alias(real_env, "wasmtime")
    if not args.examples_only:
        if args.against_wasmtime:
            assert real_env is not None
            results = run_tests(source, real_env, work, args.keyword)
            bad = {t: r for t, r in results.items() if r[0] != "passed"}
            for t, (outcome, message) in sorted(bad.items()):
                print(f"{outcome}  {t}: {message}")
            print(f"wasmtime-py {VERSION} tests under wasmtime: {len(results) - len(bad)} passed, {len(bad)} not")
            ok = not bad
        else:
            ok = compare_tests(run_tests(source, alias_env, work, args.keyword), bool(args.keyword))
    if not args.tests_only:
        assert real_env is not None
        ok = run_examples(source, real_env, alias_env) and ok
    if not ok:
        raise SystemExit("wasmtime-py compatibility run: FAILED")
    print("wasmtime-py compatibility run: OK")


if __name__ == "__main__":
    main()
