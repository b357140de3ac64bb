/** Benchmarks over a running pipeline: put-to-searchable latency and fault injection (with a Kinesis fault proxy). */
package dev.forestwatch.local.bench;
