"""The Markdown reader takes an issue's fields from what other tools call them in frontmatter."""
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from vaultgen.metadata import to_date
from vaultgen.model import SourceDoc
from vaultgen.readers.markdown import MarkdownReader


def read(frontmatter: str, body: str = "Hello. OpenAI shipped a model.\n"):
    text = f"---\n{frontmatter.strip()}\n---\n\n{body}"
    return MarkdownReader().read(SourceDoc(Path("/x/a.md"), "a.md", text))


def test_fields_under_the_names_read_later_apps_and_exporters_give_them():
    issue = read("""
id: 7c1d
Title: "Import AI 350: Chips"
Publication: Import AI
Date_Published: Tue, 07 May 2024 08:30:00 +0200
url_original: https://importai.substack.com/p/import-ai-350
Tags: [newsletter, ai]
""")
    assert (issue.title, issue.newsletter, issue.date) == ("Import AI 350: Chips", "Import AI", dt.date(2024, 5, 7))
    assert issue.url == "https://importai.substack.com/p/import-ai-350" and issue.tags == ("newsletter", "ai")


@pytest.mark.parametrize("frontmatter,authors", [
    ("author: Jack Clark", ("Jack Clark",)),
    ("Author: billy_rick", ("billy_rick",)),                              # a Jekyll handle, as written
    ("authors: [Jack Clark, Helen Toner]", ("Jack Clark", "Helen Toner")),
    ("by: Jack Clark and Helen Toner", ("Jack Clark", "Helen Toner")),
    ("author: 'Clark, Jack'", ("Clark, Jack",)),                          # a comma is part of a name
    ("authors:\n  - name: Nathan Benaich\n    url: https://x.example", ("Nathan Benaich",)),  # Hugo's
    ("author: {name: Ann Lee}", ("Ann Lee",)),
    ("author: 'A &amp; B'\nwriter: Someone Else", ("A", "B")),           # entities decoded; the first key wins
    ("author: ''\nbyline: Lea Kim", ("Lea Kim",)),
    ("title: No one", ()),
])
def test_authors_from_what_tools_call_them(frontmatter, authors):
    assert read(frontmatter).authors == authors


def test_the_first_name_with_a_value_wins_and_the_usual_names_come_first():
    issue = read("title: Own title\nsubject: Subject line\ndate: 2024-01-02\ncreated: 2023-12-31\nissue: 12\n"
                 "edition: 13\nurl: https://a.example/1\nlink: https://b.example/2\nsubject_line: x")
    assert (issue.title, issue.date, issue.number, issue.url) == ("Own title", dt.date(2024, 1, 2), 12,
                                                                   "https://a.example/1")
    assert read("subject: Subject line\ntitle: ''").title == "Subject line"


@pytest.mark.parametrize("frontmatter,url,newsletter", [
    ("link: not a url\nsite_name: https://x.example", None, None),
    ("link: https://x.example/p\nsite_name: The Sequence", "https://x.example/p", "The Sequence"),
    ("source_url: https://x.example/s\npublication: [a, list]", "https://x.example/s", None),
    ("source: https://clipped.example/a\npublished: 2024-01-02", "https://clipped.example/a", None),  # Web Clipper
    ("source: Twitter", None, None),
])
def test_a_url_field_takes_only_a_url_and_a_newsletter_never_one(frontmatter, url, newsletter):
    issue = read(frontmatter)
    assert (issue.url, issue.newsletter) == (url, newsletter)


@pytest.mark.parametrize("value,expected", [
    ("2024-05-07", dt.date(2024, 5, 7)), ("2024-05-07T10:00:00Z", dt.date(2024, 5, 7)),
    ("Tue, 07 May 2024 08:30:00 +0200", dt.date(2024, 5, 7)), ("May 7, 2024", dt.date(2024, 5, 7)),
    ("7 May 2024", dt.date(2024, 5, 7)), ("2019", None), ("soon", None), ("Monday", None), (None, None),
    ("2020-02-30", None),
])
def test_dates_in_the_forms_exports_write_them(value, expected):
    assert to_date(value) == expected


