package dev.forestwatch.streams.model;

/** A record for the dead-letter topic: the original key and value, and why it was refused. */
public record Rejected(RejectReason reason, String detail, Source source, byte[] key, byte[] value)
        implements
            Message {
}
