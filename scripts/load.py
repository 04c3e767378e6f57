#!/usr/bin/env python3
"""Load test of `offer-search serve` on a generated site, side by side with its ceiling and
its peers, all in one run on one machine. Started by scripts/load.sh (which builds the
release binaries first); see BENCHMARKS.md for what it measures and how to read it.

Targets measured, each with the same query list and load generator:
  search    offer-search /search (snippets, facets, grouping: the defaults) with the
            result cache off, so that every request is searched
  cached    the same with the shipped result cache on: the query list repeats, so after
            its first pass every request is answered from the cache
  suggest   offer-search /suggest on prefixes of the same queries
  bare      a bare axum endpoint returning a fixed small JSON (the HTTP ceiling)
  tantivy   plain tantivy BM25 over title and body, with snippets (examples/peer_bm25.rs)
  xapian    Xapian over the same site's files indexed by omindex (scripts/xapian_peer.py)
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / "target" / "release"


def log(message):
    print(f"[load] {message}", file=sys.stderr, flush=True)


def queries():
    lines = (ROOT / "scripts" / "queries.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def prefixes(texts):
    """What a front end sends to /suggest while each query is typed: every prefix from two
    characters on, as key presses arrive."""
    out = []
    for text in texts:
        plain = text.replace('"', "")
        out.extend(plain[:end] for end in range(2, len(plain) + 1))
    return out


def unlimited_config(out, name="config", cache=True):
    """The shipped index-config with the per-client rate limit off: every request of a load
    test comes from one address, and the limit is there to stop one client flooding. With
    `cache` false the result cache is off too, so that every search is searched."""
    config = out / name
    if config.exists():
        shutil.rmtree(config)
    shutil.copytree(ROOT / "index-config", config)
    api = config / "api.toml"
    text = api.read_text(encoding="utf-8")
    changes = [("rate_per_second = 50", "rate_per_second = 0")]
    if not cache:
        changes.append(("entries = 1000", "entries = 0"))
    for shipped, wanted in changes:
        if shipped not in text:
            raise SystemExit(f"{api}: cannot find `{shipped}` to change it")
        text = text.replace(shipped, wanted)
    api.write_text(text, encoding="utf-8")
    return config


def url_file(path, base, route, texts):
    with open(path, "w", encoding="utf-8") as out:
        for text in texts:
            out.write(f"{base}{route}?q={urllib.parse.quote(text)}\n")
    return path


class Server:
    """A child process that prints `listening on http://...` once it is ready."""

    def __init__(self, name, command, log_dir, env=None):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self.log_file = open(self.log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=self.log_file, text=True,
            env={**os.environ, **(env or {})},
        )
        self.base_url = None
        deadline = time.time() + 300
        while time.time() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            if "listening on http://" in line:
                self.base_url = line.strip().split("listening on ", 1)[1].rstrip("/")
                break
        if self.base_url is None:
            self.stop()
            raise SystemExit(f"{name} did not start; see {self.log_path}")
        threading.Thread(target=self.process.stdout.read, daemon=True).start()
        log(f"{name} at {self.base_url} (pid {self.process.pid})")

    def memory_kib(self):
        values = {}
        with open(f"/proc/{self.process.pid}/status", encoding="utf-8") as status:
            for line in status:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                    values[key] = int(rest.split()[0])
        return values

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log_file.close()


def oha(urls, connections, duration, rate=None):
    command = [
        "oha", "--no-tui", "--output-format", "json", "-z", duration,
        "-c", str(connections), "--urls-from-file", str(urls),
    ]
    if rate:
        # Latencies from the intended send times, so that a stall is not hidden by the
        # requests it delayed (coordinated omission).
        command += ["-q", str(rate), "--latency-correction"]
    finished = subprocess.run(command, capture_output=True, text=True, check=True)
    report = json.loads(finished.stdout)
    summary = report["summary"]
    percentiles = report["latencyPercentiles"]
    codes = report.get("statusCodeDistribution", {})
    ok = sum(count for code, count in codes.items() if code.startswith("2"))
    return {
        "rps": summary["requestsPerSec"],
        "p50_ms": (percentiles.get("p50") or 0) * 1000,
        "p99_ms": (percentiles.get("p99") or 0) * 1000,
        "ok": ok,
        "failed": sum(codes.values()) - ok,
    }


def median_of(runs, key):
    return statistics.median(run[key] for run in runs)


def summarise(runs):
    return {
        "rps": median_of(runs, "rps"),
        "p50_ms": median_of(runs, "p50_ms"),
        "p99_ms": median_of(runs, "p99_ms"),
        "runs": runs,
    }


def ensure_indexes(args, data, log_dir):
    log(f"corpus index of {args.pages} pages in {data} (reused when present)")
    subprocess.run(
        [RELEASE / "offer-corpus", "index", "--pages", str(args.pages), "--seed",
         str(args.seed), "--data", data, "--reuse"], check=True,
    )
    peer = Path(f"{data}-tantivy")
    if not (peer / "meta.json").exists():
        log("building the plain tantivy peer's index")
        shutil.rmtree(peer, ignore_errors=True)
        subprocess.run([RELEASE / "examples" / "peer_bm25", "build", "--data", data,
                        "--out", peer], check=True)
    xapian_db = Path(f"{data}-xapian")
    if args.xapian and not (xapian_db / "iamglass").exists():
        site = Path(f"{data}-site")
        if not (site / "index.html").exists():
            log("writing the site's files for omindex")
            subprocess.run([RELEASE / "offer-corpus", "write", "--pages", str(args.pages),
                            "--seed", str(args.seed), "--out", site], check=True)
        log("indexing the site's files with omindex")
        started = time.time()
        subprocess.run(["omindex", "--db", xapian_db, "--url", "/", site], check=True,
                       stdout=open(log_dir / "omindex.log", "w"))
        log(f"omindex took {time.time() - started:.0f}s")
    return peer, xapian_db


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20_261_203)
    parser.add_argument("--duration", default="10s", help="length of one measurement")
    parser.add_argument("--runs", type=int, default=3, help="measurements per point")
    parser.add_argument("--connections", default="1,8,64")
    parser.add_argument("--no-xapian", dest="xapian", action="store_false")
    parser.add_argument("--no-reindex", dest="reindex", action="store_false")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    if shutil.which("oha") is None:
        raise SystemExit("oha is needed: cargo install oha --locked")
    if args.xapian and shutil.which("omindex") is None:
        raise SystemExit("omindex is needed (apt-get install xapian-omega), or --no-xapian")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = args.out or ROOT / "target" / "load" / stamp
    out.mkdir(parents=True, exist_ok=True)
    data = ROOT / "target" / "corpus" / f"{args.pages}-{args.seed}"
    peer_dir, xapian_db = ensure_indexes(args, data, out)

    texts = queries()
    # Each run starts with no search log: `serve` logs every search for analytics, and a log
    # left by an earlier run would make this one's periodic popular-query refresh slower.
    for leftover in data.glob("analytics.sqlite*"):
        leftover.unlink()
    cached_data = shadow_data_folder(data, out / "cached-data")
    servers = {}
    try:
        servers["search"] = Server("search", [
            RELEASE / "offer-search", "serve", "--data", data, "--config",
            unlimited_config(out, "config-uncached", cache=False), "--addr", "127.0.0.1:0"],
            out, {"RUST_LOG": "warn"})
        servers["cached"] = Server("cached", [
            RELEASE / "offer-search", "serve", "--data", cached_data, "--config",
            unlimited_config(out), "--addr", "127.0.0.1:0"], out, {"RUST_LOG": "warn"})
        servers["bare"] = Server("bare", [RELEASE / "examples" / "bare", "127.0.0.1:0"], out)
        servers["tantivy"] = Server("tantivy", [
            RELEASE / "examples" / "peer_bm25", "serve", "--index", peer_dir,
            "--addr", "127.0.0.1:0"], out)
        if args.xapian:
            servers["xapian"] = Server("xapian", [
                "/usr/bin/python3", ROOT / "scripts" / "xapian_peer.py", "--db", xapian_db,
                "--port", "0"], out)

        urls = {
            "search": url_file(out / "search.urls", servers["search"].base_url, "/search", texts),
            "cached": url_file(out / "cached.urls", servers["cached"].base_url, "/search", texts),
            "suggest": url_file(out / "suggest.urls", servers["search"].base_url, "/suggest",
                                prefixes(texts)),
            "bare": url_file(out / "bare.urls", servers["bare"].base_url, "/search", ["x"]),
            "tantivy": url_file(out / "tantivy.urls", servers["tantivy"].base_url, "/search",
                                texts),
        }
        if args.xapian:
            urls["xapian"] = url_file(out / "xapian.urls", servers["xapian"].base_url,
                                      "/search", texts)
        for name, path in urls.items():
            oha(path, 8, "2s")
            log(f"warmed up {name}")

        connections = [int(part) for part in args.connections.split(",")]
        results = {"machine": machine(), "pages": args.pages, "duration": args.duration,
                   "saturation": {}, "rate_limited": {}}
        raw = {name: {c: [] for c in connections} for name in urls}
        # Runs interleave the targets, so that noise from other work on the machine falls
        # on all of them alike.
        for run in range(args.runs):
            for count in connections:
                for name, path in urls.items():
                    measured = oha(path, count, args.duration)
                    raw[name][count].append(measured)
                    log(f"run {run + 1} {name} c={count}: {measured['rps']:.0f}/s "
                        f"p50 {measured['p50_ms']:.2f} ms p99 {measured['p99_ms']:.2f} ms")
        for name in urls:
            results["saturation"][name] = {str(c): summarise(raw[name][c])
                                           for c in connections}
        top = str(max(connections))
        ceiling = results["saturation"]["bare"][top]["rps"]
        results["ratio_to_bare"] = {
            name: results["saturation"][name][top]["rps"] / ceiling for name in urls
        }

        # Half the measured saturation rate, offered steadily.
        for name in ("search", "cached", "suggest"):
            rate = max(1, int(results["saturation"][name][top]["rps"] / 2))
            runs = []
            for _ in range(args.runs):
                runs.append(oha(urls[name], 64, args.duration, rate))
            results["rate_limited"][name] = {"rate": rate, **summarise(runs)}
            log(f"{name} at {rate}/s: p99 {results['rate_limited'][name]['p99_ms']:.2f} ms")

        # The cached server's memory after its runs; it stops before the reindex, whose
        # searches would all be answered from its cache, so that only the server that
        # searches every request shares the machine with the build.
        results["cached_memory_kib"] = servers["cached"].memory_kib()
        results["cache_hit_rate"] = cache_hit_rate(servers["cached"].base_url)
        servers["cached"].stop()
        if args.reindex:
            results["reindex"] = reindex(args, data, urls["search"],
                                         results["rate_limited"]["search"]["rate"], out,
                                         servers["search"].base_url)
        results["memory_kib"] = servers["search"].memory_kib()
        results["xapian_in_process"] = xapian_in_process(args, xapian_db) if args.xapian else None
    finally:
        for server in servers.values():
            server.stop()

    (out / "results.json").write_text(json.dumps(results, indent=2))
    print(report(results))
    log(f"results in {out / 'results.json'}")


def shadow_data_folder(data, shadow):
    """A data folder serving the same generations as `data`, with a search log of its own:
    the cached server logs tens of thousands of searches a second, and sharing one SQLite
    file would make the two servers' log writers wait on each other."""
    if shadow.exists():
        shutil.rmtree(shadow)
    shadow.mkdir(parents=True)
    (shadow / "generations").symlink_to((data / "generations").resolve())
    shutil.copy(data / "CURRENT", shadow / "CURRENT")
    return shadow


