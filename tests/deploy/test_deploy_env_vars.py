"""Every SEGSVC_* variable that a deployment file sets is one the service reads.

segsvc refuses to start on an unknown SEGSVC_* variable, so a typo in a manifest would crash-loop the
pods; this finds it first. Names are collected both structurally (compose environment, container env,
ConfigMap data, Dockerfile ENV) and from the files' non-comment text (interpolations and the like).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from ._support import (
    ALL_ON_VALUES,
    CHART,
    K8S,
    ROOT,
    dockerfile_instructions,
    env_instruction,
    env_names_in_objects,
    helm_template,
    load_yaml_docs,
    segsvc_tokens,
)


def _compose_names() -> set[str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    names: set[str] = set()
    for svc in compose["services"].values():
        env: Any = svc.get("environment") or {}
        if isinstance(env, list):
            names.update(item.split("=", 1)[0] for item in env)
        else:
            names.update(env)
    return names | segsvc_tokens((ROOT / "docker-compose.yml").read_text())


def _dockerfile_names() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "Dockerfile", ROOT / "deploy" / "envoy" / "Dockerfile"):
        for keyword, arguments in dockerfile_instructions(path):
            if keyword == "ENV":
                names.update(env_instruction(arguments))
            names.update(segsvc_tokens(arguments))
    return names


def _k8s_names() -> set[str]:
    names: set[str] = set()
    for path in sorted(K8S.glob("*.yaml")):
        text = path.read_text()
        names |= env_names_in_objects(load_yaml_docs(text)) | segsvc_tokens(text)
    return names


def _chart_names() -> set[str]:
    names: set[str] = set()
    for values in ([], ["-f", str(ALL_ON_VALUES)]):
        rendered = helm_template(*values)
        names |= env_names_in_objects(load_yaml_docs(rendered)) | segsvc_tokens(rendered)
    values_files: list[Path] = [CHART / "values.yaml", ALL_ON_VALUES]
    for path in values_files:
        data = yaml.safe_load(path.read_text()) or {}
        names.update((data.get("config") or {}).keys())
    return names


SOURCES = {"docker-compose.yml": _compose_names, "Dockerfile": _dockerfile_names, "k8s": _k8s_names,
           "chart": _chart_names}


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_every_segsvc_variable_is_read_by_the_service(source: str) -> None:
    from segsvc.config import env_var_is_known

    names = {n for n in SOURCES[source]() if n.startswith("SEGSVC_")}
    assert names, f"no SEGSVC_* variable found in {source}: the collector is broken"
    unknown = sorted(n for n in names if not env_var_is_known(n))
    assert not unknown, f"{source} sets variables segsvc does not read: {unknown}"


def test_the_collectors_see_the_variables_that_matter() -> None:
    # Guards the test above against collectors that silently find too little.
    assert {"SEGSVC_DISCOVERY__MODE", "SEGSVC_CONSUL__ADVERTISE_ADDRESS"} <= _compose_names()
    assert "SEGSVC_ARCHIVE__OUTBOX_DIR" in _dockerfile_names()
    assert {"SEGSVC_SECURITY__JWT__SECRET", "SEGSVC_PROFILE"} <= _k8s_names()
    assert {"SEGSVC_SECURITY__JWT__SECRET", "SEGSVC_ENGINE__DEFAULT"} <= _chart_names()


def _resolve_compose(value: Any) -> str:
    """`${NAME:-default}` interpolation as compose does it, with NAME unset."""
    text = str(value)
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", text)


def _environments() -> dict[str, dict[str, str]]:
    envs: dict[str, dict[str, str]] = {}
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for name in ("segsvc-1", "segsvc-2"):
        envs[f"compose:{name}"] = {k: _resolve_compose(v) for k, v in compose["services"][name]["environment"].items()}
    rendered = {"k8s": [load_yaml_docs(p.read_text())[0] for p in sorted(K8S.glob("*.yaml"))
                        if p.name != "kustomization.yaml"],
                "chart-defaults": load_yaml_docs(helm_template()),
                "chart-all-on": load_yaml_docs(helm_template("-f", str(ALL_ON_VALUES)))}
    for source, docs in rendered.items():
        env = {k: str(v) for d in docs if d["kind"] == "ConfigMap" for k, v in (d.get("data") or {}).items()}
        deployment = next(d for d in docs if d["kind"] == "Deployment")
        for item in deployment["spec"]["template"]["spec"]["containers"][0].get("env", []):
            env[item["name"]] = str(item.get("value", "10.0.0.1" if "fieldRef" in item.get("valueFrom", {})
                                             else "a-secret-value"))
        envs[source] = env
    return envs


@pytest.fixture(scope="module")
def environments() -> dict[str, dict[str, str]]:
    return _environments()


@pytest.mark.parametrize("source", ["compose:segsvc-1", "compose:segsvc-2", "k8s", "chart-defaults",
                                    "chart-all-on"])
def test_the_environment_a_deployment_sets_is_a_valid_configuration(
        source: str, environments: dict[str, dict[str, str]]) -> None:
    """Known names are not enough: the values must validate too (durations, enums, ports)."""
    from segsvc.config import ConfigError, load_config

    env = environments[source]
    try:
        snapshot = load_config(env)
    except ConfigError as exc:
        raise AssertionError(f"{source}: {exc}") from None
    assert snapshot.settings.http.port == 8080