def test_bold_lines_title_the_sections_and_stories_of_an_issue_without_headings():
    body = ("Welcome to Import AI.\n\n"
            "**DeepMind makes a better forecaster:**\n*...GraphCast beats the European model...*\nResearchers built it.\n\n"
            "####################################################\n\n"
            "**Tech Tales:**\n\nShe kept the old barometer.\n\n"
            "**Thanks for reading!**\n")
    assert read("title: Import AI 351", body).body == (
        "Welcome to Import AI.\n\n"
        "## DeepMind makes a better forecaster\n\n*...GraphCast beats the European model...*\nResearchers built it.\n\n"
        "---\n\n"
        "## Tech Tales\n\nShe kept the old barometer.\n\n"
        "**Thanks for reading!**\n")


def test_one_bold_line_alone_is_emphasis_and_under_sections_bold_lines_are_stories():
    assert read("title: T", "Intro.\n\n**Big news**\n\nText.\n").body == "Intro.\n\n**Big news**\n\nText.\n"
    body = "## News\n\n**Quick links 🔌**\n\n* a\n\n**Microsoft invests in OpenAI.**\n\nText.\n\n**Forward it?**\n"
    assert read("title: T", body).body == (
        "## News\n\n### Quick links 🔌\n\n* a\n\n### Microsoft invests in OpenAI\n\nText.\n\n**Forward it?**\n")


@pytest.mark.parametrize("title,newsletter,number", [
    ("Import AI 351: GraphCast; Yi-34B", "Import AI", 351),
    ("TLDR AI 2024-05-07", "TLDR AI", None),
    ("Import AI 3.5 is out", "Import AI", None),
])
def test_the_number_after_the_newsletters_name_in_a_title_is_the_issues(title, newsletter, number):
    from vaultgen.metadata import complete
    issue = complete(read(f"title: '{title}'\nnewsletter: {newsletter}"), {})
    assert issue.number == number


@pytest.mark.parametrize("title,newsletter", [
    ("Open Weights Changelog · week 41", "Open Weights Changelog"),
    ("🌱 Open Weights Collective — Community Digest, April 2026", "Open Weights Collective"),
    ("Climate ML notes, Feb 2026: AIFS ENS goes live", "Climate ML notes"),
    ("Anthropic ships Claude, week 3 of the saga", "Newsletter"),
])
def test_a_title_that_opens_with_a_name_then_which_issue_it_is_names_the_newsletter(title, newsletter):
    from vaultgen.metadata import complete
    issue = complete(MarkdownReader().read(SourceDoc(Path("/x/a.md"), "a.md", f"# {title}\n\nSome text here.\n")), {})
    assert issue.newsletter == newsletter


def test_frontmatter_that_is_not_yaml_still_gives_its_plain_fields_and_the_line_at_fault():
    text = "---\ntitle: Deep Learning Weekly: Issue #227\ndate: 2021-12-08\ntags: [a, b\n---\n\nHello.\n"
    issue = MarkdownReader().read(SourceDoc(Path("/x/a.md"), "a.md", text))
    assert (issue.title, issue.date) == ("Deep Learning Weekly: Issue #227", dt.date(2021, 12, 8))
    assert "(line 2)" in issue.warnings[0] and issue.body.startswith("```yaml\ntitle: Deep Learning Weekly")
    from vaultgen.metadata import complete
    assert (complete(issue, {}).newsletter, complete(issue, {}).number) == ("Deep Learning Weekly", 227)


