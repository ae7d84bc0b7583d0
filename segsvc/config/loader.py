"""Layered configuration: defaults < config/<profile>.yaml < SEGSVC_CONFIG_FILE < environment < Consul KV.

Each layer is a flat mapping of dotted setting paths to raw values. Layers are merged, then the merged
tree is validated once as a whole, so a configuration is either entirely valid or rejected entirely, and
every key remembers which layer it came from (shown by ``/api/v1/admin/config`` and ``segsvc config``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, SecretStr, ValidationError

from segsvc.config.settings import SETTING_PATHS, Settings, is_dynamic, setting_paths

ENV_PREFIX = "SEGSVC_"
# Variables that belong to other tools but that their users expect us to honour.
FOREIGN_ENV = {
    "CONSUL_HTTP_ADDR": "consul.address",
    "CONSUL_HTTP_TOKEN": "consul.token",
    "CONSUL_CACERT": "consul.cacert",
    "NATS_URL": "nats.url",
}
META_ENV = {"SEGSVC_PROFILE", "SEGSVC_CONFIG_FILE", "SEGSVC_CONFIG_DIR"}
PROFILES = ("local", "test", "production")
SECRET_PATHS = frozenset(p for p in SETTING_PATHS if p.endswith((".token", ".secret")))


class ConfigError(ValueError):
    """A layer does not validate; ``errors`` lists ``(path, message)`` pairs."""

    def __init__(self, layer: str, errors: list[tuple[str, str]]):
        self.layer = layer
        self.errors = errors
        super().__init__(f"invalid configuration from {layer}: " + "; ".join(f"{p}: {m}" for p, m in errors))


@dataclass(frozen=True)
class Layer:
    name: str
    values: Mapping[str, Any]


@dataclass(frozen=True)
class ConfigSnapshot:
    """One validated configuration and the layers it was built from."""

    settings: Settings
    layers: tuple[Layer, ...]
    sources: Mapping[str, str]
    kv_index: int | None = None
    pending_restart: Mapping[str, Any] = field(default_factory=dict)

    def with_layer(self, layer: Layer, *, kv_index: int | None = None) -> ConfigSnapshot:
        """Replace (or add) the layer of that name and validate the result as a whole.

        Values for settings that are read only at start-up do not take effect; they are kept in
        ``pending_restart`` so that operators can see that a restart is needed.
        """
        others = tuple(x for x in self.layers if x.name != layer.name)
        trial = build_snapshot(others + (layer,))  # every value must validate, also those that wait for a restart
        validated = flatten(trial.settings.model_dump(mode="python"))
        live = {k: v for k, v in layer.values.items() if is_dynamic(k)}
        pending = {k: validated[k] for k in layer.values if not is_dynamic(k)}
        snapshot = build_snapshot(others + (Layer(layer.name, live),))
        return ConfigSnapshot(snapshot.settings, snapshot.layers, snapshot.sources,
                              kv_index if kv_index is not None else self.kv_index, pending)

    def describe(self, *, redact: bool = True) -> dict[str, Any]:
        """Every setting with its effective value, source layer and whether it can change live."""
        flat = flatten(self.settings.model_dump(mode="python"))
        keys: dict[str, Any] = {}
        for path in setting_paths():
            value = flat.get(path)
            if isinstance(value, SecretStr):
                value = "**********" if redact else value.get_secret_value()
            keys[path] = {"value": value, "source": self.sources.get(path, "default"), "dynamic": is_dynamic(path)}
        pending = {k: ("**********" if isinstance(v, SecretStr) and redact
                       else v.get_secret_value() if isinstance(v, SecretStr) else v)
                   for k, v in self.pending_restart.items()}
        return {"profile": self.settings.profile, "keys": keys, "kv_index": self.kv_index, "restart_required": pending}


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and value and path not in SETTING_PATHS:
            out.update(flatten(value, f"{path}."))
        elif isinstance(value, BaseModel):
            out.update(flatten(value.model_dump(mode="python"), f"{path}."))
        else:
            out[path] = value
    return out


def _nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for path, value in flat.items():
        node = tree
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError("merge", [(path, "conflicts with a scalar value")])
        node[leaf] = value
    return tree


def build_snapshot(layers: Iterable[Layer]) -> ConfigSnapshot:
    layers = tuple(layers)
    merged: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for layer in layers:
        for path, value in layer.values.items():
            merged[path] = value
            sources[path] = layer.name
    try:
        settings = Settings.model_validate(_nest(merged))
    except ValidationError as exc:
        errors = [(".".join(str(p) for p in e["loc"]), e["msg"]) for e in exc.errors()]
        culprit = next((sources.get(path) for path, _ in errors if path in sources), layers[-1].name if layers else "")
        raise ConfigError(culprit or "defaults", errors) from None
    return ConfigSnapshot(settings, layers, sources)


def parse_scalar(text: str) -> Any:
    """Values from the environment and KV are JSON when they parse as JSON, plain strings otherwise."""
    stripped = text.strip()
    if stripped[:1] in ("[", "{", '"') or stripped in ("true", "false", "null"):
        try:
            return json.loads(stripped)
        except ValueError:
            return text
    return text


def env_path(name: str) -> str | None:
    """The dotted setting path that ``SEGSVC_A__B`` addresses, or None when it addresses nothing."""
    if name in FOREIGN_ENV:
        return FOREIGN_ENV[name]
    if not name.startswith(ENV_PREFIX) or name in META_ENV:
        return None
    path = ".".join(part.lower() for part in name[len(ENV_PREFIX):].split("__"))
    return path if path in SETTING_PATHS else None


def env_var_is_known(name: str) -> bool:
    """True when the service reads this environment variable (used to check deployment files)."""
    return name in META_ENV or env_path(name) is not None


def _file_layer(name: str, path: Path) -> Layer:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(name, [("file", str(exc))]) from None
    if not isinstance(data, dict):
        raise ConfigError(name, [("file", "the top level must be a mapping")])
    flat = flatten(data)
    unknown = [p for p in flat if p not in SETTING_PATHS]
    if unknown:
        raise ConfigError(name, [(p, "unknown setting") for p in unknown])
    return Layer(name, flat)


def config_dir(environ: Mapping[str, str]) -> Path | None:
    """``SEGSVC_CONFIG_DIR`` when set; else ``./config``; else the ``config/`` beside an editable install."""
    if environ.get("SEGSVC_CONFIG_DIR"):
        explicit = Path(environ["SEGSVC_CONFIG_DIR"])
        return explicit if explicit.is_dir() else None
    for candidate in (Path("config"), Path(__file__).resolve().parents[2] / "config"):
        if candidate.is_dir():
            return candidate
    return None


def load_config(environ: Mapping[str, str] | None = None) -> ConfigSnapshot:
    """Build the start-up configuration from defaults, profile file, config file and environment."""
    environ = os.environ if environ is None else environ
    profile = environ.get("SEGSVC_PROFILE", "local").strip() or "local"
    if profile not in PROFILES:
        raise ConfigError("env", [("profile", f"unknown profile {profile!r}; use one of {', '.join(PROFILES)}")])
    layers = [Layer("default", {})]
    directory = config_dir(environ)
    if directory and (directory / f"{profile}.yaml").is_file():
        layers.append(_file_layer(f"file:config/{profile}.yaml", directory / f"{profile}.yaml"))
    if environ.get("SEGSVC_CONFIG_FILE"):
        path = Path(environ["SEGSVC_CONFIG_FILE"])
        layers.append(_file_layer(f"file:{path}", path))
    env_values: dict[str, Any] = {"profile": profile} if "SEGSVC_PROFILE" in environ else {}
    unknown: list[tuple[str, str]] = []
    for name in sorted(environ):
        if name in FOREIGN_ENV and environ[name]:
            env_values[FOREIGN_ENV[name]] = environ[name]
    for name in sorted(environ):
        if name.startswith(ENV_PREFIX) and name not in META_ENV:
            setting = env_path(name)
            if setting is None:
                unknown.append((name, "unknown setting"))
            else:
                env_values[setting] = parse_scalar(environ[name])
    if unknown:
        raise ConfigError("env", unknown)
    layers.append(Layer("env", env_values))
    return build_snapshot(layers)
