package dev.forestwatch.local.bench;

import java.util.stream.Stream;

/** The faults {@link FaultBenchmark} injects, by their command-line names. */
enum Fault {
    ELASTICSEARCH_DOWN("elasticsearch-down",
            "Elasticsearch stopped for the window, then started on its data dir"), KAFKA_BROKER_CRASH(
                    "kafka-broker-crash",
                    "the broker stopped without its clean-shutdown marker, restarted on its data dir"), KINESIS_THROTTLING(
                            "kinesis-throttling",
                            "GetRecords answered ProvisionedThroughputExceededException for the window"), KINESIS_EXPIRED_ITERATOR(
                                    "kinesis-expired-iterator",
                                    "the next 2 GetRecords calls (2 shards) answered ExpiredIteratorException"), FIREHOSE_PARTIAL_FAILURES(
                                            "firehose-partial-failures",
                                            "30% of the entries of each PutRecordBatch failed (ServiceUnavailableException) for the window"), FIREHOSE_5XX(
                                                    "firehose-5xx",
                                                    "every Firehose call answered 503, then 500, for the window");

    final String flag;
    final String what;

    Fault(String flag, String what) {
        this.flag = flag;
        this.what = what;
    }

    /** Injected by the proxy in front of the Kinesis emulator. */
    boolean kinesis() {
        return this == KINESIS_THROTTLING || this == KINESIS_EXPIRED_ITERATOR;
    }

    static Fault of(String flag) {
        for (Fault f : values()) {
            if (f.flag.equals(flag)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown fault '" + flag + "'; one of " + names() + " or all");
    }

    static String names() {
        return String.join(", ", Stream.of(values()).map(f -> f.flag).toList());
    }
}
