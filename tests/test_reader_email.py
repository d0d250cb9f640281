"""Tests for the plain-text e-mail reader (The Batch shape and its generalisations).

Golden files: tests/data/expected/email/<stem>.md hold the reviewed bodies of the two sample
e-mails in issues/. After an intended change, regenerate them and review the diff by eye:

    VAULTGEN_REGEN=1 python -m pytest tests/test_reader_email.py
"""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultgen.errors import SourceError
from vaultgen.model import Issue, SourceDoc
from vaultgen.readers import email as email_reader
from vaultgen.readers.email import EmailReader
from vaultgen.textfix import decode, repair

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "issues"
EXPECTED = ROOT / "tests" / "data" / "expected" / "email"
FIXTURES = ROOT / "tests" / "data" / "email"
BATCH_WITH_MASTHEAD = "003_87e5efa75a85db55"
BATCH_WITHOUT_MASTHEAD = "004_8c0ce3aa714c14dc"

READER = EmailReader()


def _doc(folder: Path, content: str | bytes, name: str = "issue.txt") -> SourceDoc:
    """Write a real file and load it the way the pipeline does: bytes → decode → repair."""
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    text, _ = decode(path.read_bytes())
    return SourceDoc(path=path, rel=name, text=repair(text))


def _sample(folder: Path, stem: str) -> SourceDoc:
    return _doc(folder, (SAMPLES / f"{stem}.txt").read_bytes(), f"{stem}.txt")


def _read(folder: Path, content: str) -> Issue:
    return READER.read(_doc(folder, content))


STORY = """\
Dear friends,

A short letter about nothing in particular, long enough to be prose.

Keep learning!

Andrew

Drone race

Autonomous Drones Ready to Race

Pilots in drone races fly quadcopters around a course. Soon AI may fly them.

What's new: A league unveiled an autonomous racing drone.
How it works: The drone carries four cameras.

  • Teams tested their models on a simulated track.
  • The winner takes a prize.

Why it matters: Racing skills could transfer to delivery.

Thoughts, suggestions, feedback? Please send to team@example.com.

Copyright 2019 Example Inc., 1 Main Street, Springfield. All
rights reserved.
"""


