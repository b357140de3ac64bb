/** Amazon Kinesis Data Firehose on loopback, in this JVM, for the Firehose sink connector (one-command run, tests, benchmark). */
package dev.forestwatch.local.firehose;
