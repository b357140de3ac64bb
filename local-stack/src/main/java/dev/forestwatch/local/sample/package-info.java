/** Samples of a source for {@code ./forestwatch discover}: the first records of a Kinesis stream as JSON lines. */
package dev.forestwatch.local.sample;