# --- golden -------------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", [BATCH_WITH_MASTHEAD, BATCH_WITHOUT_MASTHEAD])
def test_golden_body(tmp_path, stem):
    issue = READER.read(_sample(tmp_path, stem))
    golden = EXPECTED / f"{stem}.md"
    if os.environ.get("VAULTGEN_REGEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(issue.body, encoding="utf-8")
    assert issue.body == golden.read_text(encoding="utf-8")


# --- metadata -----------------------------------------------------------------------------------

def test_masthead_gives_newsletter_and_date_and_leaves_the_body(tmp_path):
    issue = READER.read(_sample(tmp_path, BATCH_WITH_MASTHEAD))
    assert issue.newsletter == "The Batch"
    assert issue.date == dt.date(2019, 8, 7)
    assert issue.title is None  # no Subject: header, so the pipeline's fallback decides
    assert issue.reader == "email" and issue.source == f"{BATCH_WITH_MASTHEAD}.txt"
    assert issue.body.startswith("Dear friends,\n")
    assert "August 7, 2019" not in issue.body


def test_no_masthead_newsletter_from_footer_and_no_invented_date(tmp_path):
    issue = READER.read(_sample(tmp_path, BATCH_WITHOUT_MASTHEAD))
    assert issue.newsletter == "The Batch"  # from "Subscribe to The Batch"
    assert issue.date is None
    assert issue.title is None
    assert issue.body.startswith("Dear friends,\n\nI just replaced my two-year-old phone")


def test_nothing_known_means_none(tmp_path):
    issue = _read(tmp_path, "Hello there,\n\nJust one paragraph of text here.\n")
    assert (issue.newsletter, issue.date, issue.title, issue.number) == (None, None, None, None)


def test_email_headers_give_title_and_date(tmp_path):
    issue = READER.read(_doc(tmp_path, (FIXTURES / "wrapped_digest.txt").read_bytes()))
    assert issue.title == "Robot Digest #12: Warehouse arms, tiny models"
    assert issue.date == dt.date(2023, 3, 14)
    assert issue.newsletter == "Robot Digest"
    assert issue.number == 12
    assert "Subject:" not in issue.body and "Issue #12" not in issue.body


def test_masthead_date_between_separators(tmp_path):
    issue = _read(tmp_path, "Weekly Widgets\nIssue 7 · 3 March 2021\n\nA Widget Story\n\nSome prose follows here.\n")
    assert issue.newsletter == "Weekly Widgets"
    assert issue.date == dt.date(2021, 3, 3)
    assert issue.number == 7


# --- body structure -----------------------------------------------------------------------------

def test_letter_kept_as_plain_paragraphs_with_signoff_and_name(tmp_path):
    body = _read(tmp_path, STORY).body
    assert body.startswith("Dear friends,\n\nA short letter about nothing in particular")
    assert "\n\nKeep learning!\n\nAndrew\n\n## Autonomous Drones Ready to Race\n" in body
    assert "## Dear" not in body and "## Keep" not in body and "## Andrew" not in body


def test_headline_after_alt_text_line(tmp_path):
    body = _read(tmp_path, STORY).body
    assert "## Autonomous Drones Ready to Race\n\n_(image: Drone race)_\n\nPilots in drone races" in body
    assert "## Drone race" not in body
    assert body.count("\n## ") == 1


def test_headline_without_alt_text(tmp_path):
    body = _read(tmp_path, "Dear all,\n\nLetter text.\n\nCheers!\n\nBig News Today\n\nThe news is big.\n").body
    assert "## Big News Today\n\nThe news is big." in body
    assert "_(image:" not in body


def test_a_headline_over_a_dek_is_a_heading_colon_and_all(tmp_path):
    # Import AI's plain text: headline, "...dek...", story; a label line with a colon is not a headline
    text = ("Welcome to Import AI, a newsletter about AI research.\n\n"
            "DeepMind makes a better weather forecaster:\n...GraphCast beats the European model...\n"
            "Researchers built GraphCast.\nWhy this matters: Forecasts matter.\n\n"
            "####################################################\n\n"
            "Here is what happened:\nResearchers built a model.\n\n"
            "500X GPU efficiency via better kernels:\n...FlashAttention-3 is out...\nTri Dao released it.\n")
    body = _read(tmp_path, text).body
    assert "## DeepMind makes a better weather forecaster\n\n...GraphCast beats the European model..." in body
    assert "## 500X GPU efficiency via better kernels\n\n" in body and body.count("\n## ") == 2


def test_heading_text_is_anchor_safe(tmp_path):
    body = _read(tmp_path, "Q&A: What's [Next] for #1 | ^AI\n\nThe answer follows in this paragraph.\n").body
    heading = re.search(r"^## (.*)$", body, re.M).group(1)
    assert heading == "Q&A - What's Next for 1 AI"


def test_labelled_paragraphs_become_callouts(tmp_path):
    body = _read(tmp_path, STORY).body
    # consecutive labelled lines without a blank line are separate callouts
    assert ("> [!note] What's new\n> A league unveiled an autonomous racing drone.\n\n"
            "> [!note] How it works\n> The drone carries four cameras.\n>\n") in body
    assert "> [!important] Why it matters\n> Racing skills could transfer to delivery.\n" in body
    assert "**" not in body


def test_callout_types_read_as_the_label_says(tmp_path):
    body = _read(tmp_path, "What's new: A lab trained a hand.\n\nResults: It solved the cube.\n\n"
                           "Yes, but: Only sometimes.\n\nWe’re thinking: Impressive anyway.\n\n"
                           "Behind the news: Robots have tried before.\n\nSmarter skin: A sensor, too.\n").body
    assert [line for line in body.split("\n") if line.startswith("> [!")] == [
        "> [!note] What's new", "> [!success] Results", "> [!warning] Yes, but", "> [!quote] We’re thinking",
        "> [!info] Behind the news", "> [!note] Smarter skin"]


def test_lines_of_one_block_stay_in_the_labels_callout(tmp_path):
    body = _read(tmp_path, "What's new: A lab trained a hand.\nThe hand has five fingers.\n"
                           "  • It learned in simulation.\n\nWhy it matters: Dexterity is hard.\n\n"
                           "A paragraph of its own.\n").body
    assert body == ("> [!note] What's new\n> A lab trained a hand.\n>\n> The hand has five fingers.\n>\n"
                    "> - It learned in simulation.\n\n> [!important] Why it matters\n> Dexterity is hard.\n\n"
                    "A paragraph of its own.\n")


def test_labels_stay_bold_in_an_issue_without_well_known_ones(tmp_path):
    # "OpenAI: …" in a roundup is a story, not a note about one
    body = _read(tmp_path, "OpenAI: Released a new model today.\n\nGoogle: Shipped a new chip.\n\n"
                           "Why it matters: Once is not a style.\n").body
    assert "[!" not in body
    assert "**OpenAI:** Released a new model today." in body and "**Why it matters:** Once" in body



def test_label_needs_short_capitalised_prefix(tmp_path):
    body = _read(tmp_path, "Drugs generally are developed by brute-force chemistry: Scientists mix and test.\n"
                           "The answer is simple: use more data.\n").body
    assert "**" not in body


def test_label_alone_on_its_line(tmp_path):
    body = _read(tmp_path, "Competitive strengths:\n\n  • Speed.\n  • Size.\n").body
    assert body == "**Competitive strengths:**\n\n- Speed.\n- Size.\n"


def test_bullets_become_markdown_list_in_the_callout_they_follow(tmp_path):
    body = _read(tmp_path, STORY).body
    assert ("> [!note] How it works\n> The drone carries four cameras.\n>\n"
            "> - Teams tested their models on a simulated track.\n> - The winner takes a prize.\n\n") in body
    assert "•" not in body


def test_a_label_over_nothing_but_a_list_is_a_callout_of_the_list(tmp_path):
    body = _read(tmp_path, "What's new: A lab trained a hand.\n\nHow it works:\n  • It learned in simulation.\n"
                           "  • Then it was tested.\n\nMisc:\n\nA paragraph of its own.\n").body
    assert body == ("> [!note] What's new\n> A lab trained a hand.\n\n> [!note] How it works\n"
                    "> - It learned in simulation.\n> - Then it was tested.\n\n**Misc:**\n\nA paragraph of its own.\n")


def test_hard_wrapped_lines_and_urls_are_joined(tmp_path):
    body = READER.read(_doc(tmp_path, (FIXTURES / "wrapped_digest.txt").read_bytes())).body
    assert ("This week was busy. We read forty papers so you do not have to, and picked the three that "
            "matter most for people who ship robots in the real world.") in body
    assert "https://example.com/research/warehouse-arms/stacking-simulator?ref=digest so that" in body
    assert ("- Training took two days on eight GPUs, far less than earlier methods that needed weeks of "
            "real-world trials.") in body
    assert "Cheers,\n\nMaya\n\n## Warehouse Arms Learn to Stack\n\n_(image: A robotic arm stacking boxes)_" in body


def test_lines_wrapped_before_a_capital_are_joined_though_urls_run_past_the_column(tmp_path):
    """The column is the prose's: a tracking URL is not broken at it, and a line that ends on a first name goes on
    with the surname (a capital after no full stop, which only the column tells from a new paragraph)."""
    prose = ("Co-founder and CEO Dana Whitfield spent six years running trade\n"
             "compliance at Flexport before starting Harbor in 2023 with CTO Rafael\n"
             "Okonkwo-Reyes, formerly a staff engineer on Stripe's risk team. Their\n"
             "pitch: a container that sits in a harbor for one extra day because of\n"
             "a misfiled tariff code costs a shipper more than Harbor charges for a\n"
             "month, which is why the company has now raised a $40M Series B led by\n"
             "Index Ventures. Lightspeed and Base10 Partners also joined the round.\n")
    urls = "".join(f"https://example.com/r/{n}?utm_source=email&utm_medium=newsletter&utm_campaign=dp-{n}\n"
                   for n in range(3))
    footer = "Forward to a friend: https://example.com/share?ref=9f3a1c&utm_source=email\nThanks!\n"
    body = _read(tmp_path, f"{prose}\nRead more:\n{urls}\n{footer}").body
    assert "with CTO Rafael Okonkwo-Reyes, formerly" in body and "led by Index Ventures. Lightspeed" in body
    assert "campaign=dp-0 https://example.com/r/1?" in body  # two URLs on two lines are two URLs


def test_unwrapped_lines_stay_separate_paragraphs(tmp_path):
    body = _read(tmp_path, "The first sentence is a whole paragraph.\nThe second one is too.\n").body
    assert body == "The first sentence is a whole paragraph.\n\nThe second one is too.\n"


def test_course_ad_becomes_folded_callout_with_its_alt_text(tmp_path):
    issue = READER.read(_sample(tmp_path, BATCH_WITH_MASTHEAD))
    assert ("> [!note]- Sponsored\n> ML Iterative Cycle Course Ad\n>\n> It’s hard to know in advance"
            in issue.body)
    assert "Enroll today!\n\n## Protein Predictor" in issue.body


def test_ad_without_alt_text(tmp_path):
    body = _read(tmp_path, "Story Title\n\nSome story prose here.\n\n"
                           "Learn how to build models in Course 4 of our Specialization. Start today\n").body
    assert body.endswith("> [!note]- Sponsored\n> Learn how to build models in Course 4 of our "
                         "Specialization. Start today\n")


def test_message_from_sponsor_block(tmp_path):
    body = READER.read(_doc(tmp_path, (FIXTURES / "wrapped_digest.txt").read_bytes())).body
    assert ("> [!note]- Sponsored\n> A message from Acme Cloud\n>\n> Train your models twice as fast on "
            "Acme GPUs.") in body
    assert "Sign up today!\n\n## Tiny Models, Big Results\n" in body


def test_story_mentioning_sponsors_is_not_an_ad(tmp_path):
    body = _read(tmp_path, "A Contest\n\nThe contest, sponsored by a bank, starts today. "
                           "Teams register now and compete in June.\n").body
    assert "[!note]" not in body


def test_footer_dropped(tmp_path):
    body = _read(tmp_path, STORY).body
    assert body.rstrip().endswith("> [!important] Why it matters\n> Racing skills could transfer to delivery.")
    for boilerplate in ("Thoughts, suggestions", "Copyright", "rights reserved", "team@example.com"):
        assert boilerplate not in body
    sample = READER.read(_sample(tmp_path, BATCH_WITH_MASTHEAD)).body
    for boilerplate in ("Subscribe", "unsubscribe", "Page Mill Road", "Behance", "thebatch@"):
        assert boilerplate not in sample
    assert sample.endswith("Now machine learning engineers can have the best of all worlds.\n")


def test_story_about_copyright_at_the_end_is_kept(tmp_path):
    body = _read(tmp_path, "Court Rules on AI Art\n\nA court ruled on copyright for images made by models. "
                           "The decision covers training data, outputs and licences for many artists "
                           "who had sued, and it may shape the law for years to come in several countries.\n").body
    assert "A court ruled on copyright" in body


def test_markdown_specials_are_escaped(tmp_path):
    body = READER.read(_doc(tmp_path, (FIXTURES / "wrapped_digest.txt").read_bytes())).body
    assert "\n\\# not a heading, just a hash\n" in body
    assert "\\[\\[not a link]] and \\%\\%not a comment\\%\\% and \\<\\% tp.date %>" in body
    assert "\\$2 chip" in body and "\\#TinyML" in body
    assert "[[" not in body and "%%" not in body and "<%" not in body


@pytest.mark.parametrize("line, escaped", [
    ("> not a quote", "\\> not a quote"),
    ("2019. A year in review.", "2019\\. A year in review."),
    ("[1]: https://example.com", "\\[1]: https://example.com"),
    ("| a | b |", "\\| a | b |"),
    ("See <b>bold</b> and <https://example.com>.", "See \\<b>bold\\</b> and <https://example.com>."),
])
def test_structure_at_paragraph_start_is_inert(tmp_path, line, escaped):
    assert _read(tmp_path, line + "\n").body == escaped + "\n"


def test_section_label_byline_and_separators(tmp_path):
    issue = _read(tmp_path, """\
TOP STORIES

Chatbots Go Mainstream

By Jane Doe

Millions of people now chat with bots. Users can subscribe to Netflix and ask bots.

* * *

Google Pulls Political Ad

The company removed a campaign ad after complaints. Enroll today!
""")
    body = issue.body
    assert body.startswith("## TOP STORIES\n\n## Chatbots Go Mainstream\n\nBy Jane Doe\n\nMillions")
    assert "_(image:" not in body and "* * *" not in body
    assert "## Google Pulls Political Ad\n\nThe company removed" in body and "[!note]" not in body
    assert issue.newsletter is None  # "subscribe to Netflix" in a story names no newsletter


def test_parenthesised_sponsored_line_opens_an_ad(tmp_path):
    body = _read(tmp_path, "A Story\n\nStory text here.\n\nFaster Builds With Acme (Sponsored)\n\n"
                           "Acme compiles your code in half the time.\n\nNext Story\n\nMore story text.\n").body
    assert ("> [!note]- Sponsored\n> Faster Builds With Acme (Sponsored)\n>\n> Acme compiles your code in "
            "half the time.\n\n## Next Story\n") in body


# --- errors and robustness ----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   \n\t\n", "\u00a0\n"])
def test_empty_text_is_a_source_error(tmp_path, text):
    doc = SourceDoc(path=tmp_path / "e.txt", rel="e.txt", text=text)
    with pytest.raises(SourceError) as info:
        READER.read(doc)
    assert info.value.path == "e.txt" and info.value.reason == "empty file"


def test_only_footer_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match="no content"):
        _read(tmp_path, "Unsubscribe here.\n\nCopyright 2020 Example Inc.\n")


