"""The global phase: name every note, link issues to entities, resources and each other, render notes."""
from __future__ import annotations

import hashlib
import re
import time
from collections import defaultdict
from functools import lru_cache
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Mapping
from urllib.parse import urlsplit

from . import issuememo
from . import links as linkmod
from . import layout as layoutmod
from . import naming
from .layout import Layout
from .maker import Maker, counting, transformed
from .memo import Memo
from .model import Entity, Issue, Link, Note
from .state import Lasting
from .render import grouped, inert, link_label, load_template

GENERIC_ANCHORS = frozenset({
    "", "here", "this", "link", "original", "source", "paper", "blog post", "post", "article", "website", "site",
    "this paper", "the paper", "read more", "more", "tweet", "thread", "video", "demo", "code", "github", "repo",
    "announcement", "blog", "release notes", "pdf", "arxiv", "project page", "click here", "this link", "page",
})
INDEX_NOTES = ("Newsletters", "Entities", "Resources")
KIND_INDEX = {"organization": "Organizations", "person": "People", "product": "Products", "model": "Models",
              "dataset": "Datasets", "library": "Libraries", "paper": "Papers", "event": "Events", "place": "Places",
              "other": "Other entities"}


@dataclass(frozen=True, slots=True)
class _Cited:
    source: str
    anchor: str
    sentence: str


def issue_id(issue: Issue) -> str:
    return f"issue:{issue.source}"


@lru_cache(maxsize=65_536)  # asked for once per mention in entity and resource notes
def _issue_label(issue: Issue) -> str:
    bits = [issue.newsletter or ""]
    if issue.number is not None:
        bits[0] += f" #{issue.number}"
    if issue.date:
        bits.append(issue.date.isoformat())
    return " · ".join(b for b in bits if b) or issue.title or issue.source


def _issue_name(issue: Issue) -> str:
    title = metadata_title(issue)
    if issue.date:
        return f"{issue.date.isoformat()} {title}"
    if issue.number is None or title == f"{issue.newsletter} {issue.number}":
        return title
    return f"{issue.newsletter} {issue.number} - {title}"


# What is left of "Data Elixir - Issue 498" or "Papers with Code Newsletter #18" without the newsletter's name.
_ONLY_THE_NUMBER = re.compile(r"[\s:|\-–—]*(?:(?:issue|no\.?|number|edition)\s*)?#?\s*\d+[\s.]*", re.I)


def metadata_title(issue: Issue) -> str:
    """The title without a '#24:' prefix or a leading 'Newsletter:' that the folder already says; a title that says
    no more than the issue's number ('Issue 498') is the newsletter's name and the number."""
    from .metadata import strip_number_prefix
    title = strip_number_prefix(issue.title or issue.source)
    named = bool(issue.newsletter) and title.lower().startswith(issue.newsletter.lower())
    rest = title[len(issue.newsletter):] if named else title
    if issue.number is not None and _ONLY_THE_NUMBER.fullmatch(rest):
        return f"{issue.newsletter} {issue.number}"
    if named:
        rest = re.sub(r"^\s*(?:#|no\.?\s*|issue\s*)?\d+\b", "", rest, flags=re.I)
        title = rest.lstrip(" :|-–—") or title
    return title


def _resource_name(url: str) -> str:
    parts = urlsplit(url)
    host = linkmod.domain(url)
    # An underscore that does not join two letters or digits would read as emphasis to Markdown tools
    # ("twitter.com __MLT__", "Highlights_-_Issue"): a space; "written_report" keeps its own.
    path = " ".join(s for s in re.split(r"/+|(?<![^\W_])_+|_+(?![^\W_])", parts.path) if s)
    path = re.sub(r"\.(html?|php|aspx?)$", "", path, flags=re.I)
    query = parts.query.replace("&", " ")
    return " ".join(x for x in (host, path, query) if x)  # "… README.md" is made legal by naming.legal_name


@lru_cache(maxsize=65_536)
def _url_keys(url: str) -> tuple[str, ...]:
    """Keys under which an issue's own URL or alias is recognised in another issue's link."""
    canonical = linkmod.canonical_url(url) if "://" in url else url
    parts = urlsplit(canonical)
    path = parts.path.rstrip("/")
    keys = []
    if parts.netloc:
        keys.append(linkmod.domain(canonical) + path)
    if path.count("/") >= 1 and len(path) > 8:
        keys.append(path)
    return tuple(keys)


