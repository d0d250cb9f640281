"""Newsletter notes and the index notes (Newsletters, Entities, Resources, one per kind and per site): made last,
from the issue, entity and resource notes of the build."""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import replace
from typing import Callable

from . import naming
from .maker import Maker
from .memo import Memo
from .model import Note
from .notes import KIND_INDEX, _issue_label, _issue_sort_key, _stem, issue_id, metadata_title
from .render import link_label


def keyed(note: Note) -> Note:
    """An index note (made whole, not from a template) with its key: the writer need not work it out every build."""
    return replace(note, key=hashlib.sha256(repr((note.id, note.type, note.path, note.frontmatter, note.body)).encode(
        "utf-8", "surrogatepass")).hexdigest())


def index_notes(issues, newsletters, names, paths, entity_notes, resource_notes, make: Maker, produce,
                 finish: Callable[[Note], Note], memo: Memo) -> list[Note]:
    """Newsletter notes, and the index notes (made whole, their former names added, transformed by plugins)."""
    notes = []
    for newsletter in newsletters:
        nid = f"newsletter:{newsletter}"
        mine = sorted((i for i in issues if i.newsletter == newsletter), key=_issue_sort_key)

        def newsletter_note(newsletter=newsletter, nid=nid, mine=mine) -> Note:
            years: dict[str, list] = defaultdict(list)
            for i in mine:
                years[str(i.date.year) if i.date else "Undated"].append({"name": names[issue_id(i)], "label": link_label(
                    f"{_issue_label(i)} · {metadata_title(i)}")})
            dates = [i.date for i in mine if i.date]
            context = {"newsletter": newsletter, "issue_count": len(mine),
                       "first_date": min(dates).isoformat() if dates else None,
                       "last_date": max(dates).isoformat() if dates else None,
                       "years": [{"label": y, "issues": years[y]} for y in sorted(years)]}
            fm = {"type": "newsletter", "title": newsletter, "issues": len(mine),
                  "tags": [naming.tag("vaultgen/index")], "vaultgen_id": nid}
            return make(nid, "newsletter", paths[nid], fm, context)
        issues_in = tuple((names[issue_id(i)], memo.issue_digest(i)) for i in mine)
        notes.append(produce("newsletter", nid, issues_in, newsletter_note))

    def index(iid: str, title: str, lines: Callable[[], list[str]], deps) -> Note:
        def index_note() -> Note:
            fm = {"type": "index", "title": title, "tags": [naming.tag("vaultgen/index")], "vaultgen_id": iid}
            made = lines()
            return finish(Note(iid, "index", paths[iid], fm, "\n".join(made) + "\n" if made else "_Nothing yet._\n"))
        return produce("index", iid, (title, deps), index_note)

    by_kind: dict[str, list[Note]] = defaultdict(list)
    for note in entity_notes:
        by_kind[note.frontmatter["kind"]].append(note)
    for kind, members in sorted(by_kind.items()):
        def kind_lines(members=members) -> list[str]:
            members.sort(key=lambda n: (-n.frontmatter["mentions"], _stem(n.path).casefold()))
            return [f"- [[{_stem(n.path)}]] · {n.frontmatter['mentions']}" for n in members]
        deps = tuple((n.path, n.frontmatter["mentions"]) for n in members)
        notes.append(index(f"index:kind:{kind}", KIND_INDEX[kind], kind_lines, deps))
    by_domain: dict[str, list[Note]] = defaultdict(list)
    for note in resource_notes:
        by_domain[note.frontmatter["domain"]].append(note)
    for domain, members in sorted(by_domain.items()):
        def domain_lines(members=members) -> list[str]:
            members.sort(key=lambda n: (-n.frontmatter["citations"], _stem(n.path).casefold()))
            return [f"- [[{_stem(n.path)}|{link_label(n.frontmatter['title'])}]] · {n.frontmatter['citations']}"
                    for n in members]
        deps = tuple((n.path, n.frontmatter["title"], n.frontmatter["citations"]) for n in members)
        notes.append(index(f"index:domain:{domain}", domain, domain_lines, deps))
    domains = sorted(by_domain, key=lambda d: (-len(by_domain[d]), d))
    for iid, title, lines in (
            ("index:Newsletters", "Newsletters", [f"- [[{names['newsletter:' + n]}]]" for n in newsletters]),
            ("index:Entities", "Entities", [f"- [[{names['index:kind:' + k]}]] · {len(by_kind[k])}"
                                            for k in sorted(by_kind)]),
            ("index:Resources", "Resources", [f"- [[{names['index:domain:' + d]}|{d}]] · {len(by_domain[d])}"
                                              for d in domains])):
        notes.append(index(iid, title, lambda lines=lines: lines, tuple(lines)))
    return notes
