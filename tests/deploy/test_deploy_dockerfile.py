"""The Dockerfiles: hadolint-clean, and the image keeps the contracts operators rely on."""

from __future__ import annotations

import fnmatch
import shutil
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from ._support import (
    ROOT,
    dockerfile_instructions,
    env_instruction,
    exec_form,
    final_stage,
    output,
    run,
    tool,
)

DOCKERFILE = ROOT / "Dockerfile"
DOCKERFILES = [DOCKERFILE, ROOT / "deploy" / "envoy" / "Dockerfile"]


def test_hadolint_reports_nothing() -> None:
    # The default failure threshold (info): any finding fails. An ignore must be inline, with a reason.
    proc = run([tool("hadolint"), *map(str, DOCKERFILES)])
    assert proc.returncode == 0 and not proc.stdout.strip(), output(proc)


def test_image_is_multi_stage_and_runs_as_an_unprivileged_user() -> None:
    instructions = dockerfile_instructions(DOCKERFILE)
    froms = [args for keyword, args in instructions if keyword == "FROM"]
    assert len(froms) >= 2, "a builder stage and a slim final stage"
    final = final_stage(instructions)
    assert "AS" not in final[0][1].upper().split(), "the last stage is the image"
    args = {a.split("=", 1)[0]: a.split("=", 1)[1] for k, a in instructions if k == "ARG" and "=" in a}
    base = final[0][1]
    base = args.get(base.strip("${}"), base)
    assert base.startswith("python:3.11-slim"), base
    users = [a for k, a in final if k == "USER"]
    assert users, "the final stage sets USER"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) != 0, "numeric non-root UID, so runAsNonRoot can be verified"
    assert not any(k == "RUN" and ("apt-get install" in a or "gcc" in a) for k, a in final), \
        "no build tools in the final stage"


def test_image_exposes_the_ports_and_checks_liveness_without_curl() -> None:
    final = final_stage(dockerfile_instructions(DOCKERFILE))
    exposed = {p for k, a in final if k == "EXPOSE" for p in a.split()}
    assert {"8080", "9090"} <= exposed
    checks = [a for k, a in final if k == "HEALTHCHECK"]
    assert len(checks) == 1 and "/health/live" in checks[0] and "urllib" in checks[0]
    assert "curl" not in checks[0] and "wget" not in checks[0]


def test_image_labels_and_environment() -> None:
    final = final_stage(dockerfile_instructions(DOCKERFILE))
    labels = " ".join(a for k, a in final if k == "LABEL")
    for key in ("title", "description", "version", "revision", "created", "licenses"):
        assert f"org.opencontainers.image.{key}=" in labels, key
    env: dict[str, str] = {}
    for keyword, arguments in final:
        if keyword == "ENV":
            env.update(env_instruction(arguments))
    assert "SEGSVC_PROFILE" not in env, "the profile is the deployer's choice; the image defaults to local"
    assert env.get("SEGSVC_ARCHIVE__OUTBOX_DIR", "").startswith("/app/var/")


def test_entrypoint_and_cmd_are_exec_form_and_run_segsvc_serve() -> None:
    final = final_stage(dockerfile_instructions(DOCKERFILE))
    entrypoint = [a for k, a in final if k == "ENTRYPOINT"]
    cmd = [a for k, a in final if k == "CMD"]
    argv = (exec_form(entrypoint[-1]) if entrypoint else []) + (exec_form(cmd[-1]) if cmd else [])
    assert argv == ["segsvc", "serve"]


def test_dockerignore_keeps_what_the_build_needs() -> None:
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    needed = ["segsvc/__init__.py", "segsvc/cli.py", "config/local.yaml", "setup.cfg", "pyproject.toml",
              "README.md"]
    for path in needed:
        excluded = [p for p in patterns if not p.startswith("!") and
                    (fnmatch.fnmatch(path, p) or fnmatch.fnmatch(path, p + "/*") or path.split("/")[0] == p)]
        assert not excluded, f"{path} is excluded from the build context by {excluded}"
    for path in [".git", ".venv", "tests", ".tools"]:
        assert path in patterns, f"{path} should stay out of the build context"


def _dockerignored(patterns: list[str]) -> Callable[[str, list[str]], set[str]]:
    """A copytree ignore function for .dockerignore's patterns (the subset this project uses)."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        relative_dir = Path(directory).relative_to(ROOT)
        out = set()
        for name in names:
            relative = (relative_dir / name).as_posix()
            for pattern in patterns:
                if pattern.startswith("**/"):
                    matched = fnmatch.fnmatch(name, pattern[3:])
                else:
                    matched = fnmatch.fnmatch(relative, pattern)
                if matched:
                    out.add(name)
        return out

    return ignore


def test_build_context_makes_a_wheel_with_every_module(tmp_path: Path) -> None:
    """What the builder stage does (pip wheel on the build context), without Docker: every module of
    segsvc/ must end up in the wheel, or the image would fail at import time."""
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    context = tmp_path / "context"
    shutil.copytree(ROOT, context, ignore=_dockerignored(patterns))
    proc = run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                "--wheel-dir", str(tmp_path / "wheels"), str(context)], timeout=300)
    assert proc.returncode == 0, output(proc)
    (wheel,) = (tmp_path / "wheels").glob("segsvc-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(archive.read(n).decode() for n in names if n.endswith("entry_points.txt"))
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "segsvc").rglob("*.py")
               if "__pycache__" not in p.parts}
    missing = sorted(modules - names)
    assert not missing, f"not packaged (a folder without __init__.py?): {missing}"
    assert "segsvc = segsvc.cli:main" in entry_points.replace("  ", " ")
