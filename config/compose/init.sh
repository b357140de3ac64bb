#!/usr/bin/env bash
# One-shot setup for docker-compose.yml (service `init`). It runs in the image of config/compose/init.Dockerfile,
# which has kafka-topics.sh, curl and jq, so nothing is installed at run time. In order:
#   1. the Kafka topics of config/streams-app.properties and config/*.json (DockerComposeFileTest checks the
#      list below against those files),
#   2. the seed's Kinesis stream in LocalStack, which the sensors write and the Kinesis source reads. The KCL
#      creates its own lease table in LocalStack's DynamoDB.
#   3. a Firehose delivery stream to an S3 bucket in LocalStack, for the Firehose sink (FIREHOSE_SINK=true),
#   4. the connectors: config/<name>.json PUT to Connect's REST API, with the compose-network endpoints in
#      place of the files' localhost ones, plus LocalStack's fake keys.
# The Kibana saved objects are not here but in kibana-import.sh (service `kibana-setup`), so that Kibana never
# holds up the pipeline. Every step is idempotent, so `docker compose run --rm init` can run it again (LocalStack
# forgets its streams when it restarts). The script stops at the first failure with the reason, so the services
# that wait for init (streams app, sensors) never start against a half-built pipeline.
set -euo pipefail

: "${KAFKA_BOOTSTRAP:=kafka:9092}"
: "${CONNECT_URL:=http://connect:8083}"
: "${LOCALSTACK_URL:=http://localstack:4566}"
: "${ELASTICSEARCH_URL:=http://elasticsearch:9200}"
: "${AWS_REGION:=us-east-1}"
# LocalStack accepts any keys. These are not secrets.
: "${AWS_ACCESS_KEY_ID:=test}"
: "${AWS_SECRET_ACCESS_KEY:=test}"
: "${CONFIG_DIR:=/config}"
: "${FIREHOSE_SINK:=true}"
: "${WAIT_SECONDS:=180}"
: "${KAFKA_BIN:=/opt/kafka/bin}"

# name:partitions. Two partitions for the data topics, so the streams app and each sink have two tasks to share
# the work. Once the app has run, keep DESTINATION_SQL_STREAM's count: the app's by-second topic copies it
# (README, "Configuration"). Dead-letter topics need no parallelism.
TOPICS=(
  "RawStreamData:2"
  "DESTINATION_SQL_STREAM:2"
  "forestwatch-dlq:1"
  "elasticsearch-sink-dlq:1"
  "firehose-sink-dlq:1"
)

# Files of $CONFIG_DIR to register, in this order: the source first, so records flow as soon as the sinks are up.
CONNECTORS=(
  "kinesis-source.json"
  "elasticsearch-sink.json"
  "firehose-sink.json"
)

KINESIS_SHARDS=1                          # the seed: "For Number of shards, type 1"
FIREHOSE_BUCKET=forestwatch-processed     # S3 destination of the delivery stream in LocalStack

log() { printf '[init] %s\n' "$*"; }
die() { printf '[init] FAILED: %s\n' "$*" >&2; exit 1; }

# wait_until DESCRIPTION COMMAND...: run COMMAND every 2 s until it succeeds, for at most WAIT_SECONDS.
wait_until() {
  local what=$1
  shift
  local deadline=$((SECONDS + WAIT_SECONDS))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "$what: not ready after ${WAIT_SECONDS} s"
    sleep 2
  done
  log "$what: ready"
}

