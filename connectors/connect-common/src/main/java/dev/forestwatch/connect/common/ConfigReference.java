package dev.forestwatch.connect.common;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;

/** Markdown reference generated from a ConfigDef, so the docs cannot drift from the code (a test checks). */
public final class ConfigReference {

    private ConfigReference() {
    }

    public static String markdown(final String title, final String intro, final ConfigDef def) {
        final StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append("\n\n").append(intro).append("\n\n");
        md.append("<!-- Generated from the ConfigDef; do not edit by hand. -->\n");
        String group = null;
        final List<String> groups = def.groups();
        final List<ConfigDef.ConfigKey> keys = def.configKeys().values().stream()
                .sorted(Comparator.comparingInt((ConfigDef.ConfigKey k) -> groups.indexOf(k.group))
                        .thenComparingInt(k -> k.orderInGroup))
                .toList();
        for (final ConfigDef.ConfigKey key : keys) {
            if (!key.group.equals(group)) {
                group = key.group;
                md.append("\n## ").append(group).append("\n\n");
                md.append("| Key | Type | Default | Valid values | Importance | Description |\n");
                md.append("|---|---|---|---|---|---|\n");
            }
            md.append("| `").append(key.name).append("` | ").append(key.type.name().toLowerCase(Locale.ROOT))
                    .append(" | ").append(defaultOf(key)).append(" | ")
                    .append(key.validator == null ? "" : escape(key.validator.toString())).append(" | ")
                    .append(key.importance.name().toLowerCase(Locale.ROOT)).append(" | ")
                    .append(escape(key.documentation))
                    .append(" |\n");
        }
        return md.toString();
    }

    private static String defaultOf(final ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        final String v = key.defaultValue instanceof List<?> l
                ? String.join(",", l.stream().map(String::valueOf)
                        .toList())
                : String.valueOf(key.defaultValue);
        return v.isEmpty() ? "\"\"" : "`" + v + "`";
    }

    private static String escape(final String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
