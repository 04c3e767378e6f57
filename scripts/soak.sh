#!/usr/bin/env bash
# Soak test: mixed search, suggest and browse load against `serve` for ten minutes,
# with a full recrawl and index swap half way through. Passes when no request failed (wrk
# counts 4xx and 5xx answers and socket errors; the query list holds only valid queries),
# the server's own counts show no 5xx, the server switched to the new generation, and its
# resident memory over the last 30 seconds has grown by at most 10 % on what it was over the
# 30 seconds after warm-up (medians of samples taken every 2 seconds, so one moment's
# allocation does not decide it).
#
#   scripts/soak.sh [SECONDS]                     default 600, release build
#   SOAK_PROFILE=debug scripts/soak.sh [SECONDS]  the debug build (no release build needed)
#
# Needs: wrk (apt-get install wrk), curl, python3, and ../shared/realdata (the replica site).
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-600}
port_site=18765
port_api=17701
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

command -v wrk >/dev/null || { echo "soak: wrk is required (apt-get install wrk)" >&2; exit 1; }
profile=${SOAK_PROFILE:-release}
case "$profile" in
  release) cargo build --release --locked --quiet ;;
  debug) cargo build --locked --quiet ;;
  *) echo "soak: SOAK_PROFILE must be release or debug, not $profile" >&2; exit 1 ;;
esac
bin=target/$profile/offer-search
echo "soak: $profile build, ${duration}s"

# The shipped config with the per-client rate limit off: all the load comes from one address.
cp -r index-config "$work/config"
sed -i 's/^rate_per_second = .*/rate_per_second = 0/' "$work/config/api.toml"
grep -q '^rate_per_second = 0$' "$work/config/api.toml"

python3 ../shared/realdata/serve.py --port "$port_site" --quiet >"$work/site.log" 2>&1 &
sleep 1
"$bin" crawl "http://127.0.0.1:$port_site/" --data "$work/data" --config "$work/config" \
  2>"$work/crawl1.log"
"$bin" serve --data "$work/data" --config "$work/config" --addr "127.0.0.1:$port_api" \
  >"$work/serve.out" 2>"$work/serve.log" &
server=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port_api/health" >/dev/null && break
  sleep 0.2
done
generation_before=$(cat "$work/data/CURRENT")

cat >"$work/mixed.lua" <<'LUA'
local paths = {
  "/search?q=inclusion+funding", "/search?q=short+breaks&group=false", "/search?q=EHCP",
  "/search?q=how+can+my+child+get+an+EHC+plan", "/search?q=post-16+transport&limit=20",
  "/search?q=respite&kind=document", "/search?q=speech+and+language+therapy&explain=true",
  "/search?q=inclusoin+fundign", "/search?q=annual+review&offset=10", "/search?q=SENCO",
  "/suggest?q=sh", "/suggest?q=ehc+p", "/suggest?q=tra", "/browse?letter=S", "/health",
  "/?q=short+breaks", "/a-z?letter=E",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
LUA

rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
# Heap and mapped index files apart: touched pages of the mmapped index count in VmRSS.
rss_parts() { awk '/RssAnon|RssFile/ {printf "%s %s kB ", $1, $2}' "/proc/$server/status"; }
# Samples resident memory every 2 seconds into memory.tsv: seconds since the load began, kB.
sample_memory() {
  local started=$SECONDS
  while kill -0 "$server" 2>/dev/null; do
    echo "$((SECONDS - started)) $(rss)" >>"$work/memory.tsv"
    sleep 2
  done
}
# The median of the samples taken from second $1 to second $2 of the load.
median_rss() {
  awk -v from="$1" -v to="$2" '$1 >= from && $1 <= to {print $2}' "$work/memory.tsv" |
    sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
half=$((duration / 2))
warmup=$((duration / 10 < 60 ? duration / 10 : 60))
sample_memory &
wrk -t2 -c16 -d"${duration}s" --latency -s "$work/mixed.lua" "http://127.0.0.1:$port_api" \
  >"$work/wrk.txt" &
load=$!
sleep "$warmup"
rss_start=$(rss)
echo "soak: resident memory after ${warmup}s of warm-up ${rss_start} kB ($(rss_parts))"
sleep $((half - warmup))
rss_before=$(rss)
echo "soak: resident memory before the recrawl ${rss_before} kB ($(rss_parts))"
echo "soak: recrawling with the server under load"
"$bin" crawl "http://127.0.0.1:$port_site/" --force --data "$work/data" --config "$work/config" \
  2>"$work/crawl2.log"
generation_after=$(cat "$work/data/CURRENT")
sleep 10
rss_middle=$(rss)
echo "soak: resident memory 10 s after generation $generation_after was published ${rss_middle} kB ($(rss_parts))"
wait "$load"
rss_end=$(rss)
echo "soak: resident memory at the end ${rss_end} kB ($(rss_parts))"
median_start=$(median_rss "$warmup" $((warmup + 30)))
median_end=$(median_rss $((duration - 30)) "$duration")
echo "soak: median resident memory ${median_start} kB in the 30 s after warm-up, ${median_end} kB in the last 30 s"
echo "soak: resident memory (seconds kB) about every 30 s: $(awk '$1 % 30 < 2' "$work/memory.tsv" | tr '\n' ' ')"
cat "$work/wrk.txt"

# The server's own count of answers by status, across every route.
curl -sf "http://127.0.0.1:$port_api/metrics" >"$work/metrics.txt"
echo "soak: answers by status (from /metrics):"
grep '^http_requests_total' "$work/metrics.txt" |
  sed -E 's/.*status="([0-9]+)".* ([0-9.e+]+)$/\1 \2/' |
  awk '{count[$1] += $2} END {for (s in count) printf "  %s %d\n", s, count[s]}' | sort |
  tee "$work/statuses.txt"
server_errors=$(awk '$1 >= 500 {sum += $2} END {print sum + 0}' "$work/statuses.txt")
serving=$(curl -sf "http://127.0.0.1:$port_api/health" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["generation"])')

failures=$(awk '/Non-2xx or 3xx responses/ {print $5}' "$work/wrk.txt")
errors=$(awk '/Socket errors/ {print}' "$work/wrk.txt")
echo "soak: generation $generation_before before, $generation_after published, $serving served"
echo "soak: 5xx answers: $server_errors"
status=0
if [ -n "${failures:-}" ] && [ "$failures" != "0" ]; then
  echo "soak: FAIL: $failures non-2xx responses"; status=1
fi
if [ -n "$errors" ]; then
  echo "soak: FAIL: $errors"; status=1
fi
if [ "$server_errors" != "0" ]; then
  echo "soak: FAIL: $server_errors answers were 5xx"; status=1
fi
if [ "$generation_after" = "$generation_before" ] || [ "$serving" != "$generation_after" ]; then
  echo "soak: FAIL: the server did not switch to the recrawled generation"; status=1
fi
limit=$((median_start + median_start / 10))
if [ "$median_end" -gt "$limit" ]; then
  echo "soak: FAIL: memory grew from ${median_start} kB to ${median_end} kB"; status=1
fi
[ "$status" = 0 ] && echo "soak: PASS"
exit "$status"