def test_substack_and_revue_chrome_goes_and_text_about_it_and_code_stay():
    story = "Story text that is long enough to be the bulk of the issue, about models and data. " * 6
    body = ("Last Week in AI is a reader-supported publication. To receive new posts and support our work, consider "
            "becoming a free or paid subscriber.\n\n[Subscribe now](https://lastweekin.ai/subscribe?)\n\n"
            f"{story}\n\n"
            "[Share](https://lastweekin.ai/p/262?action=share) · [Leave a comment](https://lastweekin.ai/p/262/comments)"
            "\n\n```\nunsubscribe()\n\n[Share](https://x.org/)\n```\n\n"
            "Google lets you unsubscribe from ads.\n\n"
            f"{story}\n\n{story}\n\n"
            "Did you enjoy this issue? [Yes](https://www.getrevue.co/x?rating=yes) [No](https://www.getrevue.co/x?rating=no)"
            "\n\nPowered by Revue · Deep Learning Weekly, 1 Market St, San Francisco, CA 94105\n")
    out = read("title: T", body).body
    for gone in ("reader-supported", "Subscribe now", "[Share](https://lastweekin", "Leave a comment", "rating=yes",
                 "Powered by Revue"):
        assert gone not in out
    assert "unsubscribe()\n\n[Share](https://x.org/)\n```" in out and "Google lets you unsubscribe from ads." in out
    assert out.count(story.strip()) == 3


@pytest.mark.parametrize("head,expected", [
    ("Issue 498 • August 6, 2024\n\nThis week: Llama 3.1.", dt.date(2024, 8, 6)),
    ("*May 27, 2024* · *Froth on the Daydream (FOD)* – our weekly summary", dt.date(2024, 5, 27)),
    ("# Papers with Code Newsletter #18\n\n*Published October 5, 2021 · by Elvis Saravia*", dt.date(2021, 10, 5)),
    ("Tuesday, Sept. 3rd, 2023\n\nHello.", dt.date(2023, 9, 3)),
    ("_Sent on 2 Jan 2020_", dt.date(2020, 1, 2)),
    # A date in a sentence is an event's; one far down the text is a story's; a day that does not exist is no date.
    ("On May 5, 2024, OpenAI released a model.", None),
    ("\n".join(["A line of text."] * 12) + "\nMay 5, 2024", None),
    ("Issue 12 • February 30, 2024", None),
])
def test_a_dateline_at_the_top_of_the_text_dates_an_issue_its_file_does_not(head, expected):
    from vaultgen.metadata import complete
    issue = complete(MarkdownReader().read(SourceDoc(Path("/x/a.md"), "a.md", head + "\n\nOpenAI shipped.\n")), {})
    assert issue.date == expected


def test_a_file_names_date_is_taken_only_when_the_text_has_none():
    from vaultgen.metadata import complete
    text = "*March 15, 2021*\n\nHello.\n"
    assert complete(MarkdownReader().read(SourceDoc(Path("/x/a.md"), "2021-3-16-107.md", text)), {}).date == \
        dt.date(2021, 3, 15)
    assert complete(MarkdownReader().read(SourceDoc(Path("/x/a.md"), "2021-3-16-107.md", "Hello.\n")), {}).date == \
        dt.date(2021, 3, 16)


def test_a_reader_polls_answers_go_from_a_markdown_issue():
    story = "Story text that is long enough to be the bulk of the issue, about models and data. " * 6
    body = (f"{story}\n\n{story}\n\n**How did you like today’s email?**\n\n"
            "[😍 Loved it](https://x.com/p/a?poll=1&vote=love) [👎 Not great](https://x.com/p/a?poll=1&vote=meh)\n")
    out = read("title: T", body).body
    assert "Loved it" not in out and "How did you like" not in out and out.count(story.strip()) == 2


def test_a_read_online_link_gives_an_issue_without_a_url_its_own():
    story = "Story text that is long enough to be the bulk of the issue, about models and data. " * 6
    body = f"[View online](https://mailchi.mp/jack-clark/import-ai-371?e=4f2a1b9c&utm_source=x)\n\n{story}\n\n{story}\n"
    assert read("title: T", body).url == "https://mailchi.mp/jack-clark/import-ai-371"  # the reader's own id goes too
    assert read("title: T\nurl: https://importai.substack.com/p/371", body).url == "https://importai.substack.com/p/371"