def _cross_issue_index(issues: Iterable[Issue]) -> dict[str, str]:
    """Issue note ids by the keys of their URLs; a URL that several issues give (an archive's home page behind every
    "Read online") names none of them."""
    index: dict[str, str] = {}
    shared: set[str] = set()
    for issue in issues:
        iid = issue_id(issue)
        for url in filter(None, (issue.url, *issue.aliases)):
            if "/" in url:
                for k in _url_keys(url):
                    if index.setdefault(k, iid) != iid:
                        shared.add(k)
    for k in shared:
        del index[k]
    return index


def _best_title(anchors: list[str]) -> str | None:
    counts: dict[str, int] = defaultdict(int)
    for anchor in anchors:
        if anchor.strip().casefold() not in GENERIC_ANCHORS and len(anchor) <= 200:
            counts[anchor.strip()] += 1
    if not counts:
        return None
    return min(counts, key=lambda a: (-counts[a], -len(a), a))


def plan_notes(issues: list[Issue], links: Mapping[str, list[Link]], entities: list[Entity], vault,
               located: Mapping[str, Path], templates: Path | None, notices: list[str] | None = None,
               timings: dict[str, float] | None = None, url_edits: Mapping[str, tuple] | None = None,
               salt: str = "", layout: Layout = Layout(), tick: Callable[[int, int], None] | None = None,
               memo: Memo | None = None, lasting: Lasting | None = None) -> list[Note]:
    """Every note of the vault, named, linked and rendered; deterministic for the same input.

    `notices` receives one line per note that could not take its natural name because a file of the
    user's already has it, and one when a changed `layout` renamed notes; `timings` gets the seconds
    spent linking (the rest is naming and rendering); `url_edits` has links.url_edits per issue source,
    as computed when the source was read; `salt` stands for everything else the notes depend on (code,
    templates, options): see maker.Maker. `tick(done, total)`: notes linked and rendered so far, of all named.
    `memo`: what the last builds of the session planned (memo.py); the notes are the same with or without it.
    `lasting`: what earlier builds worked out, from the build state (state.Lasting): taken again, and kept, likewise.
    """
    template_dir = str(templates) if templates else None
    memo = memo if memo is not None else Memo()
    memo.begin((salt, template_dir, layout))
    issues = sorted(issues, key=lambda i: i.source)
    by_id = {issue_id(i): i for i in issues}
    cross = _cross_issue_index(issues)
    crossing = memo.version("cross", tuple(cross.items()))

    # Resources: one per canonical URL, across all issues; links to other issues, and links that name nothing
    # (links.names_nothing), are not resources.
    cited: dict[str, list[_Cited]] = defaultdict(list)
    table = memo.table("cited")
    resource: dict[str, bool] = {}  # canonical URL → whether it is a resource (the same URLs recur issue after issue)

    def is_resource(url: str) -> bool:
        found = resource.get(url)
        if found is None:
            found = resource[url] = not any(cross.get(k) for k in _url_keys(url)) and not linkmod.names_nothing(url)
        return found
    for issue in issues:
        own = tuple(links[issue.source])
        mine = table.get(issue.source, (own, crossing))
        if mine is Memo.MISSING:
            mine = table.put(issue.source, (own, crossing), tuple(
                (link.canonical, _Cited(issue.source, link.text, link.sentence)) for link in own
                if is_resource(link.canonical)))
        for url, citation in mine:
            cited[url].append(citation)

    newsletters = sorted({i.newsletter for i in issues})
    named = _name_notes(issues, newsletters, entities, cited, vault, located, layout, notices, memo)
    names, paths = named.names, named.paths
    for note_type in ("issue", "entity", "resource", "newsletter"):
        load_template(note_type, template_dir)  # a broken template stops the build before any note is written
    make = Maker(template_dir, salt, lambda nid, path, fm: _with_former_names(nid, path, fm, vault, named.renaming))

    def produce(kind: str, note_id: str, deps, build: Callable[[], Note]) -> Note:
        """The note the last build made from equal deps (which hold everything it is made from), else build()."""
        table = memo.table(kind)
        deps = (deps, paths.get(note_id), names.get(note_id), vault.renamed_from(note_id),
                named.renaming.due.get(note_id))
        note = table.get(note_id, deps)
        return table.put(note_id, deps, build()) if note is Memo.MISSING else note
    if tick is not None:
        produce = counting(produce, tick, len(names))

    started = time.perf_counter()
    notes, issue_entities = _issue_notes(issues, links, entities, cross, names, paths, url_edits, make, produce, memo,
                                         lasting)
    if timings is not None:
        timings["linking"] = timings.get("linking", 0.0) + time.perf_counter() - started
    entity_notes = _entity_notes(entities, names, paths, by_id, issue_entities, make, produce, memo)
    notes += entity_notes
    resource_notes = _resource_notes(cited, names, paths, by_id, make, produce, memo)
    notes += resource_notes
    from .indexes import index_notes, keyed
    finish = lambda n: keyed(transformed(replace(n, frontmatter=_with_former_names(  # noqa: E731
        n.id, n.path, n.frontmatter, vault, named.renaming))))
    notes += index_notes(issues, newsletters, names, paths, entity_notes, resource_notes, make, produce, finish, memo)
    if notices is not None:
        notices += filter(None, [layoutmod.rename_notice(named.renaming, named.changed, paths, located, vault.root)])
    if tick is not None:
        tick(len(notes), len(notes))  # a named entity no issue links to gets no note: the last count is exact
    return notes


