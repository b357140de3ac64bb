package dev.forestwatch.local.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallPluginFromZipTest {
    private static final String SOURCE_MANIFEST = "META-INF/services/org.apache.kafka.connect.source.SourceConnector";

    @TempDir
    Path tmp;

    @Test
    void unpacksThePluginDirectoryWithItsStructure() throws Exception {
        byte[] connectorJar = jar(SOURCE_MANIFEST);
        byte[] depJar = jar("dep/Dep.class");
        Path zip = zip("plugin.zip", Map.of(
                "acme-sink-1.0/manifest.json", utf8("{}"),
                "acme-sink-1.0/lib/acme-sink-1.0.jar", connectorJar,
                "acme-sink-1.0/lib/dep-2.0.jar", depJar,
                "acme-sink-1.0/etc/sink.properties", utf8("a=b")));
        Path plugins = tmp.resolve("plugins");

        Path dir = EmbeddedConnect.installPluginFromZip(zip, plugins);

        assertThat(dir).isEqualTo(plugins.toAbsolutePath().resolve("acme-sink-1.0"));
        assertThat(dir.resolve("manifest.json")).hasContent("{}");
        assertThat(dir.resolve("lib/acme-sink-1.0.jar")).hasBinaryContent(connectorJar);
        assertThat(dir.resolve("lib/dep-2.0.jar")).hasBinaryContent(depJar);
        assertThat(dir.resolve("etc/sink.properties")).hasContent("a=b");
    }

    @Test
    void reinstallingReplacesTheOldVersionsFiles() throws Exception {
        Path plugins = tmp.resolve("plugins");
        byte[] connectorJar = jar(SOURCE_MANIFEST);
        EmbeddedConnect.installPluginFromZip(zip("v1.zip", Map.of("acme/lib/acme-1.jar", connectorJar)), plugins);

        Path dir = EmbeddedConnect.installPluginFromZip(zip("v2.zip", Map.of("acme/lib/acme-2.jar", connectorJar)),
                plugins);

        assertThat(dir.resolve("lib/acme-2.jar")).exists();
        assertThat(dir.resolve("lib/acme-1.jar")).doesNotExist();
    }

    @Test
    void rejectsAnArchiveWithoutASingleTopLevelDirectory() throws Exception {
        Path twoDirs = zip("two.zip", Map.of("a/lib/a.jar", jar("a"), "b/lib/b.jar", jar("b")));
        Path looseFile = zip("loose.zip", Map.of("a/lib/a.jar", jar("a"), "manifest.json", utf8("{}")));

        assertThatThrownBy(() -> EmbeddedConnect.installPluginFromZip(twoDirs, tmp.resolve("plugins")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one top-level directory");
        assertThatThrownBy(() -> EmbeddedConnect.installPluginFromZip(looseFile, tmp.resolve("plugins")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("manifest.json");
    }

    @Test
    void rejectsEntriesThatEscapeThePluginDirectory() throws Exception {
        Path zip = zip("slip.zip", Map.of("acme/lib/acme.jar", jar("ok"), "acme/../../evil.jar", jar("evil")));

        assertThatThrownBy(() -> EmbeddedConnect.installPluginFromZip(zip, tmp.resolve("plugins")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the plugin directory");
        assertThat(tmp.resolve("evil.jar")).doesNotExist();
        assertThat(tmp.resolve("plugins/acme")).doesNotExist();
    }

    @Test
    void rejectsAnArchiveWithoutJarsAndLeavesNothingBehind() throws Exception {
        Path zip = zip("empty.zip", Map.of("acme/manifest.json", utf8("{}")));

        assertThatThrownBy(() -> EmbeddedConnect.installPluginFromZip(zip, tmp.resolve("plugins")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no .jar");
        assertThat(tmp.resolve("plugins/acme")).doesNotExist();
    }

    private Path zip(String name, Map<String, byte[]> entries) throws IOException {
        Path zip = tmp.resolve(name);
        try (OutputStream out = Files.newOutputStream(zip)) {
            out.write(zipBytes(entries));
        }
        return zip;
    }

    /** A real (tiny) jar, so the install's manifest check can open it. */
    private static byte[] jar(String entry) throws IOException {
        return zipBytes(Map.of(entry, utf8(entry)));
    }

    private static byte[] zipBytes(Map<String, byte[]> entries) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (var entry : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