@pytest.mark.parametrize("body,newsletter,number", [
    ("# Le Fil IA n°37 : Mistral AI change de dimension\n\nBonjour à toutes et à tous.\n", "Le Fil IA", 37),
    ("# Grok-2 Climbs the Arena\n\n**AlphaSignal** | Top repos of the week | Tuesday, Aug 20, 2024\n\nHey there.\n",
     "AlphaSignal", None),
    # A dateline that opens with the day or the issue names no newsletter.
    ("# Grok-2 Climbs the Arena\n\nTuesday | Aug 20, 2024\n\nHey there.\n", "Newsletter", None),
    ("# Grok-2 Climbs the Arena\n\n**Issue** | Aug 20, 2024\n\nHey there.\n", "Newsletter", None),
])
def test_a_newsletter_named_by_its_masthead_or_a_french_number_sign(tmp_path, body, newsletter, number):
    """Markdown without frontmatter: the name before "n°37" in the title, or before a masthead's tagline and date."""
    from vaultgen.metadata import complete
    path = tmp_path / "2024-5-6-12.md"
    path.write_text(body, encoding="utf-8")
    issue = complete(MarkdownReader().read(SourceDoc(path, path.name, body)), {})
    assert (issue.newsletter, issue.number) == (newsletter, number)


@pytest.mark.parametrize("frontmatter,body,newsletter", [
    # "Update #87" says which issue, not whose; the letter says whose.
    ("title: 'Update #87: DeepSeek R1'", "Welcome to the 87th update from the Gradient! Subscribe.\n", "Gradient"),
    ("title: 'Update #87: DeepSeek R1'", "Hello.\n", "Newsletter"),
    ("title: Multilingual LLMs", "Hi all,\n\nText.\n\n*If you found this useful, forward it. You can subscribe to NLP "
     "News [here](https://newsletter.ruder.io/subscribe).*\n", "NLP News"),
    # A name shouted in the masthead, as the letter writes it.
    ("title: T\nnewsletter: THE DOWNLOAD", "This is today's edition of The Download, our weekday newsletter.\n",
     "The Download"),
    ("title: T\nnewsletter: THE DECODER", "THE DECODER covers AI every day.\n", "THE DECODER"),
])
def test_the_newsletter_the_letter_names_or_spells(frontmatter, body, newsletter):
    from vaultgen.metadata import complete
    assert complete(read(frontmatter, body), {}).newsletter == newsletter


def test_a_senders_name_at_a_newsletter_is_someone_writing_it():
    from vaultgen.metadata import sender_author, sender_newsletter
    assert sender_newsletter("Priya at The Paper Digest") == "The Paper Digest"
    assert sender_author("Priya at The Paper Digest") == ("Priya",)
    assert sender_newsletter("News from the Lab") == "News from the Lab" and sender_author("News from the Lab") == ()


def _plain(text: str, name: str = "a.md"):
    return MarkdownReader().read(SourceDoc(Path(f"/x/{name}"), name, text))


def test_notions_properties_callouts_toggles_and_page_links():
    issue = _plain("# ML Roundup #13 — open weights\n\nDate: April 20, 2026\nStatus: Sent\nTags: LLMs, Robotics\n"
                   "Owner: Jonas Weber\n\n<aside>\n📬 Last week: [Earlier issue](ML%20Roundup%2012%20a1b2c3.md)\n\n"
                   "</aside>\n\nMorning all. DeepSeek put V4 on @April 15, 2026.\n\n<details>\n<summary>Why licenses"
                   "</summary>\n\nMIT and Apache 2.0 let you do anything.\n\n</details>\n\nSee "
                   "[the post](https://example.com/post.md).\n")
    assert (issue.title, issue.date) == ("ML Roundup #13 — open weights", dt.date(2026, 4, 20))
    assert {"llms", "robotics"} <= {t.casefold() for t in issue.tags}
    assert "Status: Sent" not in issue.body and "Owner" not in issue.body
    assert "> [!note]\n> 📬 Last week: Earlier issue\n" in issue.body and "<aside>" not in issue.body
    assert "> [!note]- Why licenses\n> MIT and Apache 2.0 let you do anything." in issue.body
    assert "on April 15, 2026." in issue.body and "[the post](https://example.com/post.md)" in issue.body


