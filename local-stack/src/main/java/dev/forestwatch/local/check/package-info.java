/** Checks on what the pipeline produced, such as the output topic ordering ({@code ./forestwatch check-order}). */
package dev.forestwatch.local.check;