# Fragments that steer the reader into its branches (letter, labels, ads, footer, headers); the
# second strategy is unrestricted text.
_FRAGMENTS = list("ab Z:•#[]%<>$-.,!?\n\n\n\t\u00a0") + [
    "Dear friends,", "Keep learning!", "What's new: ", "Copyright 2020", "https://x.io/", "  • ",
    "Start today", "August 7, 2019", "Subject: ", "Date: ", "Course 4", "A message from X"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=120).map("".join) | st.text(max_size=300))
def test_any_text_gives_an_issue_or_a_source_error(tmp_path, text):
    doc = SourceDoc(path=tmp_path / "h.txt", rel="h.txt", text=text)
    assert 0.0 <= READER.score(doc) <= 1.0
    try:
        issue = READER.read(doc)
    except SourceError as exc:
        assert exc.path == "h.txt"
        return
    assert isinstance(issue, Issue) and issue.body.endswith("\n") and issue.body.strip()
    assert not re.search(r"(?<!\\)(\[\[|%%|<%)", issue.body)


def test_a_megabyte_on_one_line_is_read(tmp_path):
    issue = _read(tmp_path, "word " * 200_000)
    assert issue.body.count("word") == 200_000


# --- score --------------------------------------------------------------------------------------

def test_score_samples_look_like_email(tmp_path):
    for stem in (BATCH_WITH_MASTHEAD, BATCH_WITHOUT_MASTHEAD):
        assert 0.65 <= READER.score(_sample(tmp_path, stem)) <= 0.75
    assert READER.score(_doc(tmp_path, (FIXTURES / "wrapped_digest.txt").read_bytes())) >= 0.65


