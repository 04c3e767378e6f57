"""A Xapian peer for scripts/load.sh: serves /search?q= over an index that Xapian's omindex
built from the generated site's files, the way Omega ranks (BM25, English stemming) with a
snippet from the stored sample. Run with Debian's python3 (python3-xapian):

    /usr/bin/python3 scripts/xapian_peer.py --db target/corpus/100000-xapian --port 0

It prints `listening on http://127.0.0.1:PORT` and serves until stopped. Python's threaded
HTTP server is its front end, so its rate is bounded by the interpreter, not by Xapian;
scripts/load.sh also times Xapian in-process (`--time-queries FILE`) for that reason.
"""

import argparse
import json
import statistics
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import xapian

LOCAL = threading.local()


def database(path):
    if getattr(LOCAL, "db", None) is None:
        LOCAL.db = xapian.Database(path)
        parser = xapian.QueryParser()
        parser.set_stemmer(xapian.Stem("english"))
        parser.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
        parser.set_database(LOCAL.db)
        parser.set_default_op(xapian.Query.OP_OR)
        LOCAL.parser = parser
    return LOCAL.db, LOCAL.parser


def fields(data):
    out = {}
    for line in data.decode("utf-8", "replace").split("\n"):
        key, _, value = line.partition("=")
        out[key] = value
    return out


def search(path, text):
    db, parser = database(path)
    flags = xapian.QueryParser.FLAG_DEFAULT | xapian.QueryParser.FLAG_PHRASE
    try:
        query = parser.parse_query(text, flags)
    except xapian.QueryParserError:
        query = parser.parse_query(text, 0)
    enquire = xapian.Enquire(db)
    enquire.set_query(query)
    mset = enquire.get_mset(0, 10, 100)
    stemmer = xapian.Stem("english")
    results = []
    for match in mset:
        data = fields(match.document.get_data())
        snippet = mset.snippet(data.get("sample", ""), 220, stemmer)
        results.append({
            "url": data.get("url", ""),
            "title": data.get("caption", ""),
            "snippet": snippet,
            "score": match.weight,
        })
    return {"total": mset.get_matches_estimated(), "results": results}


def serve(path, port):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            text = urllib.parse.parse_qs(url.query).get("q", [""])[0]
            body = json.dumps(search(path, text)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


def time_queries(path, queries_file, rounds):
    queries = [line.strip() for line in open(queries_file, encoding="utf-8")
               if line.strip() and not line.startswith("#")]
    search(path, queries[0])
    times = []
    for _ in range(rounds):
        for text in queries:
            started = time.perf_counter()
            search(path, text)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(json.dumps({"queries": len(times), "median_ms": statistics.median(times),
                      "p99_ms": p99}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--time-queries")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.time_queries:
        time_queries(args.db, args.time_queries, args.rounds)
        return 0
    serve(args.db, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
