"""docker-compose.yml: valid against the Compose Specification schema, and wired as the docs describe."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from ._support import ROOT, output, run, tool

COMPOSE = ROOT / "docker-compose.yml"
# Files other parts of the project own; the compose file only mounts them.
OWNED_ELSEWHERE = {"consul/kv-seed.json"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


def test_compose_file_matches_the_compose_spec_schema() -> None:
    # check-jsonschema ships the Compose Specification schema (vendor.compose-spec, from SchemaStore),
    # so this runs offline.
    proc = run([tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)])
    assert proc.returncode == 0, output(proc)


def test_two_instances_with_consul_nats_and_healthchecks(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ("segsvc-1", "segsvc-2"):
        svc = services[name]
        env = svc["environment"]
        assert env["CONSUL_HTTP_ADDR"] == "http://consul:8500"
        assert env["NATS_URL"] == "nats://nats:4222"
        assert env["SEGSVC_DISCOVERY__MODE"].startswith("${") or env["SEGSVC_DISCOVERY__MODE"] == "consul"
        assert "consul" in env["SEGSVC_DISCOVERY__MODE"]
        assert env["SEGSVC_CONSUL__ADVERTISE_ADDRESS"] == name
        assert "SEGSVC_PROFILE" not in env or env["SEGSVC_PROFILE"] != "production"
        assert svc["build"]["dockerfile"] == "Dockerfile"
        assert "/health/" in " ".join(svc["healthcheck"]["test"])
        depends = svc["depends_on"]
        assert depends["consul"]["condition"] == "service_healthy"
        assert depends["nats"]["condition"] == "service_healthy"
        assert depends["consul-seed"]["condition"] == "service_completed_successfully"
    assert "-js" in services["nats"]["command"]
    assert services["consul"]["image"].startswith("hashicorp/consul:")
    assert "-dev" in services["consul"]["command"]
    assert "8500:8500" in services["consul"]["ports"]
    assert services["consul-seed"]["command"] == ["kv", "import", "@/consul/kv-seed.json"]


def test_sidecar_profile_runs_envoy_and_writes_intentions(compose: dict[str, Any]) -> None:
    services = compose["services"]
    sidecars = {n: s for n, s in services.items() if "sidecar" in s.get("profiles", [])}
    assert any("config write" in " ".join(s.get("command", [])) for s in sidecars.values())
    intentions = list((ROOT / "consul").glob("intentions/*.hcl")) + list((ROOT / "consul").glob("intentions*.hcl"))
    assert intentions, "the intentions job writes consul/intentions/*.hcl; there are none"
    for instance in ("segsvc-1", "segsvc-2"):
        (envoy,) = [s for s in sidecars.values() if s.get("network_mode") == f"service:{instance}"]
        assert envoy["environment"]["SIDECAR_FOR"].startswith("segmentation-service-")
    default = {n for n, s in services.items() if not s.get("profiles")}
    assert {"consul", "consul-seed", "nats", "segsvc-1", "segsvc-2", "prometheus"} <= default


def test_every_mounted_or_built_path_exists(compose: dict[str, Any]) -> None:
    missing = []
    for name, svc in compose["services"].items():
        paths = [v.split(":")[0] for v in svc.get("volumes", []) if isinstance(v, str) and v.startswith(".")]
        build = svc.get("build")
        if isinstance(build, dict):
            paths.append(build.get("context", "."))
        for path in paths:
            if not (ROOT / path).exists():
                missing.append(f"{name}: {path}" + (" (not written yet by its owner)"
                                                     if path.lstrip("./") in OWNED_ELSEWHERE else ""))
    assert not missing, missing


def test_prometheus_finds_segsvc_through_consul() -> None:
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    sd = [sd for job in jobs.values() for sd in job.get("consul_sd_configs", [])]
    assert sd and sd[0]["server"] == "consul:8500" and "segmentation-service" in sd[0]["services"]
    job = next(j for j in jobs.values() if j.get("consul_sd_configs"))
    assert job.get("metrics_path", "/metrics") == "/metrics"
