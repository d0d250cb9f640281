"""Tests for the HTML reader (vaultgen/readers/html.py).

Golden files: every tests/data/html/NAME.html is read and its body compared with
tests/data/expected/html/NAME.md. After an intended change in the output, regenerate them with

    VAULTGEN_REGEN=1 pytest tests/test_reader_html.py

and review the diff (git diff tests/data/expected) before committing.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultgen.errors import SourceError
from vaultgen.model import Issue, SourceDoc
from vaultgen.readers.html import HtmlReader, register_readers
from vaultgen.textfix import decode, repair

DATA = Path(__file__).resolve().parent / "data"
FIXTURES = sorted((DATA / "html").glob("*.html"))
EXPECTED = DATA / "expected" / "html"
CORPUS = Path(__file__).resolve().parents[2] / "shared/corpus"
READER = HtmlReader()


def load(path: Path, root: Path | None = None) -> SourceDoc:
    """A SourceDoc as the pipeline builds it: bytes decoded and repaired."""
    text, _ = decode(path.read_bytes())
    rel = path.relative_to(root).as_posix() if root else path.name
    return SourceDoc(path=path, rel=rel, text=repair(text))


@pytest.fixture
def write(tmp_path):
    """Write HTML to a real file in a temporary folder and return its SourceDoc."""
    def _write(html: str, name: str = "issue.html") -> SourceDoc:
        path = tmp_path / name
        path.write_text(html, encoding="utf-8")
        return load(path, tmp_path)
    return _write


def body_of(write, html: str) -> str:
    return READER.read(write(html)).body


def assert_clean_markdown(body: str) -> None:
    assert body.endswith("\n") and not body.endswith("\n\n")
    assert not body.startswith("\n")
    assert "\n\n\n" not in body
    lines = body.split("\n")
    assert all(line == line.rstrip() for line in lines), "trailing white space"
    fence = None
    for i, line in enumerate(lines):
        if m := re.match(r"(?:> ?)*(`{3,}|~{3,})", line):
            fence = None if fence and m.group(1).startswith(fence) else fence or m.group(1)
        elif line == "---" and not fence:  # a thematic break is never read as a setext underline
            assert i > 0 and lines[i - 1] == "" and lines[i + 1] == ""


# ---- golden files --------------------------------------------------------------------------

def test_fixtures_exist():
    assert len(FIXTURES) >= 4


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_golden(path):
    issue = READER.read(load(path))
    expected = EXPECTED / f"{path.stem}.md"
    if os.environ.get("VAULTGEN_REGEN"):
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(issue.body, encoding="utf-8")
    assert expected.is_file(), f"missing {expected}: run VAULTGEN_REGEN=1 pytest {Path(__file__).name}"
    assert issue.body == expected.read_text(encoding="utf-8")
    assert issue.reader == "html" and issue.source == path.name
    assert_clean_markdown(issue.body)


def test_golden_web_page_metadata():
    issue = READER.read(load(DATA / "html" / "web_page.html"))
    assert issue.title == "Issue 42: Tiny Models, Big Ideas"  # og:title, not the <title> with its suffix
    assert issue.newsletter == "The Sample Digest"
    assert issue.date == dt.date(2024, 3, 1)  # as written in the page's own time zone, not shifted to UTC
    assert issue.url == "https://digest.example.com/p/issue-42"  # canonical beats og:url
    assert issue.authors == ("Ann Lee", "Bo Chen")
    assert "Tiny Models, Big Ideas" not in issue.body  # the h1 became the title
    assert "window.analytics" not in issue.body and "font-family" not in issue.body
    assert "Archive" not in issue.body and "All rights reserved" not in issue.body
    assert "Related posts" not in issue.body  # outside the page's single <article>


@pytest.mark.parametrize("meta,authors", [
    ('<meta property="article:author" content="Lea Kim">', ("Lea Kim",)),
    ('<meta property="article:author" content="https://www.facebook.com/leakim">', ()),  # a profile, no name
    ('<meta name="keywords" content="ai">', ()),
])
def test_authors_from_the_pages_meta_tags(write, meta, authors):
    path = write(f"<html><head><title>T</title>{meta}</head><body><p>OpenAI shipped a model this week.</p></body></html>")
    assert READER.read(path).authors == authors


def test_golden_email_metadata_and_boilerplate():
    issue = READER.read(load(DATA / "html" / "email.html"))
    assert issue.title == "Weekly Signals #7"
    assert issue.date is None and issue.newsletter is None  # never invented
    assert issue.url == "https://mail.example.net/view/abc123"  # its "View this email in your browser" link
    body = issue.body
    for gone in ("View this email", "Unsubscribe", "preferences", "receiving this", "twitter.com",
                 "linkedin.com", "open/abc123", "This week: robots", "1 Example Street"):
        assert gone not in body, gone
    assert "|" not in body.replace("\\|", "").split("## 3. Quick Hits")[0]  # layout tables are not tables
    assert "| Model | Score |" in body and "| Beta \\| v2 | 68.9 |" in body
    assert body.count("> [!note]- Sponsored") == 2


def test_golden_fragment_has_no_invented_metadata():
    issue = READER.read(load(DATA / "html" / "ghost_fragment.html"))
    assert (issue.title, issue.date, issue.newsletter, issue.url, issue.number) == (None,) * 5
    assert issue.warnings == ()


# ---- score -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, low, high", [
    ("<!DOCTYPE html><html><body><p>x</p></body></html>", 0.8, 0.8),
    ("  <html lang='en'><p>x</p></html>", 0.8, 0.8),
    ("<p>One paragraph.</p><h2>Heading</h2><p>Another <a href='https://x.org'>link</a>.</p>", 0.8, 0.8),
    ("<table><tr><td>cell</td></tr></table>", 0.8, 0.8),
    ("---\ntitle: x\n---\n<p>front matter means Markdown</p>", 0.0, 0.0),
    ("Just a plain sentence with no tags at all.", 0.0, 0.0),
    ("", 0.0, 0.0),
    ("From: a@example.com\nSubject: Hi\nContent-Type: text/html\n\n<html><p>x</p></html>", 0.0, 0.0),
    ("# Title\n\nSome *Markdown* text.<br>\n\n- item one\n- item [two](https://x.org)\n\n"
     "<img src='a.png'>\n\n## More\n\nText with <strong>inline</strong> HTML.\n", 0.0, 0.3),
    ('<p align="center"><img src="logo.png"></p>\n\n# Newsletter\n\n' + "Plain Markdown paragraph.\n\n" * 20
     + "- [link](https://x.org)\n" * 10, 0.0, 0.3),
])
def test_score(write, text, low, high):
    assert low <= READER.score(write(text)) <= high


# ---- body conventions ------------------------------------------------------------------------

def test_headings(write):
    body = body_of(write, "<h2></h2><h2><strong>News</strong></h2><h3>Big: Small #1 [x] a|b ^c</h3>"
                          "<h4>Deep<em>Mind</em></h4><h2>  <br> </h2><p>text</p>")
    assert body.startswith("## News\n\n### Big - Small 1 x ab c\n\n#### DeepMind\n\ntext")
    assert "##\n" not in body and "## \n" not in body


def test_first_h1_is_title_other_h1_demoted(write):
    issue = READER.read(write("<h1>The Title</h1><p>intro</p><h1>Second Part</h1><p>more</p>"))
    assert issue.title == "The Title"
    assert issue.body == "intro\n\n## Second Part\n\nmore\n"


def test_h1_kept_when_it_is_not_the_title(write):
    issue = READER.read(write("<html><head><title>Subject line</title></head><body><h1>Masthead Name</h1>"
                              "<p>text</p></body></html>"))
    assert issue.title == "Subject line"
    assert issue.body.startswith("## Masthead Name\n")


def test_br_pairs_are_paragraphs_single_br_is_a_line_break(write):
    body = body_of(write, "<p>First.<br><br><strong>What’s new:</strong> second.<br>Third line.</p>"
                          "<p><em>Keep learning!  </em><br><em><br>Andrew</em></p>")
    assert body == "First.\n\n**What’s new:** second.\nThird line.\n\n*Keep learning!*\n\n*Andrew*\n"


def test_emphasis_split_by_paragraph_break(write):
    assert body_of(write, "<p><em>one<br><br>two</em></p>") == "*one*\n\n*two*\n"


# The Batch's house style: stories told in paragraphs that open with a bold label.
def test_labelled_paragraphs_become_callouts(write):
    body = body_of(write, "<h2>Cube Controversy</h2><p>OpenAI trained a hand.<br><br><strong>What’s new:</strong> "
                          "The lab <a href='https://openai.com/blog'>trained</a> it.<br><br><strong>Why it matters"
                          "</strong>: Dexterity is hard.<br>It takes <em>years</em>.</p><ul><li>A list item.</li></ul>"
                          "<p><strong>We’re thinking:</strong> Impressive.</p>")
    assert body == ("## Cube Controversy\n\nOpenAI trained a hand.\n\n"
                    "> [!note] What’s new\n> The lab [trained](https://openai.com/blog) it.\n\n"
                    "> [!important] Why it matters\n> Dexterity is hard.\n> It takes *years*.\n>\n"
                    "> - A list item.\n\n> [!quote] We’re thinking\n> Impressive.\n")


def test_label_after_a_single_line_break_starts_its_own_callout(write):
    body = body_of(write, "<p><strong>What’s new:</strong> One.<br><strong>How it works:</strong> Two."
                          "<br><b>Yes, but:</b> Three.</p>")
    assert body == ("> [!note] What’s new\n> One.\n\n> [!note] How it works\n> Two.\n\n"
                    "> [!warning] Yes, but\n> Three.\n")


def test_label_wrapped_in_other_inline_tags(write):
    body = body_of(write, "<p><strong><strong>Yes, but:</strong> </strong>A critique.</p>"
                          "<p><em><strong>The Batch: </strong>Your question?</em></p>"
                          "<p><span><b>Results:</b></span> It works.</p>")
    assert body == ("> [!warning] Yes, but\n> A critique.\n\n> [!note] The Batch\n> *Your question?*\n\n"
                    "> [!success] Results\n> It works.\n")


def test_bold_that_does_not_label_a_paragraph_stays_bold(write):
    body = body_of(write, "<p><strong>What’s new:</strong> One.</p><p><strong>Why it matters:</strong> Two.</p>"
                          "<p>In the middle <strong>Note:</strong> of a paragraph.</p>"
                          "<p><strong>A very long bold run that goes on and on and on, far too long:</strong> x</p>"
                          "<p><strong>Read <a href='https://x.org/'>this</a>:</strong> a link.</p>"
                          "<p><strong>How it works:</strong></p><ul><li><strong>Gaming:</strong> a list item.</li></ul>"
                          "<blockquote><p><strong>Quoted:</strong> text.</p></blockquote>"
                          "<div class='sponsor'><p><strong>Offer:</strong> buy now.</p></div>")
    assert body.startswith("> [!note] What’s new\n> One.\n\n> [!important] Why it matters\n> Two.\n\n")
    for bold in ("In the middle **Note:** of", "**A very long bold run", "**Read [this](https://x.org/):**",
                 "> **Quoted:** text.", "> [!note]- Sponsored\n> **Offer:** buy now."):
        assert bold in body
    assert "> [!note] How it works\n> - **Gaming:** a list item." in body  # a label over a list: its callout
    assert body.count("> [!") == 4


def test_labels_stay_bold_in_an_issue_without_well_known_ones(write):
    # "**OpenAI:** …" in a news roundup is a story, not a note about one
    body = body_of(write, "<p><strong>OpenAI:</strong> A model.</p><p><strong>Google:</strong> A chip.</p>"
                          "<p><strong>What’s new:</strong> Once is not a style.</p>")
    assert body == "**OpenAI:** A model.\n\n**Google:** A chip.\n\n**What’s new:** Once is not a style.\n"


def test_bold_lines_over_stories_are_headings_and_a_well_known_label_stays_one(write):
    # Import AI on Substack: a bold headline, a line break, an italic dek, the story; "####…" between stories
    body = body_of(write, "<p>Welcome to Import AI.</p>"
                          "<p><strong>DeepMind builds a forecaster:</strong><br><em>...it beats ECMWF...</em><br>Text.</p>"
                          "<p>####################</p>"
                          "<p><strong>Tech Tales:</strong></p><p>She kept the barometer.</p>")
    assert body == ("Welcome to Import AI.\n\n## DeepMind builds a forecaster\n\n*...it beats ECMWF...*\nText.\n\n"
                    "---\n\n## Tech Tales\n\nShe kept the barometer.\n")
    body = body_of(write, "<h2>News</h2><p><strong>We’re thinking:</strong></p><p>Knock knock.</p>"
                          "<p><strong>Quick links</strong></p><p>x</p>")
    assert body == "## News\n\n**We’re thinking:**\n\nKnock knock.\n\n### Quick links\n\nx\n"


def test_a_footers_copyright_holder_is_the_newsletter_when_nothing_else_names_it(write):
    from vaultgen.metadata import complete
    page = ("<p>Hello, Bites readers.</p><p>Story text.</p>"
            "<p>© 2024 Ben&#39;s Bites<br>228 Park Ave S, New York</p><p><a href='https://x.co/u'>Unsubscribe</a></p>")
    issue = complete(READER.read(write(page)), {})
    assert issue.newsletter == "Ben's Bites"
    named = "<html><head><meta property='og:site_name' content='The Sequence'></head><body><p>Text.</p><p>© 2024 Acme</p>"
    assert READER.read(write(named)).newsletter == "The Sequence"


@pytest.mark.parametrize("view, leave", [
    ("Bekijk deze e-mail in je browser", "Afmelden"),                   # Dutch
    ("Im Browser ansehen", "Abmelden"),                                 # German
    ("Voir dans votre navigateur", "Se désabonner"),                    # French
    ("Ver en el navegador", "Darse de baja"),                           # Spanish
])
def test_a_footer_and_a_web_version_link_in_another_language_are_boilerplate(write, view, leave):
    page = (f"<p><a href='https://news.example.nl/archief/41?utm_source=mail'>{view}</a></p>"
            "<p>Het verhaal van deze week gaat over taalmodellen en hun gebruikers.</p>"
            f"<p><a href='https://news.example.nl/u?id=3'>{leave}</a> · <a href='https://news.example.nl/p'>Voorkeuren</a></p>")
    issue = READER.read(write(page))
    assert issue.url == "https://news.example.nl/archief/41"
    assert view not in issue.body and leave not in issue.body and "taalmodellen" in issue.body


def test_headings_carry_no_colon(write):
    body = body_of(write, "<h2>Quick links:</h2><h3>Meet at 10:30</h3><p>text</p>")
    assert body.startswith("## Quick links\n\n### Meet at 10-30\n\n")


def test_lists_quotes_links(write):
    body = body_of(write, "<ul><li>a <a href='https://x.org/p?ref=abc&amp;utm_source=n'>link</a></li>"
                          "<li><em>b</em></li></ul><ol><li>one</li><li>two</li></ol>"
                          "<blockquote><p>quoted</p></blockquote>")
    assert "- a [link](https://x.org/p?ref=abc&utm_source=n)\n- *b*" in body  # original href, params kept
    assert "1. one\n2. two" in body
    assert "> quoted" in body


def test_hr_is_separated_deduplicated_and_not_at_the_edges(write):
    body = body_of(write, "<hr><p>a</p><hr><hr><p>b</p>text<hr>")
    assert body == "a\n\n---\n\nb\n\ntext\n"


def test_images_and_captions(write):
    body = body_of(write, "<figure><img src='a.png' alt='Alt A'></figure>"
                          "<figure><img src='b.png' alt='Alt B'><figcaption>Caption B</figcaption></figure>"
                          "<p><img src='c.png' alt='Alt C'></p>"
                          "<p>inline <img src='d.png' alt='Alt D'> image</p>"
                          "<img src='https://t.example/open.gif' width='1' height='1'>"
                          "<img src='data:image/png;base64,AAAA' alt='blob'>")
    assert "![Alt A](a.png)\n*Alt A*" in body
    assert "![Alt B](b.png)\n*Caption B*" in body and "*Alt B*" not in body
    assert "![Alt C](c.png)\n*Alt C*" in body
    assert "inline ![Alt D](d.png) image" in body and "*Alt D*" not in body
    assert "open.gif" not in body and "base64" not in body


def test_image_src_with_space_and_alt_brackets(write):
    body = body_of(write, "<p><img src='my image.png' alt='a [b] c'></p>")
    assert body.startswith("![a \\[b\\] c](<my image.png>)")


def test_message_from_block_becomes_callout(write):
    body = body_of(write, "<p>story</p><hr><h2>A MESSAGE FROM <a href='https://ad.example'>ACME</a></h2>"
                          "<figure><img src='ad.png' alt></figure><p>Buy <b>now</b>.</p><hr><h2>Next story</h2>")
    callout = ("> [!note]- Sponsored\n> **A MESSAGE FROM [ACME](https://ad.example)**\n>\n> ![](ad.png)\n>\n"
               "> Buy **now**.")
    assert callout in body
    assert "## Next story" in body and "## A MESSAGE" not in body


def test_sponsor_class_and_sponsored_by_label(write):
    body = body_of(write, "<p>intro</p><div class='promo-box'><p>Promo text</p></div>"
                          "<p>Sponsored by Foo Corp</p><p>Foo makes bars.</p><h2>After</h2><p>news</p>")
    assert "> [!note]- Sponsored\n> Promo text" in body
    assert "> [!note]- Sponsored\n> Sponsored by Foo Corp\n>\n> Foo makes bars." in body
    assert "## After\n\nnews" in body


def test_promo_class_on_inline_element_does_not_split_paragraph(write):
    body = body_of(write, "<p>Try <a class='promo-link' href='https://x.org'>this</a> today.</p>")
    assert body == "Try [this](https://x.org) today.\n"


def test_ad_words_inside_long_text_are_not_ads(write):
    text = ("Presented by the authors at NeurIPS, the method beats every baseline on all four benchmarks "
            "while using a tenth of the compute, which matters for labs without a cluster of their own.")
    body = body_of(write, f"<p>{text}</p><p>Next paragraph.</p>")
    assert "Sponsored" not in body and text in body


def test_dropped_chrome(write):
    body = body_of(write, "<html><head><title>T</title><style>p{}</style></head><body>"
                          "<nav><a href='/'>Home</a></nav><script>var x = 1;</script>"
                          "<p>Content here.</p><!-- a comment --><noscript>enable JS</noscript>"
                          "<span hidden>secret</span><footer>Footer text</footer></body></html>")
    assert body == "Content here.\n"


def test_view_in_browser_after_a_long_head_is_dropped(write):
    stories = "".join(f"<p>Story {i} about a model release and what it means.</p>" for i in range(40))
    css = "<style>" + ".c { color: red; }\n" * (len(stories) // 40) + "</style>"
    html = (f"<html><head>{css}</head><body><p><a href='https://m.example/v'>View in browser</a></p>{stories}"
            "</body></html>")
    assert 0.25 < html.index("View") / len(html) < 0.45  # in the middle of the file, at the top of the content
    body = body_of(write, html)
    assert "View in browser" not in body and body.startswith("Story 0 ")


def test_boilerplate_in_the_middle_of_an_issue_is_kept(write):
    padding = "".join(f"<p>Paragraph number {i} about models and data.</p>" for i in range(20))
    body = body_of(write, padding[:len(padding) // 2] + "<p>Users can unsubscribe from the data program.</p>"
                   + padding[len(padding) // 2:] + "<p><a href='https://x.example/unsub'>Unsubscribe</a></p>")
    assert "Users can unsubscribe from the data program." in body
    assert "[Unsubscribe]" not in body


def test_social_links_in_text_are_kept(write):
    body = body_of(write, "<p>Intro paragraph.</p>" * 5 + "<p>As <a href='https://twitter.com/someone/status/1'>"
                          "one researcher wrote on Twitter</a>, the results surprised everyone involved.</p>")
    assert "[one researcher wrote on Twitter](https://twitter.com/someone/status/1)" in body


def test_obsidian_syntax_is_inert(write):
    body = body_of(write, "<p>a [[Link]] b %%c%% d <%tp%> e #tag f $1–$2</p>"
                          "<pre><code class='language-dataview'>LIST</code></pre>"
                          "<pre class='lang-dataviewjs'>dv.x()</pre>")
    assert "[[" not in body.replace("\\[\\[", "")
    assert "%%" not in body.replace("\\%\\%", "")
    assert "\\<%tp" in body and "\\#tag" in body and "\\$1–\\$2" in body
    assert "```text\nLIST\n```" in body and "```text\ndv.x()\n```" in body
    assert "dataview" not in body


def test_dataview_fence_rewritten_even_when_fenced_in_text(write):
    # A Markdown fence arriving as text inside <pre> stays inside our own, longer fence.
    body = body_of(write, "<pre>```dataview\nLIST\n```</pre>")
    assert body.startswith("````\n```dataview\nLIST\n```\n````")


def test_line_start_markers_do_not_become_markdown(write):
    body = body_of(write, "<p>2019. A year.</p><p>- dash</p><p>+ plus</p><p># hash</p><p>&gt; gt</p>"
                          "<p>text<br>---</p><p><span>3) three</span></p>")
    for line in ("2019\\. A year.", "\\- dash", "\\+ plus", "\\# hash", "\\> gt", "text\n\\---", "3\\) three"):
        assert line in body, line


def test_literal_markup_and_underscores(write):
    body = body_of(write, "<p>&lt;div&gt; and snake_case and _init_ and *star* and [a](b)</p>")
    assert body == "\\<div> and snake_case and \\_init\\_ and \\*star\\* and [a\\](b)\n"


def test_bare_url_in_text_is_not_escaped(write):
    body = body_of(write, "<p>See https://example.com/a_b_/c#frag_1 for details.</p>")
    assert "https://example.com/a_b_/c#frag_1" in body


def test_links_special_cases(write):
    body = body_of(write, "<p><a href='#top'>anchor</a> <a href='javascript:go()'>js</a> "
                          "<a href='https://x.org/a b'>spaced</a> <a href='mailto:me@x.org'>mail</a> "
                          "<a href='https://x.org'>[1]</a></p>")
    assert body == ("anchor js [spaced](<https://x.org/a b>) [mail](mailto:me@x.org) "
                    "[\\[1\\]](https://x.org)\n")


def test_nbsp_and_whitespace(write):
    body = body_of(write, "<p>a&nbsp;b\u00a0c\n   d</p><p>&nbsp;</p><p>\u00a0 </p><p>e</p>")
    assert body == "a b c d\n\ne\n"


def test_layout_table_flattened_data_table_kept(write):
    body = body_of(write, "<table><tr><td><p>Left</p></td><td><p>Right</p></td></tr></table>"
                          "<table><thead><tr><th>k</th><th>v</th></tr></thead><tr><td>a</td><td>1</td></tr></table>")
    assert body.startswith("Left\n\nRight\n\n")
    assert "| k | v |\n| --- | --- |\n| a | 1 |" in body


# ---- metadata --------------------------------------------------------------------------------

def test_title_sources_and_site_suffix(write):
    page = ("<html><head><title>Issue 5 | Site Name</title><meta property='og:site_name' content='Site Name'>"
            "</head><body><p>x</p></body></html>")
    issue = READER.read(write(page))
    assert issue.title == "Issue 5" and issue.newsletter == "Site Name"
    issue = READER.read(write("<html><head><title>A &amp;amp; B</title></head><body><p>x</p></body></html>"))
    assert issue.title == "A & B"  # clean_inline: double-escaped entities decoded


@pytest.mark.parametrize("head, expected", [
    ("<meta property='article:published_time' content='2021-06-30T22:00:00-07:00'>", dt.date(2021, 6, 30)),
    ("<meta name='date' content='Tue, 05 Mar 2024 09:00:00 +0000'>", dt.date(2024, 3, 5)),
    ("<meta itemprop='datePublished' content='2020-01-02'>", dt.date(2020, 1, 2)),
])
def test_dates_from_meta(write, head, expected):
    issue = READER.read(write(f"<html><head>{head}</head><body><p>x</p></body></html>"))
    assert issue.date == expected and issue.warnings == ()


def test_dates_from_time_element(write):
    assert READER.read(write("<p><time datetime='2022-11-03T08:00'>Nov 3</time></p>")).date == dt.date(2022, 11, 3)
    assert READER.read(write("<p><time>March 9, 2023</time></p>")).date == dt.date(2023, 3, 9)


def test_unreadable_date_warns(write):
    issue = READER.read(write("<html><head><meta name='date' content='sometime soon'></head><body><p>x</p>"))
    assert issue.date is None
    assert issue.warnings and "sometime soon" in issue.warnings[0]
    issue = READER.read(write("<meta name='date' content='2021-02-30'><p>x</p>"))
    assert issue.date is None and issue.warnings


def test_url_from_og_url(write):
    issue = READER.read(write("<html><head><meta property='og:url' content='https://x.org/i/1'></head>"
                              "<body><p>x</p></body></html>"))
    assert issue.url == "https://x.org/i/1"


def test_url_from_a_linked_title_heading(write):
    issue = READER.read(write("<html><body><h1><a href='https://news.example/p/42?utm_source=email'>Issue 42</a></h1>"
                              "<p>Hello.</p></body></html>"))
    assert issue.title == "Issue 42" and issue.url == "https://news.example/p/42?utm_source=email"  # canonical later
    og = READER.read(write("<html><head><meta property='og:url' content='https://x.org/i/1'></head><body>"
                           "<h1><a href='https://elsewhere.example/'>T</a></h1><p>x</p></body></html>"))
    assert og.url == "https://x.org/i/1"


_POST = ("<html><body><table><tr><td>"
         "<p>Forwarded this email? <a href='https://n.example/subscribe'>Subscribe here</a> for more</p>"
         "<h1>Issue 7</h1><table><tr><td><a href='https://n.example/p/7/comments'>Comment</a></td>"
         "<td><a href='https://n.example/p/7?share'>Share</a></td></tr></table>"
         + "".join(f"<p>Story {i}: researchers found that we like to share results; comment below.</p>" for i in range(20))
         + "<p>You can <a href='https://n.example/p/7?share'>share</a> this story with a friend, or reply.</p>"
         "<p>Thanks for reading! Subscribe for free to receive new posts.</p>"
         "<p><a href='https://n.example/like'>Like</a> · <a href='https://n.example/c'>12 Comments</a> · "
         "<a href='https://n.example/r'>Restack</a></p><p>Our mailing address is: 1 Main St, Springfield</p>"
         "<p>Why did I get this? <a href='https://n.example/about'>Learn more</a></p></td></tr></table></body></html>")


def test_e_mail_platform_buttons_and_calls_to_subscribe_go_and_prose_stays(write):
    body = body_of(write, _POST)
    for gone in ("Forwarded this email", "[Comment]", "[Share]", "Subscribe for free", "[Like]", "Restack", "12 Comments",
                 "mailing address", "Why did I get this"):
        assert gone not in body, gone
    assert "Story 0: researchers found that we like to share results" in body and "Story 19" in body
    assert "You can [share](https://n.example/p/7?share) this story" in body


# ---- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   \n\t", "<div><script>var a;</script></div>", "<!-- only -->",
                                  "<html><head><title>T</title></head><body></body></html>", "<p>&nbsp;</p>"])
def test_no_text_content(write, text):
    with pytest.raises(SourceError) as exc:
        READER.read(write(text))
    assert exc.value.reason == "no text content" and exc.value.path == "issue.html"


def test_deep_nesting_is_an_issue_or_a_source_error(write):
    for depth in (200, 5000):
        try:
            issue = READER.read(write("<div>" * depth + "deep" + "</div>" * depth))
            assert "deep" in issue.body
        except SourceError as exc:
            assert "nested" in exc.reason


def test_head_left_open_does_not_swallow_the_body(write):
    assert READER.read(write("<html><head><title>T</title><p>Body text</p>")).body == "Body text\n"


_HTMLISH = st.lists(st.one_of(
    st.sampled_from(["<p>", "</p>", "<br>", "<br><br>", "<hr>", "<h2>", "</h2>", "<h1>", "</h1>", "<ul><li>",
                     "</li></ul>", "<em>", "</em>", "<strong>", "</strong>", "<a href='https://x.org/?ref=y'>",
                     "</a>", "<figure><img src='i.png' alt='alt'>", "</figure>", "<table><tr><td>", "</td></tr>",
                     "<pre>", "</pre>", "A MESSAGE FROM ", "<div class='sponsor'>", "</div>", "[[", "%%", "<%",
                     "```dataview\n", "#tag ", "1. ", "- ", "$1-$2", "<!--", "-->", "<script>", "</script>",
                     "&nbsp;", "&amp;", "<ol start='½'><li>", "unsubscribe", "<th>", "</th>", "\n", "<"]),
    st.text(max_size=12)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(), _HTMLISH))
def test_any_text_gives_issue_or_source_error(text):
    doc = SourceDoc(path=Path("/nowhere/x.html"), rel="x.html", text=text)
    assert 0.0 <= READER.score(doc) <= 1.0
    try:
        issue = READER.read(doc)
    except SourceError as exc:
        assert exc.path == "x.html"
        return
    assert isinstance(issue, Issue) and issue.body.strip()
    assert_clean_markdown(issue.body)


def test_linear_time_on_a_large_issue(write):
    chunk = ("<h2>Story</h2><p>Text with a <a href='https://x.org/?ref=a'>link</a> and <em>emphasis</em>."
             "<br><br><strong>What’s new:</strong> more text.</p><ul><li>one</li><li>two</li></ul><hr>")
    small, large = write(chunk * 200, "small.html"), write(chunk * 1600, "large.html")
    started = time.perf_counter()
    READER.read(small)
    t_small = time.perf_counter() - started
    started = time.perf_counter()
    issue = READER.read(large)
    t_large = time.perf_counter() - started
    assert issue.body.count("## Story") == 1600
    assert t_large < max(8 * 3 * t_small, 0.5), (t_small, t_large)  # 8x the input: far from 64x


def test_registers_through_the_plugin_hook():
    found = []
    register_readers(found.append)
    assert len(found) == 1 and found[0].name == "html"
    assert callable(found[0].score) and callable(found[0].read)


# ---- the real archive --------------------------------------------------------------------------

def _corpus_dir(name: str) -> Path:
    folder = CORPUS / name
    if not folder.is_dir():
        pytest.skip(f"{folder} is not present")
    return folder


_LINK_TARGET = re.compile(r"\]\((<[^>]*>|(?:[^()\s]|\([^()\s]*\))*)\)")  # balanced parens allowed


def test_the_batch_corpus():
    folder = _corpus_dir("the-batch-html")
    files = sorted(folder.glob("*.html"))
    assert len(files) == 57
    callouts = labelled = 0
    for path in files:
        doc = load(path, folder.parent)
        assert READER.score(doc) >= 0.8, path.name
        issue = READER.read(doc)
        body = issue.body
        assert body.strip(), path.name
        assert_clean_markdown(body)
        targets = {t.strip("<>") for t in _LINK_TARGET.findall(body)}
        # Every ?ref= URL in the body is still a Markdown link target, never loose text…
        for url in re.findall(r"https?://[^\s)\]>]*\?[^\s)\]>]*ref=dl-staging[^\s)\]>]*", body):
            assert url in targets, (path.name, url)
        # …and every link of the source outside a heading survived.
        for href in re.findall(r"<a [^>]*href=\"([^\"]+)\"", re.sub(r"<h[1-6].*?</h[1-6]>", "", doc.text)):
            assert href.replace("&amp;", "&") in targets, (path.name, href)
        for line in body.split("\n"):
            if "A MESSAGE FROM" in line:
                assert line.startswith("> "), (path.name, line)
        callouts += body.count("> [!note]- Sponsored")
        labelled += len(re.findall(r"^> \[!\w+\] \S", body, re.M))
        assert not re.search(r"^\*\*(?:What’s new|Why it matters|We’re thinking):\*\* ", body, re.M), path.name
        assert not re.search(r"^#{1,6} *$", body, re.M), path.name
        assert not re.search(r"^#{1,6} .*[:#|^\[\]]", body, re.M), path.name  # [[Note#Heading]] works
        assert "<p>" not in body and "<br>" not in body
    assert callouts == 55  # two issues carry no ad
    assert labelled > 1500  # "What’s new", "Why it matters", … as callouts


def test_markdown_archives_do_not_score_as_html():
    scored = 0
    for name in ("dynamically-typed", "nlp-newsletter-dair"):
        folder = CORPUS / name
        for path in sorted(folder.glob("*")) if folder.is_dir() else []:
            if path.is_file():
                assert READER.score(load(path, CORPUS)) < 0.5, path.name
                scored += 1
    if not scored:
        pytest.skip("no Markdown archives in ../shared/corpus")


def test_emphasis_nested_in_the_same_emphasis_stays_what_it_was(write):
    html = ("<article><ul><li><em><em><strong>Budget enough time.</strong> It takes a while.</em></em></li>"
            "<li><strong>Plan <b>ahead</b>.</strong> Then act.</li></ul></article>")
    body = body_of(write, html)
    assert "****" not in body and "*" + "**Budget enough time.** It takes a while.*" in body
    assert "**Plan ahead.** Then act." in body


def test_a_list_under_a_label_over_nothing_is_its_callout(write):
    body = body_of(write, "<p><strong>What’s new:</strong> One.</p><p><strong>How it works:</strong></p>"
                          "<ul><li>A.</li><li>B.</li></ul><p><strong>Why it matters:</strong> Two.</p>"
                          "<p><strong>Aside:</strong></p><p>Not a list.</p>")
    assert body == ("> [!note] What’s new\n> One.\n\n> [!note] How it works\n> - A.\n> - B.\n\n"
                    "> [!important] Why it matters\n> Two.\n\n**Aside:**\n\nNot a list.\n")
    plain = body_of(write, "<p><strong>Tools:</strong></p><ul><li>A.</li></ul>")  # not an issue in this style
    assert plain == "**Tools:**\n\n- A.\n"


def test_a_saved_posts_chrome_goes_wherever_it_stands_and_its_text_stays(write):
    body = body_of(write, """<html><body><article>
