# The image of docker-compose.yml's one-shot `init` service (config/compose/init.sh). `docker compose up` builds it
# once; after that the container installs nothing when it runs, so a missing package mirror cannot stop the
# pipeline from starting.
#
# Base: the JRE image the streams app and the sensors already run (Ubuntu 24.04, with bash and curl). The Kafka
# tools come from the same apache/kafka image as the broker, so kafka-topics.sh matches the broker's version.
FROM apache/kafka:4.1.1 AS kafka

FROM eclipse-temurin:17.0.16_8-jre

# jq and its library at the versions of Ubuntu 24.04's release pocket. That pocket never changes after release
# (fixes go to noble-updates), so these exact versions stay downloadable and every build gets the same jq.
# libjq1 is pinned too because jq depends on exactly its own version of it.
RUN set -eux; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        jq=1.7.1-3build1 \
        libjq1=1.7.1-3build1; \
    rm -rf /var/lib/apt/lists/*

COPY --from=kafka /opt/kafka /opt/kafka

# kafka-run-class.sh writes its logs under LOG_DIR; keep them out of /opt/kafka.
ENV LOG_DIR=/tmp/kafka-logs \
    KAFKA_BIN=/opt/kafka/bin

# Nothing here needs root at run time.
USER 65534:65534

ENTRYPOINT ["bash", "/compose/init.sh"]