@dataclass(frozen=True)
class _Named:
    names: dict[str, str]                 # note id → note name
    paths: dict[str, str]                 # note id → vault-relative path
    renaming: layoutmod.Renaming
    changed: frozenset[str]               # note types whose name template changed since the last build


def _name_notes(issues, newsletters, entities, cited, vault, located, layout: Layout,
                notices: list[str] | None, memo: Memo) -> _Named:
    """A note keeps the name it has (links to it, the user's included, keep working, and a title edited while
    the watcher runs does not rename it) unless its type's name template changed since the last build
    (layout.plan_renaming); foreign files keep theirs; new notes get one assigned."""
    requests, folders = _requests(issues, newsletters, entities, cited, layout, memo)
    changed = layout.changed(Layout.from_recorded(vault.names))
    if changed:
        renaming = layoutmod.plan_renaming(located, changed, folders, vault.as_written)
    else:  # every note keeps the name of its file: what plan_renaming gives when no template changed
        renaming = layoutmod.Renaming(issuememo.stems(memo, located), {})
    fixed = renaming.kept
    requests = [r for r in requests if r.id not in fixed]
    foreign = vault.foreign_names(located)
    names = dict(fixed)
    names.update(naming.assign(requests, taken=[*foreign, *fixed.values()]))
    spelled = layoutmod.one_spelling(folders.values())
    paths = {nid: _path(spelled[folder], names[nid]) for nid, folder in folders.items()}
    if notices is not None:
        taken = {naming.key(f) for f in foreign} if requests else set()
        for r in requests:
            wanted = naming.legal_name(r.preferred, r.id)
            if naming.key(wanted) in taken:
                notices.append(f"'{wanted}' is the name of a note of yours; vaultgen's note is '{names[r.id]}'")
    return _Named(names, paths, renaming, changed)