def test_readwises_metadata_list_gives_the_fields_and_leaves_the_body():
    issue = _plain("# Lab Notes #47: Binders on Demand\n\n![rw-book-cover](https://example.com/cover.png)\n\n"
                   "## Metadata\n- Author: [[Tobias Wren]]\n- Full Title: Lab Notes #47: Binders on Demand\n"
                   "- Category: #articles\n- URL: https://labnotes.science/p/47?utm_source=readwise\n\n## Highlights\n"
                   "- The Baker lab's RFdiffusion3 paper landed in Nature this week.\n")
    assert issue.authors == ("Tobias Wren",) and issue.url.startswith("https://labnotes.science/p/47")
    assert "Metadata" not in issue.body and "Full Title" not in issue.body
    assert issue.body.startswith("![rw-book-cover]") and "## Highlights\n- The Baker lab" in issue.body
    # Lines of "Key: value" in the middle of a text are text.
    other = _plain("# Notes\n\nSome prose first.\n\nNote: one\nAlso: two\n")
    assert "Note: one\nAlso: two" in other.body


def test_a_setext_title_and_a_web_clippers_author_link():
    issue = _plain("Data Science Digest\n===================\n\nNo. 112 · the issue\n\nThis week\n---------\n\nText.\n",
                   "2026-10-5-data-science-digest.md")
    assert issue.title == "Data Science Digest" and "===" not in issue.body and "This week" in issue.body
    clipped = read('title: "Harnesses"\nauthor:\n  - "[[Maya Lindqvist]]"\ntags: [clippings]',
                   "Text.\n\nThanks for reading The Sequence Layer! Subscribe for free to receive new posts.\n")
    from vaultgen.metadata import complete
    assert clipped.authors == ("Maya Lindqvist",)
    assert complete(clipped, {}).newsletter == "The Sequence Layer"


def test_a_clipped_pages_breadcrumbs_and_sign_in_go():
    issue = read('title: "Harnesses"', "[Home](https://s.example/) › [Archive](https://s.example/archive) › "
                 "[Agents & Evals](https://s.example/s/agents)\n\n[Subscribe](https://s.example/subscribe) "
                 "[Sign in](https://substack.com/sign-in)\n\n" + "OpenAI shipped the Agents SDK and LangChain LangGraph.\n\n" * 12
                 + "Read it [at home](https://s.example/) › or [there](https://t.example/).\n")
    assert "Home" not in issue.body and "Sign in" not in issue.body and "Agents & Evals" not in issue.body
    assert "[at home](https://s.example/)" in issue.body


@pytest.mark.parametrize("name,text,newsletter", [
    # A title that is a periodical's name, over the issue's number: its masthead.
    ("2026-10-5-x.md", "Data Science Digest\n===================\n\nNo. 112 · the benchmark issue\n\nHi all.\n",
     "Data Science Digest"),
    # A file named after its periodical, the date aside; a file named after its title names none.
    ("health-ai-weekly-2026-04-22.md", "---\ntitle: Epic's agents and the end of MedQA\n---\n\nText.\n",
     "Health AI Weekly"),
    ("2024-10-02-hf-daily-papers.md", "---\ntitle: Papers of the day\n---\n\nText.\n", "HF Daily Papers"),
    ("2024-06-02-lora-learns-less-and-mamba-2.md", "---\ntitle: LoRA Learns Less\n---\n\nText.\n", "Newsletter"),
    # "May's LLM Research Papers: …" opens with a month, not a series' name.
    ("ahead.md", "---\ntitle: \"May's LLM Research Papers: LoRA Learns Less, xLSTM\"\n---\n\nText.\n", "Newsletter"),
])
def test_a_periodicals_name_in_a_bare_title_or_the_file_name_names_the_newsletter(name, text, newsletter):
    from vaultgen.metadata import complete
    issue = complete(MarkdownReader().read(SourceDoc(Path("/x") / name, name, text)), {})
    assert issue.newsletter == newsletter


