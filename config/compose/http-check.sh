#!/usr/bin/env bash
# Healthcheck for docker-compose.yml containers whose image has bash but no curl or wget, such as apache/kafka
# (the `connect` service). It sends one HTTP/1.0 GET over bash's /dev/tcp and succeeds only on status 200.
# Usage: http-check.sh HOST PORT PATH, e.g. http-check.sh localhost 8083 /health
set -euo pipefail

host=$1 port=$2 path=$3
exec 3<>"/dev/tcp/$host/$port"
printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$host" >&3
# The status line only. Connect's /health answers 200 once the worker has joined its group and read its
# config topic, and 503 while it is still starting.
IFS= read -r -t 10 status <&3
[[ $status =~ ^HTTP/1\.[01]\ 200 ]]
