#!/usr/bin/env python3
"""The most-mentioned entities per corpus folder (junk check), with timings.

    python bench/corpus_top.py [FOLDER ...] [--top 30] [--all]
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from entity_eval import run  # noqa: E402

DEFAULT = ["/work/shared/corpus/dynamically-typed", "/work/shared/corpus/the-batch-html",
           "/work/shared/corpus/nlp-newsletter-dair"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="*", default=DEFAULT)
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--all", action="store_true", help="list every entity, by issues")
    args = ap.parse_args()
    for folder in args.folders:
        issues, cands, entities, by_name, predicted, times = run(Path(folder))
        issues_of = Counter(n for names in predicted.values() for n in names)
        print(f"== {folder}: {len(issues)} issues, {len(cands)} candidates, {len(entities)} entities; "
              f"extract {times[0]:.2f}s merge {times[1]:.2f}s link {times[2]:.2f}s")
        ranked = sorted(entities, key=lambda e: (-issues_of[e.name], -len(e.mentions), e.key))
        for e in ranked if args.all else ranked[: args.top]:
            print(f"  {issues_of[e.name]:3} issues {len(e.mentions):4} mentions  {e.name}  [{e.kind}]"
                  f"  {', '.join(e.aliases[:3])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
