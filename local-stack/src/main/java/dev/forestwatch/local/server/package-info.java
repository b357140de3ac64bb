/** Real servers on loopback without Docker (Kafka in KRaft mode, Kafka Connect, Elasticsearch, the Kinesis and DynamoDB emulators), the streams app as a child process, and {@code ./forestwatch kafka}. Imports only {@code dev.forestwatch.local}. */
package dev.forestwatch.local.server;
