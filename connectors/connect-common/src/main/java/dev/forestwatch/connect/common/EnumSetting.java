package dev.forestwatch.connect.common;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * A setting whose values are an enum's constants, written lower-case in configs: the validator (whose text lists the
 * values in the generated reference) and the recommender (a drop-down in UIs) for the ConfigDef, and the parser for
 * the typed getter. A connector may offer a subset of an enum shared with others.
 */
public final class EnumSetting<E extends Enum<E>> implements ConfigDef.Validator, ConfigDef.Recommender {

    private final Class<E> type;
    private final Set<E> offered;

    private EnumSetting(final Class<E> type, final Set<E> offered) {
        this.type = type;
        this.offered = offered;
    }

    /** All the enum's constants. */
    public static <E extends Enum<E>> EnumSetting<E> of(final Class<E> type) {
        return new EnumSetting<>(type, EnumSet.allOf(type));
    }

    /** Only the given constants, in the enum's order. */
    @SafeVarargs
    public static <E extends Enum<E>> EnumSetting<E> of(final Class<E> type, final E... offered) {
        return new EnumSetting<>(type, EnumSet.copyOf(Arrays.asList(offered)));
    }

    /** An enum whose config spelling is not its lower-cased name, e.g. {@code aws-sigv4}. */
    public interface Spelled {
        String spelling();
    }

    /** The config spelling of a constant. */
    public static String name(final Enum<?> e) {
        return e instanceof Spelled s ? s.spelling() : e.name().toLowerCase(Locale.ROOT);
    }

    /** The constant a valid value names (case-insensitive). */
    public E parse(final String value) {
        final String v = value.trim();
        for (final E e : offered) {
            if (name(e).equalsIgnoreCase(v)) {
                return e;
            }
        }
        throw new IllegalArgumentException(value + " is not one of " + this);
    }

    @Override
    public void ensureValid(final String name, final Object value) {
        try {
            if (value != null) {
                parse(value.toString());
                return;
            }
        } catch (IllegalArgumentException e) {
            // reported below, naming the setting and the values it takes
        }
        throw new ConfigException(name, value, "must be one of " + this);
    }

    @Override
    public List<Object> validValues(final String name, final Map<String, Object> parsedConfig) {
        return offered.stream().map(e -> (Object) name(e)).toList();
    }

    @Override
    public boolean visible(final String name, final Map<String, Object> parsedConfig) {
        return true;
    }

    @Override
    public String toString() {
        return String.join(", ", offered.stream().map(EnumSetting::name).toList());
    }
}