<h1 class="post-title">Issue 42: Agents</h1>
<div class="post-meta">Jane Doe · Mar 14, 2024 · 12 likes · 3 comments · Share</div>
<div class="body markup">
<p>Hi friends! This week Anthropic released a model, and Mistral AI shipped another.</p>
<div class="subscription-widget-wrap"><p>Thanks for reading! Subscribe for free to receive new posts.</p></div>
<h2>1. Claude</h2>
<p>The model family comes in three sizes, according to the company's announcement of the release.</p>
<p class="button-wrapper"><a class="button primary" href="https://x.substack.com/subscribe">Subscribe now</a></p>
<h2>2. Mistral</h2>
<p>Mistral AI, the Paris startup, released a large model and partnered with Microsoft on its cloud.</p>
</div></article>
<div class="comments-section"><h3>3 Comments</h3><p>Great post!</p></div>
</body></html>""")
    assert "Anthropic released a model" in body and "partnered with Microsoft" in body and "## 1. Claude" in body
    for chrome in ("12 likes", "Subscribe for free", "Subscribe now", "Comments", "Great post"):
        assert chrome not in body


def test_a_reader_poll_and_its_question_go_and_so_does_read_online(write):
    story = "<p>" + "OpenAI released a model today, and it is faster than the last one by a wide margin. " * 8 + "</p>"
    body = body_of(write, f"""<html><body><div>
