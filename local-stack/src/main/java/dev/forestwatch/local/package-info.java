/**
 * The local stack: everything needed to run forestwatch on one machine without Docker. This package holds only the
 * small utilities the sub-packages share ({@link dev.forestwatch.local.Flags}, {@link dev.forestwatch.local.Await},
 * {@link dev.forestwatch.local.Directories}, {@link dev.forestwatch.local.Logging}, {@link
 * dev.forestwatch.local.HeadlessChromium}); the work lives in {@code server} (real servers on loopback), {@code
 * generator} (the sensor simulator), {@code firehose} (a stand-in Firehose endpoint), {@code pipeline} (the
 * one-command run and the demo), {@code dashboard}, {@code bench} and {@code check}. Imports go from the tools
 * ({@code bench}, {@code check}) to {@code pipeline}, from {@code pipeline} to {@code server}, {@code generator},
 * {@code firehose} and {@code dashboard}, and from every package to this one; never back.
 */
package dev.forestwatch.local;
