package dev.forestwatch.local.firehose;

import dev.forestwatch.local.Directories;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Where {@link LocalFirehose} delivers accepted records, as Firehose's S3 destination would: one file per stream and
 * hour (UTC) of arrival, records back to back, forced to disk before the call is answered.
 */
final class DeliveryFiles {
    private static final DateTimeFormatter HOUR_DIRS = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HOUR_SUFFIX = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH")
            .withZone(ZoneOffset.UTC);

    private final Path dir;
    private final Clock clock;

    DeliveryFiles(Path dir, Clock clock) {
        this.dir = Directories.createDirs(dir);
        this.clock = clock;
    }

    Path dir() {
        return dir;
    }

    /** {@code <dir>/<stream>/yyyy/MM/dd/HH/<stream>-yyyy-MM-dd-HH}, UTC. */
    Path file(String stream, Instant at) {
        return dir.resolve(stream).resolve(HOUR_DIRS.format(at)).resolve(stream + "-" + HOUR_SUFFIX.format(at));
    }

    /** Appends the records to this hour's file and forces them to disk; returns the file. The error names it. */
    Path append(String stream, List<byte[]> records) throws IOException {
        Path file = file(stream, clock.instant());
        ByteBuffer[] buffers = records.stream().map(ByteBuffer::wrap).toArray(ByteBuffer[]::new);
        long remaining = records.stream().mapToLong(d -> d.length).sum();
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                while (remaining > 0) {
                    remaining -= out.write(buffers);
                }
                out.force(false);
            }
        } catch (IOException e) {
            throw new IOException("Could not write to " + file + ": " + e, e);
        }
        return file;
    }
}