<p>May 14, 2024 • <a href="https://link.mail.beehiiv.com/ss/c/u001.Ab/4bm/h1">Read Online</a></p>
{story}{story}{story}
<p><strong>How did you like today’s email?</strong></p>
<p><a href="https://www.bensbites.com/p/x?poll=1&amp;vote=love">😍 Loved it</a>
<a href="https://www.bensbites.com/p/x?poll=1&amp;vote=meh">👎 Not great</a></p>
<p>Leave a review! <a href="https://www.turingpost.com/p/fod52?poll=1">Loved it</a></p>
</div></body></html>""")
    assert "OpenAI released" in body
    for gone in ("Read Online", "How did you like", "Loved it", "Not great", "Leave a review"):
        assert gone not in body, gone


def test_a_click_tracker_behind_read_online_gives_no_url(write):
    story = "<p>" + "OpenAI released a model today, and it is faster than the last one by a wide margin. " * 8 + "</p>"
    issue = READER.read(write(f"""<html><body><div>
<p><a href="https://link.mail.beehiiv.com/ss/c/u001.Ab/4bm/h1">Read Online</a></p>{story}{story}</div></body></html>"""))
    assert issue.url is None


def test_a_sites_name_after_the_headline_in_the_pages_title_is_the_newsletter(write):
    issue = READER.read(write("<html><head><title>Agents learn to wait &#x27;a bit&#x27; &mdash; The Loop Log</title>"
                              "</head><body><article><h1>Agents learn to wait &#x27;a bit&#x27; &mdash; and it is good"
                              "</h1><p>Anthropic shipped a mode.</p></article></body></html>"))
    assert issue.newsletter == "The Loop Log"
    assert issue.title == "Agents learn to wait 'a bit' — and it is good"
    assert "<h1" not in issue.body and "and it is good" not in issue.body
    other = READER.read(write("<html><head><title>Issue 5 | Notes</title></head><body><h1>Masthead Name</h1>"
                              "<p>text</p></body></html>", "other.html"))
    assert other.newsletter is None and other.title == "Issue 5 | Notes"


def test_the_logo_a_masthead_links_home_with_names_the_newsletter(write):
    story = "<p>" + "Maya Chen talks about contamination and provenance in benchmarks, and what comes next. " * 6 + "</p>"
    issue = READER.read(write(f"""<html><head><title>Maya Chen on contamination</title></head><body><table><tr>
