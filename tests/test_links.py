"""Links: Markdown link scanning, URL canonicalisation, resource kinds."""
from hypothesis import given, strategies as st

from vaultgen.links import canonical_url, extract, find_spans, names_nothing, resource_kind, sentence_at


def test_tracking_parameters_are_removed_and_meaningful_ones_kept():
    url = ("https://www.youtube.com/watch?utm_campaign=Dynamically%20Typed&utm_medium=email"
           "&utm_source=Revue%20newsletter&v=fOZ-MySzAac")
    assert canonical_url(url) == "https://www.youtube.com/watch?v=fOZ-MySzAac"
    assert canonical_url("https://a.io/x?ref=dl-staging-website.ghost.io&_hsenc=p2&_hsmi=9&mc_cid=1&mc_eid=2"
                         "&fbclid=3&gclid=4&q=keep") == "https://a.io/x?q=keep"
    assert canonical_url("HTTPS://Example.COM:443/Path#") == "https://example.com/Path"
    assert canonical_url("https://img.example/a.png?1570817604") == "https://img.example/a.png?1570817604"


@given(st.text(alphabet="abcxyz_=&%", max_size=30))
def test_canonical_url_is_idempotent_and_never_keeps_utm(query):
    url = f"https://example.com/p?utm_source=x&{query}&utm_medium=y"
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert "utm_" not in once


def test_escaped_parentheses_and_links_split_across_lines():
    md = ("See [the article](https://en.wikipedia.org/wiki/Python_\\(language\\)) and [a long\n"
          "anchor](https://example.com/a-very-\nlong-path?utm_source=x).")
    spans = find_spans(md)
    assert [s.url for s in spans] == ["https://en.wikipedia.org/wiki/Python_(language)",
                                      "https://example.com/a-very-long-path?utm_source=x"]
    assert spans[1].text == "a long\nanchor"
    links = extract(md)
    assert links[1].canonical == "https://example.com/a-very-long-path"
    assert links[1].text == "a long anchor"


def test_links_in_code_are_not_links_and_images_are_not_citations():
    md = "`[x](https://a.com)`\n\n```\n[y](https://b.com)\n```\n\n![alt](https://c.com/i.png) [z](https://d.com)"
    assert [link.canonical for link in extract(md)] == ["https://d.com/"]


def test_bare_urls_are_found():
    links = extract("Read https://example.com/post?utm_source=tw now.")
    assert [link.canonical for link in links] == ["https://example.com/post"]


def test_sentence_around_a_link():
    md = "First sentence here. Then [Spleeter](https://github.com/deezer/spleeter) splits music. Last one."
    span = find_spans(md)[0]
    assert sentence_at(md, span.start, span.end) == "Then Spleeter splits music."


def test_sentence_in_a_labelled_callout_starts_with_its_label():
    md = ("Intro.\n\n> [!note] What’s new\n> The lab [trained](https://openai.com/a) a hand. It used "
          "[Kociemba](https://k.org/b).\n>\n> Then [more](https://m.org/c).\n\n"
          "> [!note]- Sponsored\n> Enroll in [DL](https://c.org/d) today.\n")
    assert [link.sentence for link in extract(md)] == [
        "What’s new: The lab trained a hand.", "It used Kociemba.", "Then more.", "Enroll in DL today."]


def test_resource_kinds():
    assert resource_kind("https://github.com/deezer/spleeter") == "repository"
    assert resource_kind("https://arxiv.org/abs/2006.16668") == "paper"
    assert resource_kind("https://twitter.com/karpathy/status/1") == "tweet"
    assert resource_kind("https://youtu.be/01YrXUChqCI") == "video"
    assert resource_kind("https://larq.dev/") == "website"
    assert resource_kind("https://example.com/report.pdf") == "pdf"


