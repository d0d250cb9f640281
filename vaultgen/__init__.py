"""vaultgen: turn newsletter archives into a linked Obsidian vault."""
from importlib.metadata import PackageNotFoundError, version

from .hookspecs import hookimpl
from .model import Candidate, Entity, Issue, Link, Mention, Note, Resource, SourceDoc

try:
    __version__ = version("vaultgen")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0"

__all__ = ["hookimpl", "Candidate", "Entity", "Issue", "Link", "Mention", "Note", "Resource", "SourceDoc",
           "__version__"]
