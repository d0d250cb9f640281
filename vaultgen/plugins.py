"""Plugin discovery: built-ins first, then third-party plugins from the `vaultgen` entry-point group."""
from __future__ import annotations

import importlib
import types
from functools import lru_cache

import pluggy

from . import hookspecs

# Built-ins are registered through the same hooks third parties implement,
# so the plugin API is exercised by every build.
DEFAULT_PLUGINS = (
    "vaultgen.readers.markdown",
    "vaultgen.readers.email",
    "vaultgen.readers.html",
    "vaultgen.readers.mime",
    "vaultgen.extract.entities",
)


@lru_cache(maxsize=1)
def plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager("vaultgen")
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    pm.load_setuptools_entrypoints("vaultgen")
    return pm


def _collect(hook) -> list:
    found: list = []
    hook(register=found.append)
    return found


def readers() -> list:
    """Every registered reader, in the order pluggy calls the hook: the plugin registered last comes first."""
    return _collect(plugin_manager().hook.register_readers)


def extractors() -> list:
    """Every registered entity extractor, in the order pluggy calls the hook (last registered first)."""
    return _collect(plugin_manager().hook.register_extractors)


def implementing(hook: str) -> list:
    """The plugins with an implementation of `hook`, in the order pluggy calls them."""
    return [impl.plugin for impl in reversed(getattr(plugin_manager().hook, hook).get_hookimpls())]


def registered_in_code() -> list[str]:
    """Plugins neither built in nor from an entry point, as "name=module.Class", for the build cache's key.

    Empty while there is no plugin manager yet, and so without loading plugins: nothing can have been
    registered on a manager that does not exist.
    """
    if plugin_manager.cache_info().currsize == 0:
        return []
    pm = plugin_manager()
    installed = {id(plugin) for plugin, _ in pm.list_plugin_distinfo()}
    return sorted(f"{name}={_origin(plugin)}" for name, plugin in pm.list_name_plugin()
                  if name not in DEFAULT_PLUGINS and id(plugin) not in installed)


def _origin(plugin) -> str:
    if isinstance(plugin, types.ModuleType):
        return plugin.__name__
    return f"{type(plugin).__module__}.{type(plugin).__qualname__}"


def loaded() -> list[tuple[str, str]]:
    """(plugin name, origin) for `vaultgen plugins`: built-in, the distribution that installed it, or registered."""
    pm = plugin_manager()
    dists = {id(plugin): dist.project_name for plugin, dist in pm.list_plugin_distinfo()}
    return [(name, "built-in" if name in DEFAULT_PLUGINS else dists.get(id(plugin), "registered"))
            for name, plugin in pm.list_name_plugin()]
