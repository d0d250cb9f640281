"""Saved e-mails (.eml): the MIME message unwrapped, its best part read by the reader for its shape."""
import shutil
from email.message import EmailMessage
from pathlib import Path

import pytest

from vaultgen.frontmatter_io import parse_note
from vaultgen.pipeline import Options, build
from vaultgen.readers.mime import is_mime_message

GOLDEN = Path(__file__).parent / "data/golden/eml/input"


def message(html: str | None = None, text: str | None = "Hello friends,\n\nOpenAI shipped a model.\n",
            **headers) -> EmailMessage:
    m = EmailMessage()
    for name, value in {"From": "Weekly Bytes <news@bytes.example>", "Subject": "Weekly Bytes 3: models",
                        "Date": "Fri, 12 Jan 2024 17:00:00 +0000", **headers}.items():
        m[name.replace("_", "-")] = value
    if text is not None:
        m.set_content(text, cte="quoted-printable")
    if html is not None:
        if text is None:
            m.set_content(html, subtype="html", cte="quoted-printable")
        else:
            m.add_alternative(html, subtype="html", cte="quoted-printable")
    return m


def issue_note(vault: Path) -> tuple[dict, str]:
    [path] = (vault / "Issues").rglob("*.md")
    return parse_note(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("text,expected", [
    ("MIME-Version: 1.0\nContent-Type: text/plain\n\nHello", True),
    ("From: A <a@b.c>\nSubject: Hi\nContent-Type: text/html;\n charset=utf-8\n\n<p>Hi</p>", True),
    ("From: A <a@b.c>\nSubject: Hi\n\nA plain e-mail without MIME fields", False),   # the e-mail reader's
    ("Title: My post\nDate: 2024-01-01\n\n# My post\n", False),                      # Markdown metadata
    ("\nMIME-Version: 1.0\n\nHello", False),
    ("Content-Type: text/plain\nthis line is no field\n\nHello", False),
    ("MIME-Version: 1.0", False),                                                    # no body at all
])
def test_a_mime_message_is_told_by_its_header_fields(text, expected):
    assert is_mime_message(text) is expected


def test_the_html_part_is_read_with_the_headers_as_metadata(tmp_path):
    source = tmp_path / "issues"
    source.mkdir()
    html = ("<html><body><table><tr><td><p>Hello friends,</p><p>This week "
            "<a href='https://openai.com/blog/x?utm_source=bytes'>OpenAI</a> shipped a model. It\u2019s big, said "
            "Sam Altman.</p></td></tr></table></body></html>")
    (source / "saved.eml").write_bytes(bytes(message(html, Subject="Fwd: Re: Weekly Bytes 3: models")))
    result = build(Options(source, tmp_path / "vault"))
    assert result.exit_code == 0
    fm, body = issue_note(tmp_path / "vault")
    assert fm["title"] == "Weekly Bytes 3: models" and fm["reader"] == "eml"
    assert fm["newsletter"] == "Weekly Bytes" and str(fm["date"]) == "2024-01-12"
    assert "[OpenAI](https://openai.com/blog/x)" in body and "It\u2019s big" in body
    assert "[[Sam Altman]]" in body
    for junk in ("Content-Type", "=E2=80", "quoted-printable", "<td>", "MIME"):
        assert junk not in body


def test_a_text_only_message_goes_to_the_e_mail_reader_whatever_its_file_is_called(tmp_path):
    source = tmp_path / "issues"
    source.mkdir()
    (source / "note.md").write_bytes(bytes(message(None, "Hello friends,\n\nNVIDIA shipped CUDA 12.\n\n"
                                                   "Thanks for reading,\nSam\n", From="Sam <sam@bytes.example>")))
    build(Options(source, tmp_path / "vault"))
    fm, body = issue_note(tmp_path / "vault")
    assert fm["reader"] == "eml" and fm["newsletter"] == "Sam" and "[[NVIDIA]] shipped" in body
    assert "=\n" not in body and "Content-Transfer-Encoding" not in body


def test_index_hints_win_over_the_headers(tmp_path):
    source = tmp_path / "issues"
    shutil.copytree(GOLDEN, source)
    (source / "_index.jsonl").write_text('{"file": "2024-05-07-digest.eml", "title": "My own title", '
                                         '"newsletter": "Gradient"}\n', encoding="utf-8")
    build(Options(source, tmp_path / "vault"))
    titles = {parse_note(p.read_text(encoding="utf-8"))[0]["title"] for p in (tmp_path / "vault/Issues").rglob("*.md")}
    assert "My own title" in titles


def test_a_message_without_text_is_an_error_naming_the_file_and_the_rest_is_built(tmp_path):
    source = tmp_path / "issues"
    shutil.copytree(GOLDEN, source)
    m = EmailMessage()
    m["Subject"] = "Only an attachment"
    m.set_content(b"%PDF-1.4 ...", maintype="application", subtype="pdf", filename="issue.pdf")
    (source / "attachment.eml").write_bytes(bytes(m))
    result = build(Options(source, tmp_path / "vault"))
    assert result.exit_code == 2
    assert [(e.path, e.reason) for e in result.errors] == [("attachment.eml", "e-mail message without a text or HTML part")]
    assert len(list((tmp_path / "vault/Issues").rglob("*.md"))) == 2


def test_a_part_in_an_unknown_charset_is_still_read(tmp_path):
    source = tmp_path / "issues"
    source.mkdir()
    raw = (b"MIME-Version: 1.0\nSubject: Odd charset\nContent-Type: text/plain; charset=x-unknown-8\n"
           b"Content-Transfer-Encoding: 8bit\n\nHello friends,\n\nDeepMind released Gemini.\n\nCheers,\nAda\n")
    (source / "odd.eml").write_bytes(raw)
    assert build(Options(source, tmp_path / "vault")).exit_code == 0
    fm, body = issue_note(tmp_path / "vault")
    assert fm["title"] == "Odd charset" and "[[DeepMind]] released" in body


def test_a_page_a_browser_saved_as_one_file_is_read_with_its_address(tmp_path):
    source = tmp_path / "issues"
    source.mkdir()
    html = ("<!DOCTYPE html><html><head><title>Example Weekly 42</title></head><body><article>"
            "<h1>Example Weekly 42</h1><p>Hello. Hugging Face released a new library this week, said Clem Delangue."
            "</p></article></body></html>")
    quoted = html.replace("=", "=3D")
    (source / "Example Weekly 42.mhtml").write_text(
        "From: <Saved by Blink>\nSnapshot-Content-Location: https://weekly.example/p/42\nSubject: Example Weekly 42\n"
        "Date: Tue, 7 May 2024 10:00:00 -0000\nMIME-Version: 1.0\nContent-Type: multipart/related;\n"
        '\ttype="text/html";\n\tboundary="----MultipartBoundary--abc----"\n\n\n------MultipartBoundary--abc----\n'
        "Content-Type: text/html\nContent-ID: <frame-1@mhtml.blink>\nContent-Transfer-Encoding: quoted-printable\n"
        f"Content-Location: https://weekly.example/p/42\n\n{quoted}\n------MultipartBoundary--abc------\n",
        encoding="utf-8")
    assert build(Options(source, tmp_path / "vault")).exit_code == 0
    fm, body = issue_note(tmp_path / "vault")
    assert fm["url"] == "https://weekly.example/p/42" and fm["title"] == "Example Weekly 42"
    assert str(fm["date"]) == "2024-05-07" and "[[Hugging Face]]" in body and "Saved by Blink" not in str(fm)


def test_broken_messages_are_reported_by_name_and_the_rest_is_built(tmp_path):
    source = tmp_path / "issues"
    shutil.copytree(GOLDEN, source)
    nested = "MIME-Version: 1.0\nSubject: deep\n" + "".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n' for i in range(3000)) + "Content-Type: text/plain\n\nHi.\n"
    (source / "deep.eml").write_text(nested, encoding="utf-8")
    (source / "empty.eml").write_text("MIME-Version: 1.0\nSubject: empty\nContent-Type: text/html\n\n   \n", encoding="utf-8")
    result = build(Options(source, tmp_path / "vault"))
    assert result.exit_code == 2 and len(list((tmp_path / "vault/Issues").rglob("*.md"))) == 2
    assert sorted((e.path, e.reason) for e in result.errors) == [
        ("deep.eml", "e-mail parts nested too deeply to read"), ("empty.eml", "e-mail message whose text is empty")]


def test_the_message_is_read_from_the_bytes_the_build_read_not_from_the_file_again(tmp_path):
    from vaultgen import sources
    from vaultgen.readers.mime import MimeReader
    m = message(text="Grüße aus Zürich: OpenAI shipped a model.\n")
    m.replace_header("Content-Type", 'text/plain; charset="iso-8859-1"')
    m.set_content("Grüße aus Zürich: OpenAI shipped a model.\n", charset="iso-8859-1", cte="quoted-printable")
    path = tmp_path / "mail.eml"
    path.write_bytes(bytes(m))
    doc, _ = sources.load(path, tmp_path)
    path.write_bytes(b"changed since")  # a file that changes between the read and the parse is parsed as read
    issue = MimeReader().read(doc)
    assert "Grüße aus Zürich" in issue.body and issue.title == "Weekly Bytes 3: models"


def test_a_sender_the_standard_parser_chokes_on_is_read_by_the_lenient_one(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    # "From: .NET <…>" makes the e-mail package's header parser raise AttributeError.
    (source / "a.eml").write_text("From: .NET Weekly <news@dotnet.example>\nSubject: Issue 9\nMIME-Version: 1.0\n"
                                  "Content-Type: text/plain\n\nHello friends, OpenAI shipped a model.\n")
    result = build(Options(source, tmp_path / "vault"))
    meta, _ = issue_note(tmp_path / "vault")
    assert result.exit_code == 0 and meta["title"] == "Issue 9" and meta["newsletter"] == ".NET Weekly"


def test_raw_utf8_in_the_headers_is_decoded_and_never_ends_the_build(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    # RFC 6532 lets headers hold UTF-8 as it is; the e-mail package hands such bytes on undecoded.
    (source / "a.eml").write_bytes("From: Café Weekly <news@example.com>\nSubject: Grüße aus Zürich\n"
                                   "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
                                   "Content-Transfer-Encoding: 8bit\n\nHello friends, OpenAI shipped a model.\n"
                                   .encode("utf-8"))
    (source / "b.eml").write_bytes(b"From: Caf\xe9 Latin <news@example.com>\nSubject: Ol\xe9\nMIME-Version: 1.0\n"
                                   b"Content-Type: text/plain\n\nHello friends, Google shipped a model.\n")
    result = build(Options(source, tmp_path / "vault"))
    assert result.exit_code == 0
    metas = sorted((parse_note(p.read_text(encoding="utf-8"))[0] for p in (tmp_path / "vault/Issues").rglob("*.md")),
                   key=lambda m: m["source"])
    assert [(m["title"], m["newsletter"]) for m in metas] == [("Grüße aus Zürich", "Café Weekly"),
                                                              ("Olé", "Café Latin")]
