"""Weighted round robin, sidelining, health entries, KV keys → settings, registration payload."""

from __future__ import annotations

from collections import Counter

import pytest

from segsvc.config import ConfigError, load_config
from segsvc.discovery.kv_config import key_to_path, kv_layer
from segsvc.discovery.peers import Instance, NoInstance, PeerPool, instances_from_health
from segsvc.discovery.registration import registration_payload


def test_smooth_weighted_round_robin() -> None:
    pool = PeerPool("runner", "runner-service")
    pool.replace([Instance("a", "http://a", weight=5), Instance("b", "http://b", weight=1),
                  Instance("c", "http://c", weight=1)], "test")
    picks = [pool.choose(now=0).id for _ in range(70)]
    assert Counter(picks) == {"a": 50, "b": 10, "c": 10}
    assert "".join(picks[:7]).count("a") == 5 and picks[:7] != ["a"] * 5 + ["b", "c"]  # interleaved, smooth


def test_sidelined_instance_gets_no_traffic_until_it_recovers() -> None:
    pool = PeerPool("runner", "runner-service")
    a, b = Instance("a", "http://a"), Instance("b", "http://b")
    pool.replace([a, b], "test")
    b.sidelined_until = 100.0
    assert {pool.choose(now=50).id for _ in range(10)} == {"a"}
    assert {pool.choose(now=101).id for _ in range(10)} == {"a", "b"}
    with pytest.raises(NoInstance):
        PeerPool("x", "x").choose()


def test_instances_from_health_keep_meta_tags_and_weights() -> None:
    entries = [{"Node": {"Node": "n1", "Address": "10.0.0.1"},
                "Service": {"ID": "r1", "Service": "runner-service", "Address": "", "Port": 7000,
                            "Tags": ["v1"], "Meta": {"version": "2"}, "Weights": {"Passing": 3, "Warning": 1}}}]
    (inst,) = instances_from_health(entries)
    assert inst.url == "http://10.0.0.1:7000" and inst.weight == 3 and inst.meta == {"version": "2"}
    assert inst.tags == ["v1"] and inst.node == "n1"


def test_kv_keys_to_settings_with_profile_overlay() -> None:
    assert key_to_path("breakers/ai-orchestrator/fail_max") == "breakers.ai_orchestrator.fail_max"
    items = [{"Key": "config/segmentation-service/log_level", "Value": b"DEBUG"},
             {"Key": "config/segmentation-service/limits/max_batch", "Value": b"7"},
             {"Key": "config/segmentation-service,production/limits/max_batch", "Value": b"9"},
             {"Key": "config/segmentation-service,test/limits/max_batch", "Value": b"11"},
             {"Key": "config/segmentation-service/engine/", "Value": None},
             {"Key": "config/segmentation-service-other/log_level", "Value": b"ERROR"},
             {"Key": "config/segmentation-service/engine/llm/allowed_models", "Value": b'["a", "b"]'}]
    layer = kv_layer(items, "segmentation-service", "production")
    assert layer == {"log_level": "DEBUG", "limits.max_batch": "9", "engine.llm.allowed_models": ["a", "b"]}
    with pytest.raises(ConfigError) as info:
        kv_layer([{"Key": "config/segmentation-service/nope", "Value": b"1"}], "segmentation-service", "local")
    assert info.value.errors[0][0] == "config/segmentation-service/nope"


def test_registration_payload_matches_design() -> None:
    settings = load_config({"SEGSVC_PROFILE": "test", "SEGSVC_CONSUL__ADVERTISE_ADDRESS": "10.1.2.3",
                            "SEGSVC_CONSUL__TTL": "9s"}).settings
    p = registration_payload(settings, version="1.2.3", http_port=8080)
    assert p["name"] == "segmentation-service" and p["service_id"].startswith("segmentation-service-")
    assert p["service_id"].endswith("-8080") and p["address"] == "10.1.2.3" and p["port"] == 8080
    assert p["tags"] == ["alt-las", "segmentation", "http", "grpc", "v1", "test"]
    assert p["meta"] == {"version": "1.2.3", "grpc_port": "9090", "languages": "en,tr", "api": "v1", "profile": "test"}
    assert p["check"]["CheckID"] == f"service:{p['service_id']}" and p["check"]["TTL"] == "9s"
    assert p["check"]["DeregisterCriticalServiceAfter"] == "60s"
    assert "connect" not in p
    sidecar = load_config({"SEGSVC_DISCOVERY__MODE": "sidecar"}).settings
    ups = registration_payload(sidecar, version="1", http_port=1)["connect"]["SidecarService"]["Proxy"]["Upstreams"]
    assert {u["DestinationName"]: u["LocalBindPort"] for u in ups} == {
        "ai-orchestrator": 19001, "runner-service": 19002, "archive-service": 19003}