def _issue_notes(issues, links, entities, cross, names, paths, url_edits, make: Maker, produce, memo: Memo,
                 lasting: Lasting | None):
    """(issue notes, entity note names each issue links to): entity mentions become links in every issue that
    names them, not only where they were found."""
    from .linkify import link_mentions

    named = [(e, names[f"entity:{e.key}"]) for e in entities]
    listing = issuememo.listing(memo, named)
    # An issue's entity list is taken again while its names (in order) and every entity's entry are the same.
    listings, listing_version = memo.table("listed"), memo.version("listing", listing)
    found_in = memo.found_in.update(named)
    # What an issue's body becomes depends on its own text, links and URL edits, and on these two, the same for all.
    # A Linker depends on the set of (surface, note) pairs, not their order (which follows mention counts): the last
    # build's mapping, when it has the same pairs, spares compiling a new one (see linkify.link_mentions).
    targets, aiming = issuememo.targets(memo, named)
    cross_names = tuple((k, v, names[v]) for k, v in cross.items())
    crossing = memo.version("cross-names", cross_names)
    bodies = memo.table("linked")
    # Across processes, an issue's linking is found in the build state by the digests of the same inputs.
    stored = issuememo.StoredLinking(lasting, memo, (make.salt, aiming, crossing),
                                     lambda: (make.salt, sorted(targets.items()), cross_names))

    notes: list[Note] = []
    issue_entities: dict[str, set[str]] = {}
    for issue in issues:
        iid, own = issue_id(issue), issue.source
        digest_of, own_links = memo.issue_digest(issue), tuple(links[own])
        deps = (digest_of, own_links, url_edits[own] if url_edits is not None else None, crossing, aiming)
        done = bodies.get(iid, deps)
        if done is Memo.MISSING:
            found = stored.get(iid, digest_of)
            if found is None:
                body, linked_names = link_mentions(_vault_body(issue, links[own], cross, names, url_edits), targets)
                found = stored.put(iid, digest_of, hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest(),
                                   linked_names)
            done = bodies.put(iid, deps, (found[0], frozenset(found[1])))
        digest, linked = done
        mentioned = linked | issuememo.FoundIn.of(found_in, own)
        issue_entities[own] = mentioned
        resources = issuememo.issue_resources(memo, iid, own_links, names, GENERIC_ANCHORS)
        order = issuememo.in_order(memo, iid, mentioned)
        listed = listings.get(iid, (order, listing_version))
        if listed is Memo.MISSING:
            listed = listings.put(iid, (order, listing_version), [listing[n] for n in order if n in listing])

        # The linked body is made again when the note is rendered, not held: a vault's worth of issue text.
        def context(issue=issue, listed=listed, resources=resources):
            body, _ = link_mentions(_vault_body(issue, links[issue.source], cross, names, url_edits), targets)
            return {"issue": issue, "body": body.rstrip(), "entities": listed, "resources": resources}
        # The issue stands in the key by its digest: repr(issue) holds its whole body.
        inputs = (digest_of, digest, listed, resources)
        note = produce("issue", iid, inputs, lambda: make(iid, "issue", paths[iid],
                                                          _issue_frontmatter(issue, names[iid]), context, inputs))
        notes.append(make.again(note, make_variables=context))  # rendered, if need be, from this build's targets
    stored.keep_only({issue_id(i) for i in issues})
    return notes, issue_entities


def _requests(issues, newsletters, entities, cited, layout: Layout, memo: Memo):
    """Every note's wish for a name, and its folder: from its type's template in `layout`, or fixed (indexes)."""
    requests = [naming.Request(f"index:{n}", n, priority=-1) for n in INDEX_NOTES]
    folders = {f"index:{n}": "" for n in INDEX_NOTES}
    placed = memo.table("place")

    def want(note_id: str, note_type: str, deps, wish: Callable[[], tuple]) -> None:
        """wish() → (template values, default name, qualifier, priority): all made from `deps` (and the id)."""
        found = placed.get(note_id, deps)
        if found is Memo.MISSING:
            values, default, qualifier, priority = wish()
            place = layoutmod.place(note_type, layout.template(note_type), values, default)
            found = placed.put(note_id, deps, (naming.Request(note_id, place.name, qualifier, priority), place.folder))
        requests.append(found[0])
        folders[note_id] = found[1]

    def issue_wish(i: Issue) -> tuple:
        name = _issue_name(i)
        return layoutmod.issue_values(i, name, metadata_title(i)), name, None, 0

    for i in issues:
        want(issue_id(i), "issue", memo.issue_digest(i), lambda i=i: issue_wish(i))
    for n in newsletters:
        want(f"newsletter:{n}", "newsletter", None, lambda n=n: ({"name": n}, n, "newsletter", 0))
    # The most-mentioned of several things with one name keeps the bare name; the others get "(kind)".
    for e in entities:
        priority = 10_000 - min(len(e.mentions), 9_999)
        want(f"entity:{e.key}", "entity", (e.name, e.kind, priority), lambda e=e, p=priority: (
            layoutmod.entity_values(e.name, e.kind, KIND_INDEX[e.kind]), e.name, e.kind, p))
    for u, citations in cited.items():
        title = _title(memo, u, citations)
        want(f"resource:{u}", "resource", title, lambda u=u, t=title: (layoutmod.resource_values(
            _resource_name(u), t, linkmod.domain(u), linkmod.resource_kind(u)), _resource_name(u), None, 20_000))
    for k in sorted({e.kind for e in entities}):
        requests.append(naming.Request(f"index:kind:{k}", KIND_INDEX[k], "index", priority=-1))
        folders[f"index:kind:{k}"] = "Indexes"
    for d in sorted({linkmod.domain(u) for u in cited}):
        requests.append(naming.Request(f"index:domain:{d}", f"{d} (site)", priority=-1))
        folders[f"index:domain:{d}"] = "Indexes/Sites"
    return requests, folders


