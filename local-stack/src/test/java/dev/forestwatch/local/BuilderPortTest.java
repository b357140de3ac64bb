package dev.forestwatch.local;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forestwatch.local.dashboard.Dashboard;
import dev.forestwatch.local.firehose.LocalFirehose;
import dev.forestwatch.local.server.EmbeddedConnect;
import dev.forestwatch.local.server.EmbeddedElasticsearch;
import dev.forestwatch.local.server.EmbeddedKafka;
import java.util.List;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/** Every server builder rejects a port no server can listen on when it is set, not when the server starts. */
class BuilderPortTest {

    @Test
    void everyServerBuilderRejectsAPortOutOfRange() {
        List<IntConsumer> setters = List.of(
                port -> EmbeddedKafka.builder().port(port),
                port -> EmbeddedConnect.builder("127.0.0.1:9092").port(port),
                port -> EmbeddedElasticsearch.builder().httpPort(port),
                port -> LocalFirehose.builder().port(port),
                port -> Dashboard.builder("http://127.0.0.1:9200").port(port));
        for (IntConsumer setter : setters) {
            for (int bad : new int[]{-1, 65536}) {
                assertThatThrownBy(() -> setter.accept(bad)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("Bad port " + bad);
            }
        }
    }
}