def test_a_linked_image_is_written_once_with_its_link_canonical():
    from vaultgen.notes import _rewrite_links
    md = "See [![A slide](https://cdn.x.com/s.png)](https://www.coursera.org/learn/ml?utm_source=news) now."
    assert _rewrite_links(md, {}, {}) == "See [![A slide](https://cdn.x.com/s.png)](https://www.coursera.org/learn/ml) now."


def test_urls_in_angle_brackets_or_parentheses_are_links_and_a_line_ending_in_one_is_its_text():
    # plain-text e-mails: Gmail's "<URL>", Mailchimp's "text (URL)"
    text = ("View in browser <https://x.com/a?utm_source=y&id=3>\n"
            "Read more: Gemma: Open Models (arXiv) (https://arxiv.org/abs/2403.08295?utm_source=x).\n"
            "See (https://b.com/y) and more.\n")
    found = extract(text)
    assert [(link.canonical, link.text) for link in found] == [
        ("https://x.com/a?id=3", ""), ("https://arxiv.org/abs/2403.08295", "Gemma: Open Models (arXiv)"),
        ("https://b.com/y", "")]


def test_redirects_that_say_their_target_give_it_and_more_trackers_go():
    substack = ("https://substack.com/redirect/2/eyJlIjoiaHR0cHM6Ly93d3cuYW50aHJvcGljLmNvbS9yZXNlYXJjaC9tYXBwaW5nLW1p"
                "bmQtbGFuZ3VhZ2UtbW9kZWwiLCJwIjoxNDQ1Njc4OTB9")
    assert canonical_url(substack) == "https://www.anthropic.com/research/mapping-mind-language-model"
    assert canonical_url("https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fopenai.com%2Fgpt-4o%2F"
                         "%3Futm_source%3Dx&data=05&reserved=0") == "https://openai.com/gpt-4o/"
    assert canonical_url("https://www.google.com/url?q=https://deepmind.google/&sa=D") == "https://deepmind.google/"
    assert canonical_url("https://a.com/x?utm_source=a&_bhlid=a1&hubs_content=b&id=2") == "https://a.com/x?id=2"
    assert canonical_url("https://x.com/karpathy/status/123?s=20&t=abc") == "https://x.com/karpathy/status/123"
    assert canonical_url("https://www.youtube.com/watch?v=abc&t=30") == "https://www.youtube.com/watch?v=abc&t=30"
    assert canonical_url("https://substack.com/redirect/2/not-base64!") == "https://substack.com/redirect/2/not-base64!"


def test_a_tracker_that_writes_its_target_into_its_path_gives_it_and_an_image_cdn_keeps_its_own():
    assert canonical_url("https://tracking.tldrnewsletter.com/CL0/https:%2F%2Fwww.example.com%2Fpost%3Futm_source=tldr"
                         "/1/0100018f/abc=") == "https://www.example.com/post"
    cdn = "https://substackcdn.com/image/fetch/f_auto/https%3A%2F%2Fsubstack-post-media.s3.amazonaws.com%2Fx.png"
    assert canonical_url(cdn) == cdn


def test_links_that_name_nothing_make_no_resource():
    for url in ("https://dataelixir.us3.list-manage.com/track/click?u=8d6f&id=a1a1", "https://email.mg1.substack.com/c/eJx",
                "https://link.mail.beehiiv.com/ss/c/u001.AbCd/4bm/Xq3v/h1/aB3d", "https://x.hubspotlinks.com/Ctc/abc",
                "https://bensbites.com/p/gpt-4o?poll=1&vote=love", "https://example.com/unsubscribe?id=3",
                "https://ntentional.com/images/clustering.gif", "https://www.getrevue.co/x?rating=yes"):
        assert names_nothing(canonical_url(url)), url
    for url in ("https://openai.com/index/hello-gpt-4o", "https://arxiv.org/abs/2405.09818", "https://polls.example.org/",
                "https://github.com/vllm-project/vllm"):
        assert not names_nothing(canonical_url(url)), url