# http METHOD URL [curl args...]: sets HTTP_STATUS and HTTP_BODY. Fails only when the server cannot be reached,
# so callers decide which statuses are fine.
http() {
  local method=$1 url=$2 out
  shift 2
  out=$(curl -sS -X "$method" -w '\n%{http_code}' "$@" "$url") || return 1
  HTTP_STATUS=${out##*$'\n'}
  HTTP_BODY=${out%$'\n'*}
}

# aws_json SERVICE TARGET JSON: one call of an AWS JSON-protocol API (Kinesis, Firehose) on LocalStack.
# LocalStack does not check signatures, but it reads the region and the service from the credential scope,
# and its Kinesis backend (kinesis-mock) wants the header shape of a signed request, X-Amz-Date included.
aws_json() {
  local now
  now=$(date -u +%Y%m%dT%H%M%SZ)
  http POST "$LOCALSTACK_URL/" \
    -H 'Content-Type: application/x-amz-json-1.1' \
    -H "X-Amz-Target: $2" \
    -H "X-Amz-Date: $now" \
    -H "Authorization: AWS4-HMAC-SHA256 Credential=$AWS_ACCESS_KEY_ID/${now%%T*}/$AWS_REGION/$1/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000" \
    --data "$3"
}

config_value() { jq -r --arg k "$2" '.config[$k] // empty' "$CONFIG_DIR/$1"; }

# ---------------------------------------------------------------------------------------------------- Kafka
kafka_up() { "$KAFKA_BIN/kafka-broker-api-versions.sh" --bootstrap-server "$KAFKA_BOOTSTRAP"; }

create_topics() {
  local entry name partitions
  for entry in "${TOPICS[@]}"; do
    name=${entry%%:*}
    partitions=${entry##*:}
    local extra=()
    # The streams app's ROWTIME (order.time=ingest) is the time a record entered its input topic.
    if [ "$name" = "RawStreamData" ]; then extra=(--config message.timestamp.type=LogAppendTime); fi
    # Replication factor 1: the compose file runs a single broker. 2 MiB messages: a 1 MiB Kinesis record with its
    # key and headers exceeds the broker's 1 MiB default, and the Kinesis source stops rather than skip it.
    "$KAFKA_BIN/kafka-topics.sh" --bootstrap-server "$KAFKA_BOOTSTRAP" --create --if-not-exists \
      --topic "$name" --partitions "$partitions" --replication-factor 1 --config max.message.bytes=2097152 \
      "${extra[@]}" >/dev/null \
      || die "could not create topic $name"
    log "topic $name ($partitions partitions)"
  done
}

# -------------------------------------------------------------------------------------------------- Kinesis
kinesis_stream_active() {
  aws_json kinesis Kinesis_20131202.DescribeStreamSummary "$(jq -nc --arg s "$1" '{StreamName: $s}')" \
    && [[ $HTTP_STATUS == 200 ]] \
    && jq -e '.StreamDescriptionSummary.StreamStatus == "ACTIVE"' <<<"$HTTP_BODY"
}

create_kinesis_stream() {
  local stream
  stream=$(config_value kinesis-source.json kinesis.stream)
  [[ -n $stream ]] || die "no kinesis.stream in $CONFIG_DIR/kinesis-source.json"
  aws_json kinesis Kinesis_20131202.DescribeStreamSummary "$(jq -nc --arg s "$stream" '{StreamName: $s}')" \
    || die "LocalStack not reachable at $LOCALSTACK_URL"
  if [[ $HTTP_STATUS != 200 ]]; then
    aws_json kinesis Kinesis_20131202.CreateStream \
      "$(jq -nc --arg s "$stream" --argjson n "$KINESIS_SHARDS" '{StreamName: $s, ShardCount: $n}')" \
      || die "LocalStack not reachable at $LOCALSTACK_URL"
    [[ $HTTP_STATUS == 200 ]] || die "Kinesis CreateStream $stream: HTTP $HTTP_STATUS $HTTP_BODY"
  fi
  wait_until "Kinesis stream $stream ($KINESIS_SHARDS shard)" kinesis_stream_active "$stream"
}

# ------------------------------------------------------------------------------------------------- Firehose
firehose_stream_active() {
  aws_json firehose Firehose_20150804.DescribeDeliveryStream "$(jq -nc --arg s "$1" '{DeliveryStreamName: $s}')" \
    && [[ $HTTP_STATUS == 200 ]] \
    && jq -e '.DeliveryStreamDescription.DeliveryStreamStatus == "ACTIVE"' <<<"$HTTP_BODY"
}

create_firehose_stream() {
  local stream body
  stream=$(config_value firehose-sink.json delivery.stream)
  [[ -n $stream ]] || die "no delivery.stream in $CONFIG_DIR/firehose-sink.json"
  # Path-style CreateBucket. In us-east-1 a bucket that already exists answers 200 again.
  http PUT "$LOCALSTACK_URL/$FIREHOSE_BUCKET" || die "LocalStack not reachable at $LOCALSTACK_URL"
  [[ $HTTP_STATUS == 200 || $HTTP_BODY == *BucketAlreadyOwnedByYou* ]] \
    || die "S3 CreateBucket $FIREHOSE_BUCKET: HTTP $HTTP_STATUS $HTTP_BODY"
  aws_json firehose Firehose_20150804.DescribeDeliveryStream "$(jq -nc --arg s "$stream" '{DeliveryStreamName: $s}')" \
    || die "LocalStack not reachable at $LOCALSTACK_URL"
  if [[ $HTTP_STATUS != 200 ]]; then
    # The seed's delivery settings: 1 MB or 60 s buffers. LocalStack's Firehose assumes this role through STS
    # (hence sts in the compose file's SERVICES) without checking that it exists; AWS needs a real one.
    body=$(jq -nc --arg s "$stream" --arg b "arn:aws:s3:::$FIREHOSE_BUCKET" '{
        DeliveryStreamName: $s, DeliveryStreamType: "DirectPut",
        ExtendedS3DestinationConfiguration: {
          BucketARN: $b, RoleARN: "arn:aws:iam::000000000000:role/forestwatch-firehose", Prefix: "anomalydata/",
          BufferingHints: {SizeInMBs: 1, IntervalInSeconds: 60}}}')
    aws_json firehose Firehose_20150804.CreateDeliveryStream "$body" || die "LocalStack not reachable at $LOCALSTACK_URL"
    [[ $HTTP_STATUS == 200 ]] || die "Firehose CreateDeliveryStream $stream: HTTP $HTTP_STATUS $HTTP_BODY"
  fi
  wait_until "Firehose delivery stream $stream -> s3://$FIREHOSE_BUCKET" firehose_stream_active "$stream"
}

# -------------------------------------------------------------------------------------------- Kafka Connect
# What replaces the localhost endpoints of config/<name>.json inside the compose network.
overrides() {
  local aws_keys
  aws_keys=$(jq -nc --arg r "$AWS_REGION" --arg k "$AWS_ACCESS_KEY_ID" --arg s "$AWS_SECRET_ACCESS_KEY" \
    '{"aws.region": $r, "aws.access.key.id": $k, "aws.secret.access.key": $s}')
  case $1 in
    kinesis-source)
      jq -nc --arg e "$LOCALSTACK_URL" --argjson keys "$aws_keys" \
        '$keys + {"aws.kinesis.endpoint": $e, "aws.dynamodb.endpoint": $e, "aws.cloudwatch.endpoint": $e}' ;;
    elasticsearch-sink)
      jq -nc --arg u "$ELASTICSEARCH_URL" '{"connection.urls": $u}' ;;
    firehose-sink)
      jq -nc --arg e "$LOCALSTACK_URL" --argjson keys "$aws_keys" '$keys + {"aws.firehose.endpoint": $e}' ;;
    *)
      echo '{}' ;;
  esac
}

