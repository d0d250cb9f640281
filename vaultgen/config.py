"""vaultgen.toml + command-line overrides → one frozen Config; every problem reported at once."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .layout import Layout, parse as parse_layout

CONFIG_NAME = "vaultgen.toml"
VAULT_TEMPLATES = Path(".vaultgen/templates")  # a vault's own templates, when vaultgen.toml names none


@dataclass(frozen=True)
class Config:
    source: Path = Path("issues")
    vault: Path = Path("vault")
    templates: Path | None = None
    gazetteer: Path | None = None
    max_source_mib: float = 20.0
    names: Layout = Layout()        # [names]: a name-and-folder template per note type


_KEYS = {"source": Path, "vault": Path, "templates": Path, "gazetteer": Path, "max_source_mib": float,
         "names": Layout}


def load_config(cwd: Path | None = None, **overrides: Any) -> Config:
    """Defaults, then vaultgen.toml in cwd (its paths relative to it), then non-None overrides."""
    cwd = cwd or Path.cwd()
    values: dict[str, Any] = {}
    path = cwd / CONFIG_NAME
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(path, f"not valid TOML: {exc}") from exc
        data = data.get("vaultgen", data)
        problems = []
        for k, v in data.items():
            if k not in _KEYS:
                problems.append(f"unknown key '{k}' (known: {', '.join(sorted(_KEYS))})")
            elif _KEYS[k] is Layout:
                values[k], wrong = parse_layout(v, k)
                problems += wrong
            elif _KEYS[k] is Path and not isinstance(v, str):
                problems.append(f"'{k}' must be a path string")
            elif _KEYS[k] is float and (isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0):
                problems.append(f"'{k}' must be a positive number")
            else:
                values[k] = cwd / v if _KEYS[k] is Path else float(v)
        if problems:
            raise ConfigError(path, "; ".join(problems))
    values.update({k: v for k, v in overrides.items() if v is not None})
    config = Config(**values)
    in_vault = config.vault / VAULT_TEMPLATES
    if config.templates is None and in_vault.is_dir():
        config = Config(**{**config.__dict__, "templates": in_vault})
    return config
