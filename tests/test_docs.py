"""The docs cover what users can touch: every template variable and every command."""
import re
from pathlib import Path

import jinja2
from jinja2 import meta

from vaultgen.cli import main
from vaultgen.layout import FIELDS, Layout

ROOT = Path(__file__).resolve().parents[1]


def test_every_template_variable_is_documented():
    docs = (ROOT / "docs/TEMPLATES.md").read_text()
    env = jinja2.Environment()
    for template in sorted((ROOT / "vaultgen/templates").glob("*.md.j2")):
        section = docs.split(f"## `{template.name}`", 1)[1].split("\n## ", 1)[0]
        for name in meta.find_undeclared_variables(env.parse(template.read_text())):
            assert f"`{name}`" in section, f"{template.name}: `{name}` is not in docs/TEMPLATES.md"


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for name in main.commands:
        assert re.search(rf"`vaultgen {name}\b", readme), f"vaultgen {name} is not in the README"


def test_every_name_template_field_is_documented():
    docs = (ROOT / "docs/TEMPLATES.md").read_text().split("## Note names and folders", 1)[1].split("\n## ", 1)[0]
    readme = (ROOT / "README.md").read_text()
    for note_type, fields in FIELDS.items():
        assert f'{note_type} = "{Layout().template(note_type)}"' in docs and note_type in readme
        for field in fields:
            assert re.search(rf"^\| {note_type} \| [^|]*`{field}`", docs, re.M), f"{note_type}: `{field}` is not documented"
            assert f"`{{{field}}}`" in readme, f"{{{field}}} is not in the README"


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(.+?)\n```", readme)
    assert len(commands) >= 2 and "pytest" in commands[1]
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").rstrip().splitlines()[-1] == commands[1]
