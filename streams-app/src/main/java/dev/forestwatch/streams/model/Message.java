package dev.forestwatch.streams.model;

/**
 * What flows between the app's processors: a record is either still good ({@link Reading}, {@link Scored}) or
 * {@link Rejected} and bound for the dead-letter topic. One sealed type lets a single stream carry both, so each
 * processor forwards to one place and the topology splits them.
 */
public sealed interface Message permits Reading, Scored, Rejected, Watermark {
}