def test_score_zero_for_frontmatter_markdown_and_html(tmp_path):
    frontmatter = "---\ntitle: An issue\ndate: 2019-10-13\n---\n\nDear friends,\n\nWhat's new: text here.\n"
    html = "<!DOCTYPE html><html><body><p>Dear friends,</p><p>What's new: x</p></body></html>"
    assert READER.score(_doc(tmp_path, frontmatter)) == 0.0
    assert READER.score(_doc(tmp_path, html, "h.html")) == 0.0
    assert READER.score(_sample(tmp_path, "000_08b7c5cf3f2cafef")) == 0.0  # a real frontmatter issue


def test_score_ordering(tmp_path):
    email = READER.score(_sample(tmp_path, BATCH_WITHOUT_MASTHEAD))
    markdown = READER.score(_sample(tmp_path, "002_9bee8cc4421629a8"))  # '# title' and [x](y) links
    plain = READER.score(_doc(tmp_path, "Just some notes.\nNothing e-mail like here.\n"))
    md_email = READER.score(_doc(tmp_path, "# Weekly\n\nDear friends,\n\nWhat's new: [a](https://a.io) "
                                           "is out now and more.\n\n## Story\n\nWhy it matters: it does.\n"))
    assert email > 0.6 > md_email and md_email < 0.5
    assert markdown < 0.1 and plain < 0.1
    assert READER.score(SourceDoc(path=tmp_path / "e", rel="e", text="")) == 0.0


