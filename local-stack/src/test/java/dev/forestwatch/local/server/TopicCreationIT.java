package dev.forestwatch.local.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedKafka.class)
class TopicCreationIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static EmbeddedKafka kafka;
    /** A client of its own, as the benchmarks use against a broker in another JVM. */
    private static Admin admin;

    @BeforeAll
    static void connect(EmbeddedKafka shared) {
        kafka = shared;
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, shared.bootstrapServers()));
    }

    @AfterAll
    static void disconnect() {
        admin.close(Duration.ofSeconds(5));
    }

    @Test
    void everyPartitionHasALeaderAsSoonAsItReturns() throws Exception {
        List<NewTopic> topics = List.of(new NewTopic("led-a", 4, (short) 1), new NewTopic("led-b", 2, (short) 1));

        TopicCreation.createIfMissing(admin, topics, TIMEOUT);

        // described at once: without the wait this failed with UNKNOWN_TOPIC_OR_PARTITION, as a first send would
        var described = admin.describeTopics(Set.of("led-a", "led-b")).allTopicNames().get();
        assertThat(described.get("led-a").partitions()).hasSize(4);
        assertThat(described.get("led-b").partitions()).hasSize(2);
        assertThat(described.values()).flatMap(TopicDescription::partitions)
                .allSatisfy(p -> assertThat(p.leader()).isNotNull().matches(leader -> !leader.isEmpty()));
    }

    @Test
    void anExistingTopicIsLeftAsItIs() throws Exception {
        TopicCreation.createIfMissing(admin,
                List.of(new NewTopic("kept", 3, (short) 1).configs(Map.of("retention.ms", "3600000"))), TIMEOUT);

        TopicCreation.createIfMissing(admin, List.of(new NewTopic("kept", 1, (short) 1),
                new NewTopic("added-beside", 1, (short) 1)), TIMEOUT);

        var described = admin.describeTopics(Set.of("kept", "added-beside")).allTopicNames().get();
        assertThat(described.get("kept").partitions()).hasSize(3);
        assertThat(described.get("added-beside").partitions()).hasSize(1);
        ConfigResource kept = new ConfigResource(ConfigResource.Type.TOPIC, "kept");
        assertThat(admin.describeConfigs(List.of(kept)).all().get().get(kept).get("retention.ms").value())
                .isEqualTo("3600000");
    }

    @Test
    void aTopicTheBrokerRejectsFailsWithItsName() {
        // one broker cannot hold two replicas
        assertThatThrownBy(() -> TopicCreation.createIfMissing(admin,
                List.of(new NewTopic("two-replicas", 1, (short) 2)), TIMEOUT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two-replicas");
    }
}