connect_healthy() { http GET "$CONNECT_URL/health" && [[ $HTTP_STATUS == 200 ]]; }

plugin_loaded() {
  http GET "$CONNECT_URL/connector-plugins?connectorsOnly=true" && [[ $HTTP_STATUS == 200 ]] \
    && jq -e --arg c "$1" 'any(.[]; .class == $c)' <<<"$HTTP_BODY"
}

# True once the connector and all its tasks run, and also (to stop waiting) once one of them has FAILED.
connector_settled() {
  http GET "$CONNECT_URL/connectors/$1/status" && [[ $HTTP_STATUS == 200 ]] \
    && jq -e '([.connector.state, .tasks[].state] | any(. == "FAILED"))
              or (.connector.state == "RUNNING" and (.tasks | length) > 0 and all(.tasks[]; .state == "RUNNING"))' \
      <<<"$HTTP_BODY"
}

register_connector() {
  local file="$CONFIG_DIR/$1" name class body
  [[ -f $file ]] || die "$file not found"
  name=$(jq -r '.name' "$file")
  class=$(jq -r '.config["connector.class"]' "$file")
  wait_until "plugin $class" plugin_loaded "$class"
  body=$(jq -c --argjson o "$(overrides "$name")" '.config + $o' "$file")
  # PUT .../config creates the connector or updates it, so a second run replaces instead of failing.
  http PUT "$CONNECT_URL/connectors/$name/config" -H 'Content-Type: application/json' --data "$body" \
    || die "Kafka Connect not reachable at $CONNECT_URL"
  [[ $HTTP_STATUS == 200 || $HTTP_STATUS == 201 ]] || die "registering $name: HTTP $HTTP_STATUS $HTTP_BODY"
  wait_until "connector $name settled" connector_settled "$name"
  if jq -e '[.connector.state, .tasks[].state] | any(. == "FAILED")' <<<"$HTTP_BODY" >/dev/null; then
    die "connector $name failed: $(jq -r '[.connector.trace, .tasks[].trace] | map(select(. != null))
                                           | (first // "no trace") | split("\n") | .[0:3] | join(" | ")' <<<"$HTTP_BODY")"
  fi
  log "connector $name: RUNNING with $(jq '.tasks | length' <<<"$HTTP_BODY") task(s)"
}

elasticsearch_up() { http GET "$ELASTICSEARCH_URL/_cluster/health" && [[ $HTTP_STATUS == 200 ]]; }

main() {
  command -v curl >/dev/null && command -v jq >/dev/null \
    || die "curl and jq missing: run this in the image of config/compose/init.Dockerfile (docker compose build init)"
  wait_until "Kafka at $KAFKA_BOOTSTRAP" kafka_up
  create_topics

  create_kinesis_stream
  if [[ $FIREHOSE_SINK == true ]]; then
    create_firehose_stream
  fi

  wait_until "Elasticsearch at $ELASTICSEARCH_URL" elasticsearch_up
  wait_until "Kafka Connect at $CONNECT_URL" connect_healthy
  local file
  for file in "${CONNECTORS[@]}"; do
    if [[ $file == firehose-sink.json && $FIREHOSE_SINK != true ]]; then
      log "connector firehose-sink: skipped (FIREHOSE_SINK=$FIREHOSE_SINK)"
      continue
    fi
    register_connector "$file"
  done

  log "done: Connect http://localhost:8083/connectors; the Kibana objects are kibana-setup's (docker compose logs kibana-setup)"
}

main "$@"
