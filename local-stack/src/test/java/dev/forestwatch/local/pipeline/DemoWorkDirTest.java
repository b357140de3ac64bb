package dev.forestwatch.local.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoWorkDirTest {
    @TempDir
    Path tmp;

    @Test
    void wipesADirectoryItCreatedBefore() throws Exception {
        Path dir = tmp.resolve("demo");
        try (DemoWorkDir work = DemoWorkDir.wipeAndLock(dir)) {
            Files.writeString(work.path().resolve("old.log"), "from the last run");
        }
        try (DemoWorkDir work = DemoWorkDir.wipeAndLock(dir)) {
            assertThat(work.path().resolve("old.log")).doesNotExist();
            assertThat(work.path().resolve(DemoWorkDir.MARKER)).exists();
        }
    }

    @Test
    void refusesToWipeADirectoryItDidNotCreate() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("precious"));
        Files.writeString(dir.resolve("thesis.tex"), "years of work");

        assertThatThrownBy(() -> DemoWorkDir.wipeAndLock(dir)).hasMessageContaining("Refusing to use");
        assertThat(dir.resolve("thesis.tex")).exists();
    }

    @Test
    void refusesASecondDemoOnTheSameDirectory() {
        Path dir = tmp.resolve("demo");
        try (DemoWorkDir first = DemoWorkDir.wipeAndLock(dir)) {
            assertThat(first.path()).isDirectory();
            assertThatThrownBy(() -> DemoWorkDir.wipeAndLock(dir))
                    .hasMessageContaining("Another forestwatch run is using");
        }
    }
}
