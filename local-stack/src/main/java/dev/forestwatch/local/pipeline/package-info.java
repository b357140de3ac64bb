/** The one-command run ({@code ./forestwatch up}) and the demo: wires the servers, the generator, the streams app and the dashboard together. */
package dev.forestwatch.local.pipeline;
