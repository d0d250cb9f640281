#!/usr/bin/env python3
"""Quick entity harness: read the samples, extract + merge, score names against gold like score_vault.

    python bench/entity_eval.py [ISSUES] [--gold DIR] [-v]

Predicted for an issue = entities whose mentions include it, plus entities link_mentions() links in its
body (the same union the pipeline renders). Scored with score_vault's norm() on name + aliases.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), "/work/shared/eval"]

import yaml  # noqa: E402

from score_vault import norm  # noqa: E402
from _read import read_folder  # noqa: E402
from vaultgen.extract.entities import LinkEntityExtractor, TextEntityExtractor  # noqa: E402
from vaultgen.linkify import link_mentions  # noqa: E402
from vaultgen.resolve import merge_entities  # noqa: E402


def run(folder: Path):
    issues, links = read_folder(folder)
    t0 = time.perf_counter()
    cands = [c for x in (LinkEntityExtractor(), TextEntityExtractor()) for i in issues for c in x.extract(i, links[i.source])]
    t1 = time.perf_counter()
    entities = merge_entities(cands)
    t2 = time.perf_counter()
    targets = {}
    for e in sorted(entities, key=lambda e: (-len(e.mentions), e.key)):
        for s in (e.name, *e.aliases):
            targets.setdefault(s, e.name)
    by_name = {e.name: e for e in entities}
    predicted = defaultdict(set)
    for e in entities:
        for m in e.mentions:
            predicted[m.source].add(e.name)
    for i in issues:
        _, linked = link_mentions(i.body, targets)
        predicted[i.source] |= linked
    t3 = time.perf_counter()
    return issues, cands, entities, by_name, predicted, (t1 - t0, t2 - t1, t3 - t2)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("issues", nargs="?", default=str(ROOT / "issues"))
    ap.add_argument("--gold", default="/work/shared/eval/gold")
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()
    issues, cands, entities, by_name, predicted, times = run(Path(args.issues))
    print(f"{len(cands)} candidates → {len(entities)} entities; extract {times[0]:.2f}s merge {times[1]:.2f}s link {times[2]:.2f}s")
    TP = NP = TR = NR = 0
    for gf in sorted(Path(args.gold).glob("*.yaml")):
        gold = yaml.safe_load(gf.read_text())
        src = gold["source"]
        core = [{norm(g["name"]), *map(norm, g.get("aliases") or [])} for g in gold.get("core") or []]
        ok = [{norm(g["name"]), *map(norm, g.get("aliases") or [])} for g in gold.get("acceptable") or []]
        preds = {n: {norm(n), *map(norm, by_name[n].aliases)} for n in predicted.get(src, ())}
        found = [any(g & s for s in preds.values()) for g in core]
        good = {n: any(s & g for g in core + ok) for n, s in preds.items()}
        r = sum(found) / len(core) if core else 1
        p = sum(good.values()) / len(good) if good else 0
        f = 2 * p * r / (p + r) if p + r else 0
        print(f"{src}: P={p:.2f} R={r:.2f} F1={f:.2f} ({len(preds)} predicted, {len(core)} core)")
        missed = sorted(min(g, key=len) for g, hit in zip(core, found) if not hit)
        fps = sorted(n for n, g in good.items() if not g)
        if missed:
            print("    missed:", ", ".join(missed))
        if fps:
            print("    not in gold:", ", ".join(fps))
        TP += sum(good.values()); NP += len(good); TR += sum(found); NR += len(core)
    P, R = TP / NP, TR / NR
    print(f"micro: P={P:.3f} R={R:.3f} F1={2 * P * R / (P + R):.3f}")
    if args.v:
        for e in entities:
            print(f"  {e.key:30} {e.name:30} {e.kind:12} {len(e.mentions):3} {list(e.aliases)[:4]} {e.description or ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