def cache_hit_rate(base_url):
    """The share of the server's searches answered from its result cache, from /metrics."""
    counts = {"hit": 0.0, "miss": 0.0}
    with urllib.request.urlopen(f"{base_url}/metrics", timeout=10) as answer:
        for line in answer.read().decode("utf-8").splitlines():
            if line.startswith("search_cache_lookups_total{"):
                for result in counts:
                    if f'result="{result}"' in line:
                        counts[result] += float(line.rsplit(" ", 1)[1])
    lookups = counts["hit"] + counts["miss"]
    return counts["hit"] / lookups if lookups else None


def served_generation(base_url):
    with urllib.request.urlopen(f"{base_url}/health", timeout=10) as answer:
        return json.load(answer).get("generation")


def reindex(args, data, urls, rate, out, base_url):
    """Searches at `rate` while a new generation of the same site is built and published
    into the data folder the server watches, then waits until the server has swapped to
    it, so that the memory read afterwards is that of the server after a swap."""
    before = served_generation(base_url)
    log(f"reindexing while searching at {rate}/s")
    builder = subprocess.Popen(
        [RELEASE / "offer-corpus", "index", "--pages", str(args.pages), "--seed",
         str(args.seed), "--data", data],
        stdout=open(out / "reindex.log", "w"), stderr=subprocess.STDOUT,
    )
    started = time.time()
    runs = []
    while builder.poll() is None:
        runs.append(oha(urls, 64, args.duration, rate))
        log(f"during reindex: p99 {runs[-1]['p99_ms']:.2f} ms")
    builder.wait()
    build_secs = time.time() - started
    deadline = time.time() + 60
    while served_generation(base_url) == before and time.time() < deadline:
        time.sleep(0.5)
    swapped_to = served_generation(base_url)
    log(f"serving generation {swapped_to} (was {before})")
    # One more run at the same rate on the new generation, so that the memory read next is
    # that of a server at work after a swap (the old generation dropped, the new one's index
    # pages read), not a snapshot of the swap itself.
    after = oha(urls, 64, args.duration, rate)
    log(f"after the swap: p99 {after['p99_ms']:.2f} ms")
    return {"rate": rate, "build_secs": build_secs, "generation_before": before,
            "generation_after": swapped_to, "after_swap_p99_ms": after["p99_ms"],
            **summarise(runs)}


