"""entities.yaml: add, kind, merge, rename, ban; invalid files raise ConfigError naming the file."""
import pytest

from vaultgen.errors import ConfigError
from vaultgen.gazetteer import entity_key, load_gazetteer
from vaultgen.model import Candidate
from vaultgen.resolve import merge_entities


def write(tmp_path, text):
    path = tmp_path / "entities.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def cand(name, source="a.md", conf=0.8, kind=None, sentence=None, **kw):
    return Candidate(name, source, "test", kind, sentence or f"About {name}.", None, conf, **kw)


def test_missing_or_empty_file_is_an_empty_gazetteer(tmp_path):
    assert not load_gazetteer(tmp_path / "nope.yaml")
    assert not load_gazetteer(None)
    assert not load_gazetteer(write(tmp_path, ""))


def test_names_are_read_as_written_never_as_yaml_booleans_or_numbers(tmp_path):
    g = load_gazetteer(write(tmp_path, "ban: [No, yes]\nentities:\n  - name: PyTorch\n    aliases: [1.10, On]\n"
                                       "    kind: ~\n"))
    assert g.is_banned("No") and g.is_banned("yes") and not g.is_banned("True")
    assert g.entry("PyTorch").aliases == ("1.10", "On") and g.entry("PyTorch").kind is None


def test_entry_lookup_ignores_case_punctuation_and_the(tmp_path):
    g = load_gazetteer(write(tmp_path, "entities:\n  - name: Hugging Face\n    kind: organization\n"
                                       "    aliases: [huggingface]\n"))
    assert g.entry("hugging-face").name == "Hugging Face"
    assert g.entry("HuggingFace").kind == "organization"
    assert g.entry("The Hugging Face").name == "Hugging Face"
    assert entity_key("The Verge") == entity_key("Verge") == "verge"


def test_sections_combine_into_one_entry(tmp_path):
    g = load_gazetteer(write(tmp_path, """
merge:
  - [Runway ML, Runway, RunwayML]
rename:
  Runway: Runway ML
kinds:
  RunwayML: product
ban: [Hey, Read]
"""))
    e = g.entry("runway")
    assert e.name == "Runway ML" and e.kind == "product" and "Runway" in e.aliases
    assert g.is_banned("hey") and g.is_banned("READ") and not g.is_banned("Runway")


@pytest.mark.parametrize("text, reason", [
    ("- just a list\n", "must be a mapping"),
    ("entities: [{kind: person}]\n", "needs a name"),
    ("entities: [{name: X, kind: robot}]\n", "unknown kind"),
    ("entities: [{name: X, colour: red}]\n", "unknown key"),
    ("merge: [[OnlyOne]]\n", "at least two"),
    ("kinds: {X: person}\nentities: [{name: X, kind: place}]\n", "two kinds"),
    ("ban: [X]\nentities: [{name: X}]\n", "banned"),
    ("bogus: 1\n", "unknown section"),
    ("entities: [\n", "not valid YAML"),
])
def test_invalid_files_raise_config_error_with_the_path(tmp_path, text, reason):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_gazetteer(path)
    assert err.value.path == str(path)
    assert reason in err.value.reason


def test_resolve_applies_the_gazetteer(tmp_path):
    g = load_gazetteer(write(tmp_path, """
entities:
  - name: Lyrebird
    kind: organization
    description: A voice-cloning startup.
  - name: Never Mentioned
    kind: product
merge:
  - [Runway ML, Runway]
rename:
  Tensorflow: TensorFlow
kinds:
  Medium: product
ban: [Hey]
"""))
    cands = [cand("Runway", "a.md"), cand("Runway ML", "b.md"), cand("Tensorflow", "a.md", kind="product"),
             cand("Medium", "a.md", conf=0.3, sentence="On Medium."), cand("Medium", "b.md", conf=0.3), cand("Hey", "a.md", conf=0.9),
             cand("Lyrebird", "a.md", conf=0.1)]
    by_name = {e.name: e for e in merge_entities(cands, g)}
    assert "Hey" not in by_name
    assert by_name["Runway ML"].aliases == ("Runway",)
    assert {m.source for m in by_name["Runway ML"].mentions} == {"a.md", "b.md"}
    assert "TensorFlow" in by_name and "Tensorflow" in by_name["TensorFlow"].aliases
    assert by_name["Medium"].kind == "product"
    # declared entities are kept whatever the confidence, with the user's kind and description
    assert by_name["Lyrebird"].kind == "organization"
    assert by_name["Lyrebird"].description == "A voice-cloning startup."
    assert by_name["Never Mentioned"].mentions == ()


def test_banned_alias_is_not_linked(tmp_path):
    g = load_gazetteer(write(tmp_path, "ban: [TF]\n"))
    ents = merge_entities([cand("TensorFlow", aliases=("TF",)), cand("TF")], g)
    assert [e.name for e in ents] == ["TensorFlow"] and ents[0].aliases == ()
