package dev.forestwatch.connect.common.send;

/** What to do with a record the destination will never take (refused with a permanent error, or too large). */
public enum OnRefusal {
    /** Stop the task: nothing is skipped silently. */
    FAIL,
    /** Send it to the errant record reporter (the connector's dead-letter topic) with the reason, and go on. */
    REPORT,
    /** Skip it with a warning naming the record (never its content), and go on. */
    WARN,
    /** Skip it, counted only, and go on. */
    IGNORE
}
