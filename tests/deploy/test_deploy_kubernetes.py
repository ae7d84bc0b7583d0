"""Plain manifests (k8s/) and the Helm chart (charts/segsvc): schema-valid, and the pod spec keeps the
operational contracts (probes, drain time, hardening, writable outbox, optional secrets)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from ._support import (
    ALL_ON_VALUES,
    CHART,
    K8S,
    helm_template,
    k8s_manifest_files,
    kubernetes_validate,
    load_yaml_docs,
    output,
    run,
    tool,
)

# drain (5 s) + grace for in-flight requests (10 s) must fit in the termination grace period.
DRAIN_SECONDS = 5
GRACE_SECONDS = 10
EXPECTED_KINDS = {"Deployment", "Service", "ConfigMap", "HorizontalPodAutoscaler", "PodDisruptionBudget",
                  "NetworkPolicy", "ServiceAccount"}


@pytest.mark.parametrize("path", k8s_manifest_files(), ids=lambda p: p.name)
def test_manifest_is_valid_for_kubernetes(path: Any) -> None:
    kubernetes_validate([str(path)])


def test_one_file_per_kind_and_kustomization_lists_them_all() -> None:
    files = k8s_manifest_files()
    kinds = {}
    for path in files:
        docs = load_yaml_docs(path.read_text())
        assert len(docs) == 1, f"{path.name}: one object per file"
        kinds[docs[0]["kind"]] = path.name
    assert EXPECTED_KINDS <= set(kinds), EXPECTED_KINDS - set(kinds)
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert kustomization["kind"] == "Kustomization"
    assert sorted(kustomization["resources"]) == sorted(p.name for p in files)


def test_helm_lint_strict() -> None:
    for extra in ([], ["-f", str(ALL_ON_VALUES)]):
        proc = run([tool("helm"), "lint", "--strict", str(CHART), *extra])
        assert proc.returncode == 0, output(proc)


@pytest.mark.parametrize("values", [[], ["-f", str(ALL_ON_VALUES)]], ids=["defaults", "all-on"])
def test_helm_template_is_valid_for_kubernetes(values: list[str]) -> None:
    rendered = helm_template(*values)
    kinds = {doc["kind"] for doc in load_yaml_docs(rendered)}
    assert EXPECTED_KINDS <= kinds, EXPECTED_KINDS - kinds
    kubernetes_validate(["-"], stdin=rendered)


@pytest.mark.parametrize("bad", ["profile=prod", "image.pullPolicy=Sometimes", "config.FOO=1",
                                 "ports.http=70000", "unknownKey=1"])
def test_values_schema_rejects_bad_values(bad: str) -> None:
    proc = run([tool("helm"), "template", "segsvc", str(CHART), "--set", bad])
    assert proc.returncode != 0, f"--set {bad} was accepted"


def _deployments() -> list[tuple[str, dict[str, Any]]]:
    out = [("k8s", load_yaml_docs((K8S / "deployment.yaml").read_text())[0])]
    for name, values in (("chart-defaults", []), ("chart-all-on", ["-f", str(ALL_ON_VALUES)])):
        docs = load_yaml_docs(helm_template(*values))
        out.append((name, next(d for d in docs if d["kind"] == "Deployment")))
    return out


@pytest.fixture(scope="module")
def deployments() -> list[tuple[str, dict[str, Any]]]:
    return _deployments()


def test_pod_spec_keeps_the_operational_contracts(deployments: list[tuple[str, dict[str, Any]]]) -> None:
    for source, deployment in deployments:
        pod = deployment["spec"]["template"]["spec"]
        (container,) = [c for c in pod["containers"] if c["name"] == "segsvc"]
        where = f"{source}: "
        assert pod["enableServiceLinks"] is False, where + "service links inject unknown SEGSVC_* variables"
        assert pod["terminationGracePeriodSeconds"] > DRAIN_SECONDS + GRACE_SECONDS, where
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live", where
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready", where
        assert container["startupProbe"]["httpGet"]["path"] == "/health/live", where
        assert "lifecycle" not in container, where + "the app drains on SIGTERM; no preStop"
        assert {p["name"]: p["containerPort"] for p in container["ports"]} == {"http": 8080, "grpc": 9090}
        assert container["resources"]["requests"] and container["resources"]["limits"], where

        pod_sc, sc = pod["securityContext"], container["securityContext"]
        assert pod_sc["runAsNonRoot"] is True and pod_sc["seccompProfile"]["type"] == "RuntimeDefault", where
        assert sc["allowPrivilegeEscalation"] is False and sc["readOnlyRootFilesystem"] is True, where
        assert sc["capabilities"]["drop"] == ["ALL"] and sc["seccompProfile"]["type"] == "RuntimeDefault", where

        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        for path in ("/app/var", "/tmp"):
            assert path in mounts and "emptyDir" in volumes[mounts[path]], where + path

        env = {e["name"]: e for e in container["env"]}
        for name in ("SEGSVC_SECURITY__JWT__SECRET", "CONSUL_HTTP_TOKEN"):
            ref = env[name]["valueFrom"]["secretKeyRef"]
            assert ref["optional"] is True, where + name
        assert env["SEGSVC_CONSUL__ADVERTISE_ADDRESS"]["valueFrom"]["fieldRef"]["fieldPath"] == "status.podIP"
        assert container["envFrom"][0]["configMapRef"]["name"], where

        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        assert "consul.hashicorp.com/connect-inject" in annotations, where
        labels = deployment["metadata"]["labels"]
        assert {"app.kubernetes.io/name", "app.kubernetes.io/instance"} <= set(labels), where


def test_connect_inject_switches_the_instance_to_sidecar_mode() -> None:
    docs = load_yaml_docs(helm_template("-f", str(ALL_ON_VALUES)))
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    config = next(d for d in docs if d["kind"] == "ConfigMap")
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["consul.hashicorp.com/connect-inject"] == "true"
    upstreams = annotations["consul.hashicorp.com/connect-service-upstreams"].split(",")
    assert {u.split(":")[0] for u in upstreams} == {"ai-orchestrator", "runner-service", "archive-service"}
    assert config["data"]["SEGSVC_DISCOVERY__MODE"] == "sidecar"
    defaults = load_yaml_docs(helm_template())
    default_config = next(d for d in defaults if d["kind"] == "ConfigMap")
    assert default_config["data"]["SEGSVC_DISCOVERY__MODE"] == "consul"


def test_hpa_owns_the_replica_count_when_enabled() -> None:
    with_hpa = next(d for d in load_yaml_docs(helm_template()) if d["kind"] == "Deployment")
    assert "replicas" not in with_hpa["spec"]
    without = load_yaml_docs(helm_template("--set", "hpa.enabled=false", "--set", "replicaCount=3"))
    assert next(d for d in without if d["kind"] == "Deployment")["spec"]["replicas"] == 3
    assert "HorizontalPodAutoscaler" not in {d["kind"] for d in without}


def _upstreams_and_peer_ports(docs: list[dict[str, Any]]) -> tuple[dict[str, int], dict[str, int]]:
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    config = next(d for d in docs if d["kind"] == "ConfigMap")["data"]
    annotation = deployment["spec"]["template"]["metadata"]["annotations"].get(
        "consul.hashicorp.com/connect-service-upstreams", "")
    upstreams = {u.split(":")[0]: int(u.split(":")[1]) for u in annotation.split(",") if u}
    peers = {config[f"SEGSVC_PEERS__{peer}__SERVICE"]: int(config[f"SEGSVC_PEERS__{peer}__LOCAL_BIND_PORT"])
             for peer in ("AI_ORCHESTRATOR", "RUNNER", "ARCHIVE")}
    return upstreams, peers


def test_sidecar_upstream_ports_match_the_peer_settings() -> None:
    plain = [load_yaml_docs(p.read_text())[0] for p in k8s_manifest_files()]
    for docs in (plain, load_yaml_docs(helm_template("-f", str(ALL_ON_VALUES)))):
        upstreams, peers = _upstreams_and_peer_ports(docs)
        assert upstreams == peers