def test_registers_through_the_plugin_hook():
    found = []
    email_reader.register_readers(register=found.append)
    assert len(found) == 1 and found[0].name == "email"
    assert callable(found[0].score) and callable(found[0].read)


_REFERENCED = """From: TLDR <dan@tldr.example>
Subject: TLDR 2024-05-07: OpenAI search, Apple M4

Hi all,

OpenAI is building a search engine (3 minute read) [1]

OpenAI plans to launch a search product that competes with Google, a report says [2]. Nobody knows when [9].

Apple unveils the M4 chip (4 minute read) [3]

Apple announced the M4 chip at its iPad event in Cupertino.

Thanks for reading,
Dan

Links:
------
[1] https://www.theverge.com/2024/5/7/openai-search?utm_source=tldr
[2] https://www.reuters.com/openai
[3] https://www.apple.com/newsroom/2024/05/m4
"""


def test_numbered_references_become_links_where_they_stand_and_their_list_goes(tmp_path):
    body = _read(tmp_path, _REFERENCED).body
    assert "## OpenAI is building a search engine (3 minute read)\n\n[link](https://www.theverge.com/2024/5/7/openai-search" \
        in body
    assert "a report says [link](https://www.reuters.com/openai). Nobody knows when [9]." in body.replace("\\[9\\]", "[9]")
    assert "## Apple unveils the M4 chip (4 minute read)\n\n[link](https://www.apple.com/newsroom/2024/05/m4)" in body
    assert "Links:" not in body and "[1] https" not in body and "------" not in body


def test_a_numbered_url_no_text_cites_is_the_texts_own(tmp_path):
    text = "Hi all,\n\nOur favourite list of tools, in order:\n\n[1] https://a.example/tool\n\nThanks for reading,\nDan\n"
    assert "https://a.example/tool" in _read(tmp_path, text).body


_DIGEST = """Bytes Daily 2024-05-07

Subscribe now

A search engine, a protein model and a language model (5 minute read)

Headlines & Launches

A search engine could launch next week (2 minute read) [1]

Acme AI is reportedly preparing to launch a search engine built on its chat
assistant. The product, which may be announced on Monday, would compete with
Google and Perplexity.

Research & Innovation

A protein model predicts the structure of molecules (4 minute read) [2]

Zeta Labs released FoldNet 3, which predicts the structure and interactions
of proteins, DNA, RNA and ligands.

Love Bytes Daily? Tell your friends and get rewards!
Share your referral link below to get free swag!

Want to advertise in Bytes Daily? Apply here [3].

Links:
[1] https://news.example.com/2024/5/2/search?utm_source=bytes
[2] https://blog.example.org/foldnet-3/?utm_source=bytes
[3] https://advertise.example.com/
"""


def test_a_plain_text_digest_without_headers_is_an_email_with_its_masthead_references_and_footer(tmp_path):
    from vaultgen.plugins import readers
    from vaultgen.reading import choose_reader
    doc = _doc(tmp_path, _DIGEST, "bytes-2024-05-07.txt")
    assert choose_reader(doc, readers()).name == "email"
    issue = READER.read(doc)
    assert (issue.newsletter, issue.date) == ("Bytes Daily", dt.date(2024, 5, 7))
    assert "[link](https://news.example.com/2024/5/2/search?utm_source=bytes)" in issue.body
    assert "compete with Google and Perplexity." in issue.body  # unwrapped
    assert "referral" not in issue.body and "advertise" not in issue.body and "[1]" not in issue.body
    assert "Subscribe now" not in issue.body  # a button of the HTML part, alone on its line


@pytest.mark.parametrize("sender,body_start,footer,newsletter", [
    ("Jack Clark <jack@jack-clark.net>", "Welcome to Import AI, a newsletter about AI.", "", "Import AI"),
    ("Jack Clark from Import AI <importai@substack.com>", "Hello.", "", "Import AI"),
    ("The Neuron <hello@theneurondaily.com>", "Welcome, humans.", "", "The Neuron"),
    ("Lea <lea@x.com>", "Hello.", "Copyright © 2024 Data Elixir, All rights reserved.\nUnsubscribe", "Data Elixir"),
    ("MIT Technology Review <n@technologyreview.com>", "Welcome to The Algorithm, our AI newsletter.", "",
     "The Algorithm"),
])
def test_the_newsletter_from_the_words_then_the_footers_copyright_then_the_sender(
        tmp_path, sender, body_start, footer, newsletter):
    from vaultgen.metadata import complete
    text = (f"From: {sender}\nSubject: Issue\n\n{body_start}\n\nA story about models that is long enough to be "
            f"story text and not a headline at all.\n\n{footer}\n")
    assert complete(_read(tmp_path, text), {}).newsletter == newsletter


