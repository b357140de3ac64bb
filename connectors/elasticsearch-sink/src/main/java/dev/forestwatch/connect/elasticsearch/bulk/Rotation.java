package dev.forestwatch.connect.elasticsearch.bulk;

/** Index per period of the record's time, named like Firehose's rotation. */
public enum Rotation {
    NONE, HOURLY, DAILY, WEEKLY, MONTHLY
}
