"""Configuration layers, sources, durations and validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from segsvc.config import ConfigError, Layer, env_var_is_known, load_config, parse_duration
from segsvc.config.settings import SETTING_PATHS


@pytest.mark.parametrize("text, seconds", [("500ms", 0.5), ("10s", 10.0), ("1m", 60.0), ("1m30s", 90.0),
                                           ("1h", 3600.0), ("2.5", 2.5), (3, 3.0), ("250us", 0.00025)])
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("bad", ["", "10x", "s", "-1", "1m-", True, None, [1]])
def test_bad_durations(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(bad)


def test_embedded_defaults_without_any_file(tmp_path: Path) -> None:
    snap = load_config({"SEGSVC_CONFIG_DIR": str(tmp_path / "missing")})
    s = snap.settings
    assert (s.http.host, s.http.port, s.grpc.port) == ("0.0.0.0", 8080, 9090)
    assert s.consul.service_name == "segmentation-service" and s.consul.ttl == 10 and s.consul.deregister_after == 60
    assert s.limits.max_body_bytes == 65536 and s.limits.max_command_chars == 10000 and s.limits.max_batch == 100
    assert s.breakers.ai_orchestrator.fail_max == 5 and s.breakers.runner.reset_timeout == 30
    assert s.security.jwt.algorithms == ["HS256", "RS256", "ES256"]
    assert (s.security.jwt.issuer, s.security.jwt.audience) == ("alt-las-api", "alt-las-client")
    assert s.engine.default == "auto" and s.shutdown.drain_seconds == 5 and s.archive.outbox_dir == "./var/outbox"
    assert s.discovery_mode == "static" and s.auth_enabled is False
    assert s.peers.ai_orchestrator.service == "ai-orchestrator" and s.peers.runner.service == "runner-service"
    assert set(snap.sources.values()) <= {"env"}


def test_layers_later_wins_and_sources(tmp_path: Path) -> None:
    (tmp_path / "local.yaml").write_text("log_level: DEBUG\nlimits:\n  max_batch: 10\n  max_command_chars: 50\n")
    extra = tmp_path / "extra.yaml"
    extra.write_text("limits:\n  max_batch: 20\nconsul:\n  ttl: 5s\n")
    snap = load_config({"SEGSVC_CONFIG_DIR": str(tmp_path), "SEGSVC_CONFIG_FILE": str(extra),
                        "SEGSVC_LIMITS__MAX_BATCH": "30", "CONSUL_HTTP_ADDR": "http://127.0.0.1:8500"})
    s = snap.settings
    assert s.log_level == "DEBUG" and s.limits.max_command_chars == 50 and s.limits.max_batch == 30
    assert s.consul.ttl == 5 and s.consul.address == "http://127.0.0.1:8500" and s.discovery_mode == "consul"
    assert snap.sources["log_level"] == "file:config/local.yaml"
    assert snap.sources["consul.ttl"] == f"file:{extra}"
    assert snap.sources["limits.max_batch"] == "env"
    kv = snap.with_layer(Layer("consul-kv", {"limits.max_batch": 40, "http.port": 1234}), kv_index=17)
    assert kv.settings.limits.max_batch == 40 and kv.sources["limits.max_batch"] == "consul-kv"
    assert kv.settings.http.port == 8080 and kv.pending_restart == {"http.port": 1234} and kv.kv_index == 17
    assert kv.describe()["restart_required"] == {"http.port": 1234}


def test_profiles() -> None:
    assert load_config({"SEGSVC_PROFILE": "production"}).settings.auth_enabled is True
    assert load_config({"SEGSVC_PROFILE": "test"}).settings.log_level == "WARNING"
    with pytest.raises(ConfigError, match="unknown profile"):
        load_config({"SEGSVC_PROFILE": "staging"})


@pytest.mark.parametrize("env, path", [
    ({"SEGSVC_HTTP__PORT": "http"}, "http.port"),
    ({"SEGSVC_LOG_LEVEL": "LOUD"}, "log_level"),
    ({"SEGSVC_ENGINE__DEFAULT": "magic"}, "engine.default"),
    ({"SEGSVC_CONSUL__TTL": "ten seconds"}, "consul.ttl"),
    ({"SEGSVC_LIMITS__MAX_BATCH": "0"}, "limits.max_batch"),
])
def test_invalid_values_are_rejected_naming_the_setting(env: dict[str, str], path: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(env)
    assert path in [p for p, _ in info.value.errors] and info.value.layer == "env"


def test_kv_layer_rejected_whole() -> None:
    snap = load_config({})
    with pytest.raises(ConfigError):
        snap.with_layer(Layer("consul-kv", {"log_level": "DEBUG", "limits.max_batch": -1}))
    assert snap.settings.log_level == "WARNING" or snap.settings.log_level == "INFO"


def test_unknown_env_and_file_keys(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SEGSVC_HTTP_PORT"):
        load_config({"SEGSVC_HTTP_PORT": "1"})
    bad = tmp_path / "bad.yaml"
    bad.write_text("htp:\n  port: 1\n")
    with pytest.raises(ConfigError, match="htp.port"):
        load_config({"SEGSVC_CONFIG_FILE": str(bad)})


def test_env_var_names() -> None:
    assert env_var_is_known("SEGSVC_PEERS__AI_ORCHESTRATOR__URL")
    assert env_var_is_known("SEGSVC_BREAKERS__RUNNER__FAIL_MAX")
    assert env_var_is_known("SEGSVC_PROFILE") and env_var_is_known("CONSUL_HTTP_ADDR")
    assert not env_var_is_known("SEGSVC_PEERS__AI_ORCHESTRATOR") and not env_var_is_known("SEGSVC_NOPE")
    for path in ("http.host", "http.port", "grpc.port", "log_level", "consul.service_name", "consul.ttl",
                 "consul.deregister_after", "consul.advertise_address", "discovery.mode", "peers.runner.url",
                 "peers.archive.service", "shutdown.drain_seconds", "engine.default", "engine.llm.model",
                 "engine.llm.allowed_models", "breakers.archive.fail_max", "breakers.archive.reset_timeout",
                 "security.auth.enabled", "security.jwt.algorithms", "security.jwt.secret", "security.jwt.jwks_url",
                 "security.jwt.issuer", "security.jwt.audience", "limits.max_body_bytes", "limits.max_command_chars",
                 "limits.max_batch", "archive.outbox_dir"):
        assert path in SETTING_PATHS, path


def test_kv_seed_is_current_and_applies_cleanly() -> None:
    """consul/kv-seed.json equals what the code generates, and importing it changes nothing."""
    import base64
    import json

    from segsvc.config.kv_seed import seed_entries
    from segsvc.config.loader import Layer
    from segsvc.discovery.kv_config import kv_layer
    from tests.conftest import ROOT

    committed = json.loads((ROOT / "consul" / "kv-seed.json").read_text())
    assert committed == seed_entries(), "regenerate with: python -m segsvc.config.kv_seed > consul/kv-seed.json"
    items = [{"Key": e["key"], "Value": base64.b64decode(e["value"])} for e in committed]
    assert any(e["key"].endswith("breakers/ai-orchestrator/fail_max") for e in committed)
    snap = load_config({"SEGSVC_PROFILE": "local"})
    applied = snap.with_layer(Layer("consul-kv", kv_layer(items, "segmentation-service", "local")))
    assert applied.settings == snap.settings and not applied.pending_restart