@pytest.mark.parametrize("sender,authors", [
    ("Jack Clark from Import AI <importai@substack.com>", ("Jack Clark",)),   # Substack's form
    ("Jack Clark <jack@jack-clark.net>", ()),     # a sender alone may be the newsletter's name: not guessed
    ("The Neuron <hello@theneurondaily.com>", ()),
])
def test_the_author_is_who_the_sender_says_writes_from_the_newsletter(tmp_path, sender, authors):
    text = f"From: {sender}\nSubject: Issue\n\nHello.\n\nA story about models that is long enough to be story text.\n"
    assert _read(tmp_path, text).authors == authors


@pytest.mark.parametrize("address", [
    "214 Barton Springs Rd, Austin, Texas, 78704, United States",
    "Data Elixir\nPO Box 3512\nBoulder, CO 80307",
    "MIT Technology Review · 196 Broadway, 3rd Floor · Cambridge, MA 02139 · USA",
])
def test_the_footers_postal_address_goes_with_the_footer(tmp_path, address):
    text = ("Hello friends,\n\nOpenAI shipped a new model this week, and Anthropic answered with one of its own.\n\n"
            "It was a busy week for everyone in the field, with more to come.\n\nThanks for reading,\nLior\n\n"
            f"Stop receiving emails here.\n{address}\n")
    body = _read(tmp_path, text).body
    assert "Lior" in body and "Stop receiving" not in body
    assert not re.search(r"Austin|Boulder|Cambridge|Broadway|Box", body)


@pytest.mark.parametrize("line", ["In March, Nvidia 10000 GPUs were sold.", "We trained 175 Billion parameters, and more."])
def test_numbers_beside_names_are_no_postal_address(line):
    assert not re.search(email_reader.POSTAL, line)


def test_counters_pictures_and_dash_items_of_a_plain_text_email(tmp_path):
    body = _read(tmp_path, """\
[image: The Daily logo]

Welcome, humans.

TOP NEWS

Anthropic's Claude 3.5 Sonnet beats GPT-4o

⇧ 8,412 Likes

Anthropic released a model today, and it beats the others on most of the usual benchmarks.

TRENDING SIGNALS

Runway unveils Gen-3 Alpha video model [1]
⇧ 1,221 Likes

TOP PAPERS

Chameleon: Mixed-Modal Early-Fusion Foundation Models [2]

Meta presents a family of early-fusion token-based models that read and write images and text.

Bits and Bytes

– Scarlett Johansson says the voice sounds like hers (The Verge)
https://www.theverge.com/2024/5/20/scarlett

– The EU AI Act gets final approval (Euractiv)

Thanks for reading! And remember that a sentence can run on
– with a dash – like this one.

— Noah and Grant

[1] https://runwayml.com/research/gen-3
[2] https://arxiv.org/abs/2405.09818
""").body
    assert "Likes" not in body and "_(image:" not in body.split("## Anthropic")[1].split("## TOP PAPERS")[0]
    assert body.startswith("_(image: The Daily logo)_\n\nWelcome, humans.\n\n## TOP NEWS\n\n"
                           "## Anthropic's Claude 3.5 Sonnet beats GPT-4o\n\nAnthropic released")
    assert "## TRENDING SIGNALS" in body and "## TOP PAPERS" in body
    assert "Runway unveils Gen-3 Alpha video model [link](https://runwayml.com/research/gen-3)" in body
    assert ("- Scarlett Johansson says the voice sounds like hers (The Verge) https://www.theverge.com/2024/5/20/scarlett\n"
            "- The EU AI Act gets final approval (Euractiv)") in body
    assert "- with a dash" not in body and "— Noah and Grant" in body  # a dash that goes on a sentence, a sign-off


@pytest.mark.parametrize("line, url", [
    ("View in browser: https://news.example.com/p/issue-42?utm_source=email", "https://news.example.com/p/issue-42"),
    ("View this email in your browser (https://mailchi.mp/acme/issue-42)", "https://mailchi.mp/acme/issue-42"),
    ("Read online [1]", "https://news.example.com/p/issue-42"),
    ("View it in your browser: https://news.example.com/p/issue-42.", "https://news.example.com/p/issue-42"),
    ("Having trouble reading this? View it in your browser\nhttps://news.example.com/p/issue-42",
     "https://news.example.com/p/issue-42"),
])
def test_the_web_version_line_near_the_top_gives_the_issues_url_and_goes(tmp_path, line, url):
    text = (f"From: Acme <news@acme.example>\nSubject: Issue 42\n\n{line}\n\nHi all,\n\nA story about models that is "
            "long enough to be a story, with a link [2].\n\nThanks for reading,\nDan\n\n"
            "[1] https://news.example.com/p/issue-42\n[2] https://models.example.org/story\n")
    issue = _read(tmp_path, text)
    assert issue.url == url
    assert "browser" not in issue.body and "Read online" not in issue.body and "issue-42" not in issue.body
    assert "[link](https://models.example.org/story)" in issue.body


