"""What a new vault starts from: Obsidian settings, a Home note and a .gitignore, copied once, never overwritten."""
from __future__ import annotations

from pathlib import Path

from .writer import Vault, atomic_write


def template_root() -> Path:
    """The vault_template folder: installed inside the package, or beside it in a source checkout."""
    packaged = Path(__file__).parent / "vault_template"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "vault_template"


def template_files(root: Path | None = None) -> list[str]:
    root = root or template_root()
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.name != "__init__.py")


def install_template(vault: Vault, root: Path | None = None) -> list[str]:
    """Copy each template file the vault has never had; a file the user changed or deleted stays so."""
    root = root or template_root()
    copied = []
    for rel in template_files(root):
        target = vault.root / rel
        if rel in vault.templates:
            continue
        vault.templates.append(rel)
        if target.exists() or target.is_symlink():
            continue  # the user's own settings win
        atomic_write(target, (root / rel).read_bytes())
        copied.append(rel)
    return copied

