#!/usr/bin/env bash
# One-shot for docker-compose.yml (service `kibana-setup`): imports config/kibana/forestwatch.ndjson (the
# anomalydata data view, a Discover search and the max ANOMALY_SCORE per minute chart) into Kibana. It runs in the
# Kibana image, which has bash and curl but no jq. Nothing in the pipeline waits for it, so a Kibana problem
# leaves the scoring running. Idempotent (overwrite=true): `docker compose run --rm kibana-setup` runs it again.
set -euo pipefail

: "${KIBANA_URL:=http://kibana:5601}"
: "${KIBANA_OBJECTS:=/kibana/forestwatch.ndjson}"
: "${WAIT_SECONDS:=300}"

log() { printf '[kibana-setup] %s\n' "$*"; }
die() { printf '[kibana-setup] FAILED: %s\n' "$*" >&2; exit 1; }

[[ -f $KIBANA_OBJECTS ]] || die "$KIBANA_OBJECTS not found"

# "degraded" too: a plugin such as the task manager can stay degraded on a small machine, and the saved objects
# API works all the same. Kibana's status JSON has no spaces around the colon.
kibana_available() {
  local body
  body=$(curl -sS "$KIBANA_URL/api/status") || return 1
  [[ $body == *'"overall":{"level":"available"'* || $body == *'"overall":{"level":"degraded"'* ]]
}

deadline=$((SECONDS + WAIT_SECONDS))
until kibana_available >/dev/null 2>&1; do
  ((SECONDS < deadline)) || die "Kibana at $KIBANA_URL: not available after ${WAIT_SECONDS} s"
  sleep 3
done
log "Kibana at $KIBANA_URL: available"

out=$(curl -sS -X POST -w '\n%{http_code}' -H 'kbn-xsrf: forestwatch-kibana-setup' \
  --form "file=@$KIBANA_OBJECTS" "$KIBANA_URL/api/saved_objects/_import?overwrite=true") \
  || die "Kibana not reachable at $KIBANA_URL"
status=${out##*$'\n'}
body=${out%$'\n'*}
[[ $status == 200 && $body == *'"success":true'* ]] || die "import of $KIBANA_OBJECTS: HTTP $status $body"
count=$(sed -n 's/.*"successCount":\([0-9]*\).*/\1/p' <<<"$body")
log "${count:-?} saved objects imported: Kibana http://localhost:5601, Discover \"forestwatch: scored records\""
