#!/usr/bin/env python3
"""Crawl benchmark: a first crawl and a no-change recrawl of a generated site served on
loopback, repeated, with medians. Started by scripts/crawl-bench.sh (which builds the
release binaries first); see BENCHMARKS.md ("Indexing and crawling") for how to read it.

Each run crawls into a fresh data folder with a copy of index-config/ whose site.toml has
politeness off (`delay_ms = 0`), `concurrency` connections and a page limit above the
site's size, then crawls again with nothing changed. Given several `--bin` programs, each
run crawls with each of them in turn against the same server, so their figures are
measured side by side.

Per program it prints the medians of: first crawl seconds (the whole command), records
per second for the crawl part (the report's `elapsed`) and overall, recrawl seconds, and
recrawl / first.
"""

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / "target" / "release"


def log(message):
    print(f"[crawl-bench] {message}", file=sys.stderr, flush=True)


def bench_config(out, concurrency, max_pages):
    """The shipped index-config with politeness off and room for the whole site."""
    config = out / "config"
    shutil.copytree(ROOT / "index-config", config)
    site = config / "site.toml"
    text = site.read_text(encoding="utf-8")
    replacements = {
        r"(?m)^delay_ms = 100$": "delay_ms = 0",
        r"(?m)^concurrency = 4$": f"concurrency = {concurrency}",
        r"(?m)^max_pages = 5000$": f"max_pages = {max_pages}",
    }
    crawl_start = text.index("[crawl]")
    crawl_end = text.index("[", crawl_start + 1)
    section = text[crawl_start:crawl_end]
    for pattern, value in replacements.items():
        section, count = re.subn(pattern, value, section)
        if count != 1:
            raise SystemExit(f"{site}: cannot find `{pattern}` in the [crawl] section")
    site.write_text(text[:crawl_start] + section + text[crawl_end:], encoding="utf-8")
    return config


def start_server(corpus, pages, seed, log_path):
    """`offer-corpus serve` on a free loopback port; returns the process and its base URL."""
    log_file = open(log_path, "w", encoding="utf-8")
    process = subprocess.Popen(
        [str(corpus), "serve", "--pages", str(pages), "--seed", str(seed),
         "--addr", "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=log_file, text=True)
    line = process.stdout.readline()
    match = re.search(r"at (http://\S+?)/?$", line.strip())
    if not match:
        process.kill()
        raise SystemExit(f"offer-corpus serve printed no address: {line!r} (see {log_path})")
    return process, match.group(1) + "/"


def crawl(program, url, data, config, log_path):
    """One `offer-search crawl`; returns wall seconds and the report it wrote."""
    reports = data / "reports"
    before = set(reports.glob("*.json")) if reports.exists() else set()
    started = time.monotonic()
    with open(log_path, "a", encoding="utf-8") as log_file:
        result = subprocess.run(
            [str(program), "crawl", url, "--data", str(data), "--config", str(config)],
            stdout=log_file, stderr=log_file)
    wall = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"{program} crawl failed with {result.returncode} (see {log_path})")
    written = sorted(set(reports.glob("*.json")) - before)
    if len(written) != 1:
        raise SystemExit(f"expected one new crawl report in {reports}, found {len(written)}")
    return wall, json.loads(written[0].read_text(encoding="utf-8"))


def one_run(program, url, work, config, log_path):
    data = work / "data"
    if data.exists():
        shutil.rmtree(data)
    first_wall, first = crawl(program, url, data, config, log_path)
    again_wall, again = crawl(program, url, data, config, log_path)
    records = first["pages"] + first["documents"]
    if again["pages"] + again["documents"] != records or not again.get("kept_current"):
        raise SystemExit(f"the recrawl with {program} changed something: {again}")
    shutil.rmtree(data)
    return {
        "records": records,
        "first_secs": first_wall,
        "first_crawl_secs": first["elapsed"],
        "crawl_rate": records / first["elapsed"],
        "overall_rate": records / first_wall,
        "recrawl_secs": again_wall,
        "recrawl_crawl_secs": again["elapsed"],
        "not_modified": again["not_modified"],
        "ratio": again_wall / first_wall,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20_261_203)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--bin", dest="programs", type=Path, action="append",
                        help="offer-search program to measure (repeatable; default "
                             "target/release/offer-search)")
    parser.add_argument("--corpus", type=Path, default=RELEASE / "offer-corpus")
    parser.add_argument("--json", action="store_true", help="print every run as JSON too")
    args = parser.parse_args()
    programs = args.programs or [RELEASE / "offer-search"]

    work = Path(tempfile.mkdtemp(prefix="crawl-bench-"))
    config = bench_config(work, args.concurrency, args.pages * 2)
    server, url = start_server(args.corpus, args.pages, args.seed, work / "serve.log")
    log(f"serving {args.pages} pages at {url}; logs in {work}")
    runs = {str(program): [] for program in programs}
    try:
        for run in range(args.runs):
            for program in programs:
                result = one_run(program, url, work, config, work / "crawl.log")
                runs[str(program)].append(result)
                log(f"run {run + 1}/{args.runs} {program}: first {result['first_secs']:.1f}s "
                    f"({result['crawl_rate']:.0f} records/s crawling), recrawl "
                    f"{result['recrawl_secs']:.1f}s, ratio {result['ratio']:.0%}")
    finally:
        server.terminate()
        server.wait()

    for program, results in runs.items():
        def median(key):
            return statistics.median(result[key] for result in results)
        print(f"{program} ({len(results)} runs, {results[0]['records']} records, "
              f"{args.concurrency} connections, delay_ms = 0)")
        print(f"  first crawl:   {median('first_secs'):.1f} s total, "
              f"{median('first_crawl_secs'):.1f} s crawling")
        print(f"  records/s:     {median('crawl_rate'):.0f} crawling, "
              f"{median('overall_rate'):.0f} overall")
        print(f"  recrawl:       {median('recrawl_secs'):.1f} s total, "
              f"{median('recrawl_crawl_secs'):.1f} s crawling")
        print(f"  recrawl/first: {median('ratio'):.0%}")
    if args.json:
        print(json.dumps(runs, indent=2))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