def _title(memo: Memo, url: str, citations: list[_Cited] | tuple[_Cited, ...]) -> str | None:
    """A resource's best title, from its citations' anchors (kept while they are the same)."""
    table, deps = memo.table("title", asked_twice=True), tuple(citations)  # by naming, then by the note
    title = table.get(url, deps)
    return table.put(url, deps, _best_title([c.anchor for c in citations])) if title is Memo.MISSING else title


def _path(folder: str, name: str) -> str:
    return f"{folder}/{name}.md" if folder else f"{name}.md"


def _stem(path: str) -> str:
    """PurePosixPath(path).stem, without making a path (asked for every note): the name, less its last suffix."""
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def _with_former_names(note_id: str, path: str, frontmatter: dict, vault, renaming) -> dict:
    """The names a template change took from the note, in its aliases: the user's [[Old name]] links find it."""
    former = naming.with_former(vault.renamed_from(note_id), renaming.due.get(note_id), _stem(path))
    if not former:
        return frontmatter
    aliases = list(frontmatter.get("aliases") or [])
    aliases += [f for f in former if f not in aliases]
    fm = {}
    for k, v in frontmatter.items():
        if k == "tags" and "aliases" not in frontmatter:  # resources and newsletters have none of their own
            fm["aliases"] = aliases
        fm[k] = aliases if k == "aliases" else v
    fm.setdefault("aliases", aliases)
    return fm


def _vault_body(issue: Issue, links: list[Link], cross: Mapping[str, str], names: Mapping[str, str],
                url_edits: Mapping[str, tuple] | None) -> str:
    """The body with canonical URLs, and wikilinks for links to another issue's note (edits cached per source)."""
    edits = url_edits[issue.source] if url_edits is not None else linkmod.url_edits(issue.body)
    if not any(k in cross for link in links for k in _url_keys(link.canonical)):
        return linkmod.apply_edits(issue.body, edits)
    return _linked(issue.body, edits, cross, names)


def _rewrite_links(body: str, cross: Mapping[str, str], names: Mapping[str, str]) -> str:
    """Canonical URLs everywhere; a link to another issue in SOURCE becomes a wikilink to its note."""
    return _linked(body, linkmod.url_edits(body), cross, names)


def _linked(body: str, edits, cross: Mapping[str, str], names: Mapping[str, str]) -> str:
    def wikilink(canonical: str, anchor: str) -> str | None:
        target = next((cross[k] for k in _url_keys(canonical) if k in cross), None)
        if target is None:
            return None
        return f"[[{names[target]}|{linkmod.bare_urls_canonical(link_label(linkmod.plain(anchor)))}]]"
    return linkmod.apply_edits(body, edits, wikilink)


def _issue_frontmatter(issue: Issue, name: str) -> dict:
    url_like = [a for a in issue.aliases if "/" in a]
    aliases = [a for a in issue.aliases if "/" not in a]
    if issue.title and issue.title != name and issue.title not in aliases:
        aliases.insert(0, issue.title)
    url = issue.url or next((a for a in url_like if a.startswith("http")), None)
    tags = [naming.tag(f"newsletter/{issue.newsletter}")]
    tags += [naming.tag(t) for t in issue.tags]
    fm = {"type": "issue", "title": issue.title, "newsletter": issue.newsletter}
    if issue.number is not None:
        fm["number"] = issue.number
    if issue.date:
        fm["date"] = issue.date
    if issue.authors:
        fm["author"] = list(issue.authors)
    if url:
        fm["url"] = linkmod.canonical_url(url)
    others = [u for u in url_like if u != url]
    if others:
        fm["urls"] = others
    fm["source"] = issue.source
    if issue.reader:
        fm["reader"] = issue.reader
    fm.update({"aliases": aliases, "tags": _unique(t for t in tags if t),
               "vaultgen_id": issue_id(issue)})
    return fm


def _unique(items: Iterable[str]) -> list[str]:
    seen, out = set(), []
    for item in items:
        if item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out


def _issue_sort_key(issue: Issue):
    return (issue.date.isoformat() if issue.date else "9999", issue.number or 0, issue.source)