def test_a_click_tracker_is_no_web_version_and_a_sentence_about_browsers_stays(tmp_path):
    text = ("From: Acme <news@acme.example>\nSubject: Issue 42\n\nView in browser: https://u1234567.ct.sendgrid.net/ls/"
            "click?upn=abc123def456ghi789jkl012mno345pqr678\n\nHi all,\n\nYou can now read the model's answers online in "
            "your browser at https://models.example.org/answers, which we liked. The paper is free to read online at "
            "https://papers.example.org/1.\n\nThanks for reading,\nDan\n")
    issue = _read(tmp_path, text)
    assert issue.url is None
    assert "read the model's answers online in your browser" in issue.body and "free to read online at" in issue.body


def test_a_logos_alt_text_names_the_newsletter_and_numbered_headings_in_capitals_are_sections(tmp_path):
    issue = _read(tmp_path, "[image: Wafer & Watt logo]\n\nWAFER & WATT #88 | Monday, October 5, 2026\n\n"
                            "Good morning from Portland. This week: chips, memory and power.\n\n" + "-" * 40 + "\n"
                            "1. N2 IS A VOLUME NODE NOW\n" + "-" * 40 + "\n\n"
                            "TSMC's September revenue came in high, and N2 is now a volume node for real.\n\n"
                            + "-" * 40 + "\n2. IS SCALING HITTING A WALL?\n" + "-" * 40 + "\n\n"
                            "A report says the next model improves less than the last one did on its predecessor.\n\n"
                            "Things to do:\n\n1. Read the report\n2. Reply to us\n")
    assert issue.newsletter == "Wafer & Watt" and issue.number == 88
    assert "\n## 1. N2 IS A VOLUME NODE NOW\n" in issue.body and "\n## 2. IS SCALING HITTING A WALL?\n" in issue.body
    assert "1. Read the report\n2. Reply to us" in issue.body and "image" not in issue.body
    other = _read(tmp_path, "[image: Email header]\n\nTHE CHIP LETTER | October 5, 2026\n\n"
                            "Good morning from Portland. This week: chips, memory and power.\n")
    assert other.newsletter == "THE CHIP LETTER"  # a header picture names nothing ("Email" it would be)


def test_a_forwarded_newsletter_is_read_by_its_own_headers_and_its_wrap_column_outlives_one_long_line(tmp_path):
    wrapped = ("Good morning. A heavy week: OpenAI admitted its first device won't ship\n"
               "this year, and Nvidia says its racks are in full production again now.\n"
               "The bottleneck is a custom inference chip built with Jony Ive's team,\n"
               "according to The Information. Separately, OpenAI cut its API prices.\n") * 6
    issue = _read(tmp_path, "---------- Forwarded message ---------\n"
                            "From: The Weekly Tensor <rosa@weeklytensor.news>\n"
                            "Date: Mon, May 4, 2026 at 6:47 AM\n"
                            "Subject: Weekly Tensor #87: OpenAI's gadget slips, Rubin ships, Brussels hits pause (sort of)\n"
                            "To: <reader@example.com>\n\n\n" + "=" * 40 + "\n1. LABS\n" + "=" * 40 + "\n\n"
                            + wrapped + "Sam Altman told staff at Thursday's all-hands that the companion built with Jony\n"
                            "Ive's io team will not ship before 2027, says the report from The\n"
                            "Information.\n")
    assert issue.title.startswith("Weekly Tensor #87: OpenAI's gadget slips") and issue.date == dt.date(2026, 5, 4)
    assert issue.newsletter == "The Weekly Tensor" and not issue.warnings
    assert "Forwarded" not in issue.body and issue.body.startswith("## 1. LABS\n")
    assert "built with Jony Ive's io team" in issue.body and "from The Information." in issue.body


@pytest.mark.parametrize("sender,masthead,newsletter", [
    ("Dry Powder <editors@drypowder.news>", "DRY POWDER -- the week in AI venture, in ten minutes\nMonday, March 9, 2026",
     "Dry Powder"),                                                     # the tagline goes, the sender spells it
    ("TLDR AI <dan@tldrnewsletter.com>", "TLDR\n\nTOGETHER WITH [WorkOS]", "TLDR AI"),    # the sender says it in full
    ("Lea <lea@x.com>", "AI WEEKLY — Issue #362 — February 15, 2024\nThe week's most important AI news, research and "
     "tools. Curated by hand, every Thursday.", "AI WEEKLY"),          # a name shouted everywhere stays shouted
    ("The Batch <thebatch@deeplearning.ai>", "WEEKLY ISSUE -- February 15, 2024", "The Batch"),
])
def test_a_mastheads_name_without_its_tagline_spelt_as_the_sender_spells_it(tmp_path, sender, masthead, newsletter):
    from vaultgen.metadata import complete
    text = (f"From: {sender}\nSubject: This week\n\n{masthead}\n\nHi there,\n\nA story about models that is long "
            f"enough to be story text and not a headline at all, with OpenAI in it.\n")
    issue = complete(_read(tmp_path, text), {})
    assert issue.newsletter == newsletter
    assert "Curated by hand" not in issue.body and "the week in AI venture" not in issue.body


