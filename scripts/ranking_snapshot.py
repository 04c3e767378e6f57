#!/usr/bin/env python3
"""Writes what a running offer-search API returns for every query of scripts/queries.txt
(flat and grouped: paths, scores, totals, facets, did-you-mean and snippets) as JSON, so that
two builds can be compared with `diff`: a change meant to make search faster must leave this
output identical.

    python3 scripts/ranking_snapshot.py http://127.0.0.1:7700 > before.json
"""

import json
import sys
import urllib.parse
import urllib.request
from pathlib import Path

QUERIES = Path(__file__).resolve().parent / "queries.txt"


def fetch(base, text, params):
    query = urllib.parse.urlencode({"q": text, **params})
    with urllib.request.urlopen(f"{base}/search?{query}", timeout=30) as response:
        body = json.load(response)
    body.pop("took_ms", None)
    return body


def main():
    base = sys.argv[1].rstrip("/")
    lines = QUERIES.read_text(encoding="utf-8").splitlines()
    texts = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    snapshot = {}
    for text in texts:
        snapshot[text] = {
            "flat": fetch(base, text, {"group": "false", "limit": "50"}),
            "grouped": fetch(base, text, {"limit": "10"}),
            "page_2": fetch(base, text, {"limit": "10", "offset": "10", "kind": "page"}),
        }
    json.dump(snapshot, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
