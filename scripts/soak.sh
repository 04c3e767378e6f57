#!/usr/bin/env bash
# Soak test: ten minutes of mixed search and suggest load against a release `serve`, with a
# full recrawl and index swap half way through. Passes when no request failed (wrk counts
# every non-2xx answer; the query list holds only valid queries) and the server's resident
# memory at the end is within 10 % of what it was after warm-up.
#
#   scripts/soak.sh [SECONDS]        default 600
#
# Needs: wrk (apt-get install wrk), python3, and ../shared/realdata (the replica site).
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-600}
port_site=18765
port_api=17701
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

command -v wrk >/dev/null || { echo "soak: wrk is required (apt-get install wrk)" >&2; exit 1; }
cargo build --release --locked --quiet
bin=target/release/offer-search

python3 ../shared/realdata/serve.py --port "$port_site" >"$work/site.log" 2>&1 &
sleep 1
"$bin" crawl "http://127.0.0.1:$port_site/" --data "$work/data" 2>"$work/crawl1.log"
"$bin" serve --data "$work/data" --addr "127.0.0.1:$port_api" >"$work/serve.out" 2>"$work/serve.log" &
server=$!
sleep 2

cat >"$work/mixed.lua" <<'LUA'
local paths = {
  "/search?q=inclusion+funding", "/search?q=short+breaks&group=false", "/search?q=EHCP",
  "/search?q=how+can+my+child+get+an+EHC+plan", "/search?q=post-16+transport&limit=20",
  "/search?q=respite&section=social-care", "/search?q=speech+and+language+therapy&explain=true",
  "/search?q=inclusoin+fundign", "/search?q=annual+review&offset=10", "/search?q=SENCO",
  "/suggest?q=sh", "/suggest?q=ehc+p", "/suggest?q=tra", "/browse?letter=S", "/health",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
LUA

rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
half=$((duration / 2))
wrk -t2 -c16 -d"${duration}s" --latency -s "$work/mixed.lua" "http://127.0.0.1:$port_api" >"$work/wrk.txt" &
load=$!
sleep 60
rss_start=$(rss)
echo "soak: resident memory after warm-up ${rss_start} kB"
sleep $((half - 60))
echo "soak: recrawling with the server under load"
"$bin" crawl "http://127.0.0.1:$port_site/" --force --data "$work/data" 2>"$work/crawl2.log"
wait "$load"
rss_end=$(rss)
echo "soak: resident memory at the end ${rss_end} kB"
cat "$work/wrk.txt"

failures=$(awk '/Non-2xx or 3xx responses/ {print $5}' "$work/wrk.txt")
errors=$(awk '/Socket errors/ {print}' "$work/wrk.txt")
generation=$(cat "$work/data/CURRENT")
echo "soak: serving generation $generation after the recrawl"
status=0
if [ -n "${failures:-}" ] && [ "$failures" != "0" ]; then
  echo "soak: FAIL: $failures non-2xx responses"; status=1
fi
if [ -n "$errors" ]; then
  echo "soak: FAIL: $errors"; status=1
fi
limit=$((rss_start + rss_start / 10))
if [ "$rss_end" -gt "$limit" ]; then
  echo "soak: FAIL: memory grew from ${rss_start} kB to ${rss_end} kB"; status=1
fi
[ "$status" = 0 ] && echo "soak: PASS"
exit "$status"
