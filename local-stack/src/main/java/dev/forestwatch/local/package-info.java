/** Real servers on loopback without Docker, for the one-command run and the integration tests. */
package dev.forestwatch.local;