def xapian_in_process(args, xapian_db):
    finished = subprocess.run(
        ["/usr/bin/python3", ROOT / "scripts" / "xapian_peer.py", "--db", xapian_db,
         "--time-queries", ROOT / "scripts" / "queries.txt"],
        capture_output=True, text=True, check=True,
    )
    return json.loads(finished.stdout)


def machine():
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as meminfo:
        total_kib = int(meminfo.readline().split()[1])
    return {"cpus": os.cpu_count(), "cpu": model, "memory_gib": round(total_kib / 2**20, 1)}


def report(results):
    lines = [f"machine: {results['machine']}", f"pages: {results['pages']}", "",
             "target   conns      rps    p50 ms    p99 ms"]
    for name, by_count in results["saturation"].items():
        for count, point in by_count.items():
            lines.append(f"{name:<8} {count:>5} {point['rps']:>8.0f} {point['p50_ms']:>9.2f} "
                         f"{point['p99_ms']:>9.2f}")
    lines.append("")
    for name, ratio in results["ratio_to_bare"].items():
        lines.append(f"{name}: {ratio:.1%} of the bare axum ceiling at saturation")
    for name, point in results["rate_limited"].items():
        lines.append(f"{name} at {point['rate']}/s: p50 {point['p50_ms']:.2f} ms, "
                     f"p99 {point['p99_ms']:.2f} ms")
    if "reindex" in results:
        point = results["reindex"]
        lines.append(f"search during reindex at {point['rate']}/s: p99 {point['p99_ms']:.2f} ms "
                     f"(build {point['build_secs']:.0f}s)")
    after = ", after the reindex" if "reindex" in results else ""
    for label, key in ((f"serve memory (cache off{after})", "memory_kib"),
                       ("serve memory (cache on, after its runs)", "cached_memory_kib")):
        memory = results[key]
        lines.append(f"{label}: RSS {memory.get('VmRSS', 0) / 1024:.0f} MiB "
                     f"(heap and other anonymous {memory.get('RssAnon', 0) / 1024:.0f} MiB, "
                     f"mapped index files {memory.get('RssFile', 0) / 1024:.0f} MiB), "
                     f"peak {memory.get('VmHWM', 0) / 1024:.0f} MiB")
    if results.get("cache_hit_rate") is not None:
        lines.append(f"cached: {results['cache_hit_rate']:.1%} of its searches answered "
                     f"from the cache")
    if results.get("xapian_in_process"):
        point = results["xapian_in_process"]
        lines.append(f"xapian in-process: median {point['median_ms']:.2f} ms, "
                     f"p99 {point['p99_ms']:.2f} ms")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
