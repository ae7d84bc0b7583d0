"""Configuration: typed settings, their layers and where each value came from."""

from segsvc.config.durations import Duration, format_duration, parse_duration
from segsvc.config.loader import (
                                  ConfigError,
                                  ConfigSnapshot,
                                  Layer,
                                  build_snapshot,
                                  env_path,
                                  env_var_is_known,
                                  load_config,
                                  parse_scalar,
)
from segsvc.config.settings import PEERS, SETTING_PATHS, Settings, is_dynamic

__all__ = ["PEERS", "SETTING_PATHS", "ConfigError", "ConfigSnapshot", "Duration", "Layer", "Settings", "build_snapshot",
           "env_path", "env_var_is_known", "format_duration", "is_dynamic", "load_config", "parse_duration",
           "parse_scalar"]