def test_an_issue_without_a_subject_is_titled_by_its_newsletter_and_number(tmp_path):
    from vaultgen.metadata import complete
    text = ("IA BRASIL | Edição #87 | Segunda-feira, 3 de março de 2025\nSua dose semanal de inteligência artificial, "
            "com sotaque brasileiro.\n\nBom dia! Foi uma semana de lançamentos em série, e a Anthropic lançou modelos "
            "novos na rua.\n\n==========\nDESTAQUE DA SEMANA\n==========\n\nA Anthropic lançou o Claude 3.7 Sonnet, "
            "que a empresa chama de primeiro modelo híbrido de raciocínio.\n")
    issue = complete(_read(tmp_path, text), {})
    assert (issue.newsletter, issue.number, issue.title) == ("IA BRASIL", 87, "IA BRASIL #87")


def test_outlooks_picture_placeholder_is_no_masthead(tmp_path):
    from vaultgen.metadata import complete
    text = ("From: Lea Park <lea@bank.example>\nSubject: Infra Weekly – Rubin ramp\n\n[cid:image001.png@01DCA47E.3B2F9C10]"
            "\n\nGood morning all,\n\nA busy week. Nvidia guided above the Street, and TSMC said CoWoS is sold out.\n")
    issue = complete(_read(tmp_path, text), {})
    assert issue.newsletter == "Infra Weekly" and "cid:" not in issue.body


def test_a_plain_text_digest_named_by_its_dash_masthead_titled_by_it_not_by_a_shouted_section(tmp_path):
    """"HN AI Digest - Monday, September 21, 2026" names the newsletter; "ASK HN", a section, is no title."""
    from vaultgen.metadata import complete
    text = ("HN AI Digest - Monday, September 21, 2026\nThe AI stories with the most points on Hacker News.\n\n"
            "1. OpenAI releases gpt-oss-2 under Apache 2.0 (openai.com)\n   1204 points by quietbyte | 612 comments\n"
            "   The top comment has it running at 38 tok/s on a laptop through LM Studio, which is fast.\n\n"
            "ASK HN\n\nAsk HN: Is anyone running local models for code review at work? Many are, it seems.\n")
    issue = complete(_read(tmp_path, text), {})
    assert (issue.newsletter, issue.title, issue.date) == ("HN AI Digest", "HN AI Digest", dt.date(2026, 9, 21))


def test_the_senders_newsletter_wins_over_what_the_file_name_spells(tmp_path):
    from vaultgen.metadata import complete
    text = ("From: \"Nadia Ferraro at Wet Lab, Dry Lab\" <nadia@wetlabdrylab.bio>\nSubject: Isomorphic's first IND\n\n"
            "Hi all,\n\nA story about models that is long enough to be story text and not a headline at all.\n")
    path = tmp_path / "kit-bio-ai-letter-2026-10-06.eml"
    path.write_text(text, encoding="utf-8")
    issue = complete(READER.read(SourceDoc(path, path.name, text)), {})
    assert issue.newsletter == "Wet Lab, Dry Lab"


FORWARDED_TWICE = """---------- Forwarded message ---------
From: Dana Whitaker <dana@home.example>
Date: Sun, Apr 26, 2026 at 10:41 PM
Subject: Fwd: FW: The Gradient Roundup (April): ICLR goes to Rio
To: Dana Whitaker <dana@work.example>


for Monday's reading group: items 2 and 4.

D.

---------- Forwarded message ---------
From: Dana Whitaker <dana@work.example>
Date: Thu, Apr 23, 2026 at 7:58 AM
Subject: FW: The Gradient Roundup (April): ICLR goes to Rio
To: dana@home.example


Sending to personal so I can read it on the train.

---------- Forwarded message ---------
From: The Gradient Roundup <editor@gradientroundup.example>
Date: Tue, Apr 21, 2026 at 6:30 AM
Subject: The Gradient Roundup (April): ICLR goes to Rio
To: <dana@work.example>

> THE GRADIENT ROUNDUP
> April 2026 | Issue 31
>
> Hello from a rainy Lisbon. ICLR 2026 heads to Rio de Janeiro, and Ai2 puts
> a ruler to the rulers.
>
> 1 / ICLR GOES TO RIO
>
> ICLR 2026 opens on Thursday at Riocentro, the first time the conference has
> been held in South America.
>
> > Your March issue was wrong about benchmarks.
> > -- Kwame Asante, Accra
"""


def test_a_newsletter_forwarded_on_and_on_is_read_as_it_was_sent_with_the_forwarders_notes_above():
    issue = EmailReader().read(SourceDoc(Path("/x/a.txt"), "a.txt", FORWARDED_TWICE))
    assert (issue.newsletter, issue.date, issue.title) == (
        "The Gradient Roundup", dt.date(2026, 4, 21), "The Gradient Roundup (April): ICLR goes to Rio")
    body = issue.body
    assert body.startswith("> [!quote] Forwarded with a note\n> for Monday's reading group: items 2 and 4.\n>\n> D.")
    assert "> Sending to personal so I can read it on the train." in body
    assert "From:" not in body and "Forwarded message" not in body and "\\> Hello" not in body
    assert "Hello from a rainy Lisbon. ICLR 2026 heads to Rio de Janeiro, and Ai2 puts a ruler to the rulers." in body
    assert "\\> Your March issue was wrong about benchmarks." in body   # a quote within, as written