<td><a href="https://evalgap.substack.com/?utm_source=substack"><img src="logo.png" alt="The Eval Gap logo"></a></td>
<td><a href="https://evalgap.substack.com/p/maya-chen"><img src="pic.png" alt="Maya Chen at her desk"></a></td>
</tr></table>{story}<p>&copy; 2026 Rafael Duarte</p></body></html>"""))
    assert issue.newsletter == "The Eval Gap" and not issue.newsletter_guessed
    other = READER.read(write(f"""<html><body><a href="https://site.example/"><img src="h.png" alt="Email header"></a>
<a href="https://site.example/p/1"><img src="p.png" alt="Chart"></a>{story}</body></html>""", "other.html"))
    assert other.newsletter is None


def test_a_link_home_to_the_issues_own_site_names_the_newsletter(write):
    story = "<p>" + "OpenAI shipped a voice, and its safety team walked out over the week that followed. " * 4 + "</p>"
    issue = READER.read(write(f"""<div><p><a href="https://www.platformer.news/?utm_source=newsletter">Platformer</a></p>
<h1>OpenAI's week</h1><p>Casey Newton · May 21, 2024</p>{story}
<p><a href="https://www.vellum.ai/?utm_source=platformer">Vellum</a> sponsors this issue.</p>
<p><a href="https://www.platformer.news/subscribe/">Subscribe</a> · &copy; 2024 Casey Newton</p></div>"""))
    assert issue.newsletter == "Platformer" and not issue.newsletter_guessed
    # A home link to another site (a sponsor's, a photo's source) names no newsletter, even when its text is its name.
    other = READER.read(write(f"""<div><h1>OpenAI's week</h1>{story}