def test_a_google_docs_export_loses_its_heading_ids_and_the_escapes_markdown_does_not_need():
    text = ("# Weekly AI Notes {#weekly-ai-notes}\n\nClaude Opus 4\\.7 and the sales\\-research pilot, Data \\+ AI "
            "Summit, snake\\_case, R\\&D and \\_emph\\_ \\*.\n\n## Vendor moves {#vendor-moves}\n\n"
            "> \\- a quoted dash\n\n1\\. not a list\n\n$\\sigma\\!x$ and\n\n```\ncode \\- kept\n```\n")
    issue = MarkdownReader().read(SourceDoc(Path("/x/a.md"), "a.md", text))
    assert issue.title == "Weekly AI Notes"
    assert ("Claude Opus 4.7 and the sales-research pilot, Data + AI Summit, snake_case, R&D and \\_emph\\_ \\*."
            in issue.body)
    assert "## Vendor moves\n" in issue.body and "> \\- a quoted dash" in issue.body and "1\\. not a list" in issue.body
    assert "$\\sigma\\!x$" in issue.body and "code \\- kept" in issue.body


def test_a_name_with_an_ampersand_before_the_issues_number_is_whole():
    from vaultgen.metadata import complete
    issue = complete(read("subject: \"Weights & Measures #38: Qwen3.5, GLM-5, and AIME 2026\""), {})
    assert (issue.newsletter, issue.number) == ("Weights & Measures", 38)


HUGO = '''+++
title = "AI Infra Weekly #47: Computex hangover"
date = 2026-06-08T07:15:00+02:00
draft = false
author = "Marcus Feld"
tags = ["nvidia", "vllm"]
series = ["AI Infra Weekly"]
+++

Computex wrapped on Friday.

{{< figure src="/img/rack.jpg" alt="rack photo" caption="A Vera Rubin rack on the Foxconn stand. Photo: Marcus Feld" >}}

vLLM shipped 1.0:

{{< tweet user="simon_mo_" id="1931466620140012345" >}}

{{< highlight bash >}}
pip install "vllm==1.0.0"
{{< /highlight >}}

{{% notice info %}}Kept: what a pair holds.{{% /notice %}} See [last week]({{< ref "posts/46.md" >}}).

```go
{{< not-a-shortcode-in-code >}}
```
'''


def test_hugos_toml_frontmatter_gives_the_fields():
    issue = MarkdownReader().read(SourceDoc(Path("/x/a.md"), "a.md", HUGO))
    assert (issue.title, issue.newsletter, issue.number, issue.date) == (
        "AI Infra Weekly #47: Computex hangover", "AI Infra Weekly", None, dt.date(2026, 6, 8))
    assert issue.authors == ("Marcus Feld",) and issue.tags == ("nvidia", "vllm")
    assert "+++" not in issue.body and "draft" not in issue.body
    assert MarkdownReader().score(SourceDoc(Path("/x/a.txt"), "a.txt", HUGO)) == 0.9


def test_hugos_shortcodes_become_what_they_show():
    body = MarkdownReader().read(SourceDoc(Path("/x/a.md"), "a.md", HUGO)).body
    assert "![rack photo](/img/rack.jpg)\n\nA Vera Rubin rack on the Foxconn stand. Photo: Marcus Feld" in body
    assert "\n\nhttps://x.com/simon_mo_/status/1931466620140012345\n\n" in body
    assert '```bash\npip install "vllm==1.0.0"\n```' in body
    assert "Kept: what a pair holds. See last week." in body  # a link to a page of the site leads nowhere here
    assert "{{< not-a-shortcode-in-code >}}" in body and body.count("{{") == 1


def test_broken_toml_frontmatter_is_kept_as_text_with_a_warning():
    text = '+++\ntitle = "Unclosed\n+++\n\nBody text.\n'
    issue = MarkdownReader().read(SourceDoc(Path("/x/a.md"), "a.md", text))
    assert "not valid TOML" in issue.warnings[0]
    assert issue.body.startswith('```toml\ntitle = "Unclosed\n```')


@given(st.text(alphabet=st.sampled_from(list('{}<>%/"\'` =abx\n#`~')), max_size=80))
def test_shortcodes_never_break_a_body(text):
    from vaultgen.readers.shortcodes import hugo_shortcodes
    out = hugo_shortcodes(text)
    assert isinstance(out, str)
    if "{{<" not in text and "{{%" not in text:
        assert out == text
