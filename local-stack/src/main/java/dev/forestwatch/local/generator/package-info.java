/** The sensor simulator: seed-shaped readings written to Kafka or Kinesis at a paced rate ({@code ./forestwatch generate}). Imports only {@code dev.forestwatch.local}. */
package dev.forestwatch.local.generator;