def _entity_notes(entities, names, paths, by_id, issue_entities, make: Maker, produce, memo: Memo) -> list[Note]:
    notes = []
    order = sorted(by_id.values(), key=_issue_sort_key)
    # entity note name → the sources of the issues linking it, in order (kept from build to build: issuememo.py)
    linked_from = memo.linking.update(issue_entities, {i.source: n for n, i in enumerate(order)})
    cited_as = {i.source: (names[issue_id(i)], _issue_label(i), i.source) for i in order}  # (note name, label, source)
    dated = {i.source: i.date for i in order if i.date}
    citing, table = memo.version("cited-as", (cited_as, dated)), memo.table("linking")
    for e in entities:
        eid = f"entity:{e.key}"
        name = names[eid]
        sources = linked_from.get(name)
        if not sources:
            continue
        found = table.get(eid, (sources, citing))
        if found is Memo.MISSING:
            found = table.put(eid, (sources, citing), ([cited_as[s] for s in sources],
                                                       [dated[s] for s in sources if s in dated]))
        linking, dates = found

        def entity_note(e=e, name=name, linking=linking, dates=dates, count=max(len(e.mentions), len(sources))) -> Note:
            def context():
                sentences = defaultdict(list)
                for m in e.mentions:
                    sentences[m.source].append(m.sentence)
                triples = [(n, label, s) for n, label, source in linking for s in (sentences[source] or [""])]
                return {"entity": e, "name": e.name, "kind": e.kind, "description": inert(e.description or ""),
                        "mention_count": count, "urls": sorted(e.urls)[:10],
                        "first_seen": min(dates).isoformat() if dates else None,
                        "last_seen": max(dates).isoformat() if dates else None,
                        "mentions": grouped(triples)}
            aliases = _unique(a for a in (e.name, *e.aliases) if a != name)
            fm = {"type": "entity", "title": e.name, "kind": e.kind, "aliases": aliases,
                  "tags": [naming.tag(f"entity/{e.kind}")]}
            if e.description:
                fm["description"] = e.description
            if dates:
                fm["first_seen"], fm["last_seen"] = min(dates), max(dates)
            fm["mentions"] = count
            fm["issues"] = len(linking)
            fm["vaultgen_id"] = eid
            return make(eid, "entity", paths[eid], fm, context, inputs=(e, linking))
        notes.append(produce("entity", eid, (e, linking, dates), entity_note))
    return notes


def _resource_notes(cited, names, paths, by_id, make: Maker, produce, memo: Memo) -> list[Note]:
    notes = []
    rank = {i.source: n for n, i in enumerate(sorted(by_id.values(), key=_issue_sort_key))}
    labelled = {i.source: (names[issue_id(i)], _issue_label(i)) for i in by_id.values()}
    # A resource's citations in order are kept while they are the same, and the issues' order and labels too.
    placing, table = memo.version("placing", (rank, labelled)), memo.table("citations")
    for url, citations in sorted(cited.items()):
        rid, given = f"resource:{url}", tuple(citations)
        title = _title(memo, url, given)
        found = table.get(rid, (given, placing))
        if found is Memo.MISSING:
            ordered = sorted(citations, key=lambda c: rank[c.source])
            found = table.put(rid, (given, placing), ([(*labelled[c.source], c.sentence) for c in ordered],
                                                      len({c.source for c in citations})))
        triples, sources = found
        domain_note = names[f"index:domain:{linkmod.domain(url)}"]

        def resource_note(url=url, title=title, triples=triples, domain_note=domain_note, sources=sources) -> Note:
            kind = linkmod.resource_kind(url)

            def context():
                return {"url": url, "title": title and title.replace("]", "\\]").replace("[", "\\["), "kind": kind,
                        "domain": linkmod.domain(url), "domain_note": domain_note, "citations": grouped(triples)}
            fm = {"type": "resource", "title": title or linkmod.domain(url), "url": url,
                  "domain": linkmod.domain(url), "kind": kind, "tags": [naming.tag(f"resource/{kind}")],
                  "citations": sources, "vaultgen_id": rid}
            return make(rid, "resource", paths[rid], fm, context, inputs=(url, title, kind, triples, domain_note))
        notes.append(produce("resource", rid, (title, triples, domain_note, sources), resource_note))
    return notes
