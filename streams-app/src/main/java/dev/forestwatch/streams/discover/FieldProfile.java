package dev.forestwatch.streams.discover;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What one top-level field held across a sample: its JSON types, nulls, distinct values and a few examples. */
public final class FieldProfile {

    /** Distinct values are counted up to this many; beyond it the field is "many". */
    static final int DISTINCT_LIMIT = 10_000;
    private static final int EXAMPLES = 3;
    private static final int EXAMPLE_CHARS = 24;

    private final String name;
    private long numbers;
    private long integers;
    private long strings;
    private long numericStrings;
    private long booleans;
    private long nulls;
    private long containers;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private final Set<String> distinct = new LinkedHashSet<>();
    private boolean distinctOverflow;
    private final List<String> examples = new ArrayList<>();

    FieldProfile(final String name) {
        this.name = name;
    }

    void add(final JsonNode v) {
        if (v == null || v.isNull()) {
            nulls++;
            return;
        }
        if (v.isNumber()) {
            numbers++;
            if (v.isIntegralNumber()) {
                integers++;
            }
            min = Math.min(min, v.asDouble());
            max = Math.max(max, v.asDouble());
        } else if (v.isTextual()) {
            strings++;
            if (isNumber(v.asText())) {
                numericStrings++;
            }
        } else if (v.isBoolean()) {
            booleans++;
        } else {
            containers++;
        }
        final String text = v.isTextual() ? v.asText() : v.toString();
        if (distinct.size() < DISTINCT_LIMIT) {
            if (distinct.add(text) && examples.size() < EXAMPLES) {
                final String shown = v.isTextual() ? "\"" + text + "\"" : text;
                examples.add(shown.length() > EXAMPLE_CHARS ? shown.substring(0, EXAMPLE_CHARS - 3) + "..." : shown);
            }
        } else if (!distinct.contains(text)) {
            distinctOverflow = true;
        }
    }

    static boolean isNumber(final String s) {
        if (s.isBlank()) {
            return false;
        }
        try {
            // BigDecimal's grammar, not Double's: "1d", "NaN" and "Infinity" are no numbers in JSON or CSV
            return Double.isFinite(new java.math.BigDecimal(s.trim()).doubleValue());
        } catch (NumberFormatException e) {
            return false;
        }
    }

    public String name() {
        return name;
    }

    /** Records where it held anything but null. */
    public long present() {
        return numbers + strings + booleans + containers;
    }

    /** Records where it was null, absent ones included ({@code records} = sample size). */
    public long nullOrMissing(final long records) {
        return records - present();
    }

    /** Values not of the field's main type: e.g. strings in a numeric field, which the app would dead-letter. */
    public long invalid() {
        return present() - mainCount();
    }

    private long mainCount() {
        return Math.max(Math.max(numbers, strings), Math.max(booleans, containers));
    }

    /** number, integer, string, boolean, object/array, or "none" for a field always null. */
    public String type() {
        if (present() == 0) {
            return "none";
        }
        if (numbers == mainCount()) {
            return integers == numbers ? "integer" : "number";
        }
        if (strings == mainCount()) {
            return "string";
        }
        return booleans == mainCount() ? "boolean" : "object/array";
    }

    public boolean numeric() {
        return type().equals("integer") || type().equals("number");
    }

    /** Records where it was a JSON string. */
    public long strings() {
        return strings;
    }

    /** Records where it was a JSON number. */
    public long numbers() {
        return numbers;
    }

    /** Strings that hold a number ("15"): a producer that sometimes quotes its values. */
    public long numericStrings() {
        return numericStrings;
    }

    /** Distinct values seen, up to {@link #DISTINCT_LIMIT}. */
    public int distinct() {
        return distinct.size();
    }

    /** True when there were more distinct values than counted. */
    public boolean manyDistinct() {
        return distinctOverflow;
    }

    /** One value in every record that has it, more than once. */
    public boolean constant() {
        return present() > 1 && distinct.size() == 1;
    }

    /** The smallest number seen (+infinity if none). */
    public double min() {
        return min;
    }

    /** The largest number seen (-infinity if none). */
    public double max() {
        return max;
    }

    public List<String> examples() {
        return List.copyOf(examples);
    }
}