<p>Photo: <a href="https://unsplash.com?utm_source=medium">Unsplash</a>, <a href="https://unsplash.com/@kat">Kat</a>.</p>
<p><a href="https://www.vellum.ai/?utm_source=x">Vellum</a> and <a href="https://www.vellum.ai/pricing">more</a>.</p>
<p><a href="https://medium.com/subscribe">Subscribe</a> &middot; <a href="https://medium.com/">Medium</a></p></div>""",
                              "other.html"))
    assert other.newsletter is None


def test_a_logo_named_by_its_file_names_the_newsletter_and_a_microformat_names_the_author(write):
    story = "<p>" + "De Autoriteit Persoonsgegevens waarschuwt voor chatbots die medisch advies geven. " * 4 + "</p>"
    issue = READER.read(write(f"""<html><body><img src="https://cdn.example/np/logo-neurale-polder.png" alt="Neurale Polder">
<h2>Nieuws</h2>{story}<footer><p>By <a class="p-author h-card" href="https://medium.com/@lm">Dr. Leah Marchetti</a>
</p></footer></body></html>"""))
    assert issue.newsletter == "Neurale Polder" and issue.authors == ("Leah Marchetti",)
    other = READER.read(write(f"""<html><body><img src="https://cdn.example/chart-neurale-polder.png" alt="Neurale Polder">
{story}</body></html>""", "other.html"))
    assert other.newsletter is None and other.authors == ()


def test_a_pages_one_article_is_its_text_only_when_it_holds_most_of_it(write):
    story = "<p>" + "Banks moved the money from pilots to platforms, and the platforms belong to the clouds. " * 5 + "</p>"
    issue = READER.read(write(f"""<html><body><main><h1>Year two of enterprise AI</h1>{story}
<section class="comments"><article class="comment"><p>Useful breakdown. Tryg agrees.</p></article></section>
</main></body></html>"""))
    assert "Banks moved the money" in issue.body and "Useful breakdown" in issue.body
    page = READER.read(write(f"""<html><body><nav><a href="/">Home</a> · <a href="/about">About</a></nav>
<article><h1>Year two</h1>{story}</article></body></html>""", "page.html"))
    assert "Banks moved the money" in page.body and "About" not in page.body
