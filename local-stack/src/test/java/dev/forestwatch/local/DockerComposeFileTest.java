package dev.forestwatch.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.forestwatch.local.generator.SensorSimulator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * Checks docker-compose.yml and the files it uses without Docker, which the build machines do not have. A
 * compose file that is wrong fails here in {@code mvn test}, not on a user's first {@code docker compose up}:
 * images pinned, healthchecks and depends_on conditions that can be met, the published ports, Kafka's
 * listeners, the topics and connectors the init script sets up against config/, the plugin, jar and config
 * mounts against the Maven build, the sensor simulator's flags, the Kibana saved objects, and the helper
 * scripts' syntax.
 */
class DockerComposeFileTest {
    /** Surefire runs in local-stack/. */
    private static final Path REPO = Path.of("..");
    private static final Path CONFIG = REPO.resolve("config");
    private static final Path INIT_SCRIPT = CONFIG.resolve("compose/init.sh");
    /** The one-shot setup service: it runs to completion, so it has no healthcheck and does not restart. */
    private static final String ONE_SHOT = "init";
    /** The one-shot that imports the Kibana saved objects, apart from the pipeline's setup. */
    private static final String KIBANA_SETUP = "kibana-setup";
    private static final Set<String> ONE_SHOTS = Set.of(ONE_SHOT, KIBANA_SETUP);
    /** Services that run a JVM, and so need an explicit heap (the JVM's default is a quarter of the Docker VM). */
    private static final Set<String> JVM_SERVICES = Set.of(
            "kafka", "connect", "streams-app", "sensors", "elasticsearch", ONE_SHOT);
    /** The AWS services the connectors, the sensors and init use in LocalStack; sts for Firehose's role. */
    private static final List<String> LOCALSTACK_SERVICES = List.of(
            "kinesis", "dynamodb", "cloudwatch", "firehose", "s3", "sts");
    /** Commands that install packages: at container run time they need a mirror and float on its versions. */
    private static final Pattern PACKAGE_INSTALL = Pattern.compile(
            "\\b(apk\\s+add|apt-get\\s+install|apt\\s+install|yum\\s+install|dnf\\s+install|microdnf\\s+install"
                    + "|pip3?\\s+install|npm\\s+(install|ci))\\b");
    private static final Pattern HEAP = Pattern.compile("-Xmx(\\d+)([kKmMgG])");
    private static final Pattern MEMORY = Pattern.compile("(\\d+)([kmg]?)b?", Pattern.CASE_INSENSITIVE);
    /** Prometheus endpoints: the JMX exporter agent in the worker, the streams app's own. */
    private static final int CONNECT_METRICS_PORT = 9404;
    private static final int STREAMS_METRICS_PORT = 9464;
    /** Host ports per service, as the README and the init script's messages tell users. */
    private static final Map<String, List<Integer>> PUBLISHED = Map.of(
            "kafka", List.of(9092), "connect", List.of(8083, CONNECT_METRICS_PORT), "elasticsearch", List.of(9200),
            "kibana", List.of(5601), "localstack", List.of(4566), "streams-app", List.of(STREAMS_METRICS_PORT));
    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode services;
    private static String initScript;

    @BeforeAll
    static void load() throws IOException {
        JsonNode compose = new YAMLMapper().readTree(REPO.resolve("docker-compose.yml").toFile());
        services = compose.path("services");
        assertThat(services.isObject()).as("docker-compose.yml has a services: mapping").isTrue();
        initScript = Files.readString(INIT_SCRIPT, StandardCharsets.UTF_8);
    }

    @Test
    void everyImageIsPinnedToAVersionTag() throws Exception {
        Map<String, String> tags = new TreeMap<>();
        for (String name : serviceNames()) {
            String image = services.path(name).path("image").asText("");
            assertThat(image).as("service %s has no image (a built service names its local tag)", name)
                    .isNotBlank();
            String withoutDigest = image.split("@", 2)[0];
            int colon = withoutDigest.lastIndexOf(':');
            String tag = colon > withoutDigest.lastIndexOf('/') ? withoutDigest.substring(colon + 1) : "";
            assertThat(tag).as("service %s: image '%s' has no tag, so it means :latest; pin a version", name, image)
                    .isNotEmpty();
            assertThat(tag).as("service %s: image '%s' must not float on latest", name, image)
                    .isNotEqualToIgnoringCase("latest");
            assertThat(VERSION.matcher(tag).find())
                    .as("service %s: tag '%s' of '%s' is not an explicit version (like 4.1.1 or 17.0.16_8-jre); "
                            + "tags such as '17-jre' move", name, tag, image)
                    .isTrue();
            tags.put(name, withoutDigest);
        }
        Document rootPom = xml(REPO.resolve("pom.xml"));
        String kafkaVersion = text(rootPom, "/project/properties/kafka.version");
        String esVersion = text(rootPom, "/project/properties/elasticsearch.version");
        assertThat(tags).as("the broker and Connect run the Kafka version the code is built against")
                .containsEntry("kafka", "apache/kafka:" + kafkaVersion)
                .containsEntry("connect", "apache/kafka:" + kafkaVersion);
        assertThat(tags).as("Elasticsearch and Kibana at the same version, the one the sink is tested against")
                .containsEntry("elasticsearch", "docker.elastic.co/elasticsearch/elasticsearch:" + esVersion)
                .containsEntry("kibana", "docker.elastic.co/kibana/kibana:" + esVersion)
                .containsEntry(KIBANA_SETUP, "docker.elastic.co/kibana/kibana:" + esVersion);

        Set<String> bases = new TreeSet<>();
        for (String from : dockerfileFroms(initDockerfile())) {
            assertThat(from).as("config/compose/init.Dockerfile: FROM %s must name a version tag", from)
                    .matches("[^:@\\s]+[:@][^\\s]*\\d+\\.\\d+[^\\s]*").doesNotContain(":latest");
            bases.add(from);
        }
        assertThat(bases).as("init's image takes the Kafka tools from the broker's image and runs on the JRE image "
                + "the streams app uses").containsExactlyInAnyOrder(tags.get("kafka"), tags.get("streams-app"));
    }

    @Test
    void everyLongRunningServiceHasAHealthcheck() {
        assertThat(serviceNames()).as("the one-shot service").contains(ONE_SHOT);
        for (String name : serviceNames()) {
            JsonNode service = services.path(name);
            if (ONE_SHOTS.contains(name)) {
                assertThat(service.path("restart").asText("no"))
                        .as("the one-shot %s must not restart: depends_on waits for it to complete", name)
                        .isEqualTo("no");
                continue;
            }
            List<String> test = args(service.path("healthcheck").path("test"));
            assertThat(test).as("service %s has no healthcheck: depends_on conditions and `docker compose ps` "
                    + "need one", name).isNotEmpty();
            assertThat(test.get(0)).as("service %s: healthcheck disabled", name).isNotEqualTo("NONE");
            assertThat(service.path("healthcheck").path("disable").asBoolean(false))
                    .as("service %s: healthcheck disabled", name).isFalse();
        }
    }

    @Test
    void dependsOnConditionsReferToServicesThatCanMeetThem() {
        Set<String> names = serviceNames();
        for (String name : names) {
            JsonNode dependsOn = services.path(name).path("depends_on");
            if (dependsOn.isMissingNode()) {
                continue;
            }
            assertThat(dependsOn.isObject())
                    .as("service %s: depends_on must be the long form with a condition; a list only waits for "
                            + "the containers to start", name)
                    .isTrue();
            dependsOn.fields().forEachRemaining(e -> {
                String target = e.getKey();
                String condition = e.getValue().path("condition").asText("");
                assertThat(names).as("service %s depends on %s, which does not exist", name, target).contains(target);
                switch (condition) {
                    case "service_healthy" -> assertThat(args(services.path(target).path("healthcheck").path("test")))
                            .as("service %s waits for %s to be healthy, but %s has no healthcheck", name, target,
                                    target)
                            .isNotEmpty();
                    case "service_completed_successfully" -> assertThat(ONE_SHOTS)
                            .as("service %s waits for %s to complete, but only %s are one-shots", name, target,
                                    ONE_SHOTS)
                            .contains(target);
                    default -> fail("service %s depends on %s with condition '%s'; use service_healthy or "
                            + "service_completed_successfully", name, target, condition);
                }
            });
        }
    }

    @Test
    void publishedPortsAreTheDocumentedOnesAndUnique() {
        Map<String, List<Integer>> published = new TreeMap<>();
        Map<Integer, String> byPort = new HashMap<>();
        for (String name : serviceNames()) {
            for (int[] port : ports(services.path(name))) {
                String other = byPort.put(port[0], name);
                assertThat(other).as("host port %d is published by both %s and %s", port[0], other, name).isNull();
                published.computeIfAbsent(name, n -> new ArrayList<>()).add(port[0]);
            }
        }
        assertThat(published).as("host ports per service").isEqualTo(new TreeMap<>(PUBLISHED));
    }

    @Test
    void kafkaAdvertisesLocalhostToTheHostAndItsServiceNameToContainers() throws IOException {
        Map<String, String> env = environment(services.path("kafka"));
        Map<String, String> advertised = listeners(env.get("KAFKA_ADVERTISED_LISTENERS"));
        Map<String, String> bound = listeners(env.get("KAFKA_LISTENERS"));
        int hostPort = PUBLISHED.get("kafka").get(0);
        int containerPort = ports(services.path("kafka")).get(0)[1];

        String external = advertised.entrySet().stream().filter(e -> e.getValue().equals("localhost:" + hostPort))
                .map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new AssertionError("no Kafka listener advertises localhost:" + hostPort
                        + " for clients on the host; KAFKA_ADVERTISED_LISTENERS=" + advertised));
        assertThat(port(bound.get(external)))
                .as("host port %d is published to container port %d, so listener %s must bind that port (%s)",
                        hostPort, containerPort, external, bound)
                .isEqualTo(containerPort);

        Set<String> inNetwork = advertised.values().stream().filter(a -> a.startsWith("kafka:"))
                .collect(Collectors.toSet());
        Map<String, String> clients = new LinkedHashMap<>();
        clients.put("streams-app --set bootstrap.servers", setting(args(services.path("streams-app").path("command")),
                "bootstrap.servers"));
        clients.put("config/connect-distributed.properties bootstrap.servers",
                properties(CONFIG.resolve("connect-distributed.properties")).getProperty("bootstrap.servers"));
        clients.put("init KAFKA_BOOTSTRAP", environment(services.path(ONE_SHOT)).get("KAFKA_BOOTSTRAP"));
        clients.forEach((who, bootstrap) -> assertThat(inNetwork)
                .as("%s is '%s', but containers must use a listener advertised under the service name "
                        + "(localhost inside a container is the container itself)", who, bootstrap)
                .contains(bootstrap));
    }

    @Test
    void initCreatesEveryTopicTheConfigsName() throws IOException {
        Set<String> created = new LinkedHashSet<>();
        for (String entry : quotedArrayEntries(initScript, "TOPICS")) {
            created.add(entry.split(":", 2)[0]);
        }
        Map<String, String> expected = new TreeMap<>();
        Properties app = properties(CONFIG.resolve("streams-app.properties"));
        for (String key : List.of("input.topic", "output.topic", "dead.letter.topic")) {
            assertThat(app.getProperty(key)).as("config/streams-app.properties sets %s", key).isNotBlank();
            expected.put(app.getProperty(key), "config/streams-app.properties " + key);
        }
        for (Path file : connectorConfigs()) {
            JsonNode config = readJson(file).path("config");
            for (String key : List.of("topic", "topics", "errors.deadletterqueue.topic.name")) {
                for (String topic : config.path(key).asText("").split(",")) {
                    if (!topic.isBlank()) {
                        expected.put(topic.trim(), "config/" + file.getFileName() + " " + key);
                    }
                }
            }
        }
        Map<String, String> missing = new TreeMap<>(expected);
        missing.keySet().removeAll(created);
        assertThat(missing).as("topics the configs name that config/compose/init.sh TOPICS does not create (it "
                + "creates %s)", created).isEmpty();
    }

    @Test
    void initRegistersConnectorFilesWhoseClassIsAShippedPlugin() throws IOException {
        List<String> files = quotedArrayEntries(initScript, "CONNECTORS");
        assertThat(files).as("config/compose/init.sh CONNECTORS").isNotEmpty();
        Set<String> plugins = pluginClassesByModule().values().stream().flatMap(Set::stream)
                .collect(Collectors.toCollection(TreeSet::new));
        for (String file : files) {
            Path path = CONFIG.resolve(file);
            assertThat(path).as("init registers config/%s", file).isRegularFile();
            String connectorClass = readJson(path).path("config").path("connector.class").asText("");
            assertThat(plugins).as("config/%s: connector.class %s has no META-INF/services entry under "
                    + "connectors/*/src/main/resources, so plugin.discovery=service_load will not find it", file,
                    connectorClass).contains(connectorClass);
        }
        JsonNode init = services.path(ONE_SHOT);
        String configDir = environment(init).get("CONFIG_DIR");
        assertThat(hostPath(init, configDir)).as("init's CONFIG_DIR %s is config/", configDir)
                .isEqualTo(norm("./config"));
    }

    @Test
    void connectMountsTheConnectorAssembliesUnderItsPluginPath() throws Exception {
        JsonNode connect = services.path("connect");
        List<String> command = args(connect.path("command"));
        assertThat(command).as("connect command").isNotEmpty();
        assertThat(command.get(0)).as("connect runs the distributed worker").endsWith("/connect-distributed.sh");
        assertThat(command).as("connect command passes one worker properties file").hasSize(2);
        assertThat(hostPath(connect, command.get(1))).as("the worker properties file %s", command.get(1))
                .isEqualTo(norm("./config/connect-distributed.properties"));

        Properties worker = properties(CONFIG.resolve("connect-distributed.properties"));
        assertThat(worker.getProperty("plugin.discovery")).as("plugin.discovery").isEqualTo("service_load");
        Set<String> pluginPath = Arrays.stream(worker.getProperty("plugin.path", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        assertThat(pluginPath).as("plugin.path in config/connect-distributed.properties").isNotEmpty();

        Set<Path> mounted = new TreeSet<>();
        for (Mount m : mounts(connect)) {
            Path parent = Path.of(m.target()).getParent();
            if (parent != null && pluginPath.contains(parent.toString())) {
                mounted.add(norm(m.source()));
            }
        }
        Set<Path> expected = new TreeSet<>();
        boolean nested = text(xml(assemblyDescriptor()), "/assembly/includeBaseDirectory").equals("true");
        for (String module : pluginClassesByModule().keySet()) {
            Document pom = xml(REPO.resolve("connectors").resolve(module).resolve("pom.xml"));
            String finalName = resolve(pom, text(pom, "//plugin[artifactId='maven-assembly-plugin']//finalName"));
            assertThat(finalName).as("connectors/%s/pom.xml sets the assembly's finalName", module).isNotBlank();
            Path dir = Path.of("connectors", module, "target", finalName);
            expected.add(nested ? dir.resolve(finalName) : dir);
        }
        assertThat(expected).as("connector modules with a META-INF/services entry").hasSize(3);
        assertThat(mounted).as("plugin directories mounted under plugin.path %s: the assemblies' plugin "
                + "directories (manifest.json + lib/), one per connector", pluginPath).isEqualTo(expected);
    }

    @Test
    void bothPrometheusEndpointsAreOnAndPublished() {
        List<String> app = args(services.path("streams-app").path("command"));
        assertThat(app).as("streams-app turns its /metrics on, on the container's interfaces")
                .containsSubsequence("--set", "metrics.prometheus.port=" + STREAMS_METRICS_PORT)
                .containsSubsequence("--set", "metrics.prometheus.host=0.0.0.0");
        JsonNode connect = services.path("connect");
        String opts = environment(connect).getOrDefault("KAFKA_OPTS", "");
        Matcher agent = Pattern.compile("-javaagent:(\\S+)=(\\d+):(\\S+)").matcher(opts);
        assertThat(agent.find()).as("connect's KAFKA_OPTS runs the JMX exporter agent: %s", opts).isTrue();
        assertThat(hostPath(connect, agent.group(1))).as("the agent jar")
                .isEqualTo(norm("./local-stack/target/jmx-exporter/jmx_prometheus_javaagent.jar"));
        assertThat(Integer.parseInt(agent.group(2))).isEqualTo(CONNECT_METRICS_PORT);
        assertThat(hostPath(connect, agent.group(3))).as("the exporter rules")
                .isEqualTo(norm("./config/connect-jmx-exporter.yml"));
    }

    @Test
    void streamsAppRunsTheShadedJarWithTheSampleConfig() throws Exception {
        JsonNode app = services.path("streams-app");
        List<String> command = args(app.path("command"));
        int jar = command.indexOf("-jar");
        assertThat(jar).as("streams-app runs `java -jar <shaded jar>`: %s", command).isGreaterThan(0);
        Document pom = xml(REPO.resolve("streams-app/pom.xml"));
        String shade = "//plugin[artifactId='maven-shade-plugin']";
        String base = text(pom, "/project/build/finalName");
        if (base.isEmpty()) {
            base = text(pom, "/project/artifactId") + "-" + version(pom);
        }
        String classifier = text(pom, shade + "//shadedClassifierName");
        boolean attached = text(pom, shade + "//shadedArtifactAttached").equals("true");
        String shadedJar = resolve(pom, base) + (attached ? "-" + (classifier.isEmpty() ? "shaded" : classifier) : "")
                + ".jar";
        assertThat(hostPath(app, command.get(jar + 1))).as("the jar streams-app runs, %s", command.get(jar + 1))
                .isEqualTo(norm("./streams-app/target/" + shadedJar));

        List<String> appArgs = command.subList(jar + 2, command.size());
        assertThat(appArgs).as("Main's command").startsWith("run");
        for (int i = 1; i < appArgs.size(); i += 2) {
            assertThat(appArgs.get(i)).as("Main run takes --config FILE and --set key=value: %s", appArgs)
                    .isIn("--config", "--set");
            assertThat(i + 1).as("value after %s", appArgs.get(i)).isLessThan(appArgs.size());
            if (appArgs.get(i).equals("--set")) {
                assertThat(appArgs.get(i + 1)).as("--set takes key=value").matches("[^=]+=.*");
            }
        }
        int config = appArgs.indexOf("--config");
        assertThat(config).as("streams-app passes --config").isPositive();
        assertThat(hostPath(app, appArgs.get(config + 1)))
                .as("the config streams-app reads, %s", appArgs.get(config + 1))
                .isEqualTo(norm("./config/streams-app.properties"));
    }

    @Test
    void sensorsRunTheSimulatorOnTheKinesisStreamTheSourceReads() throws Exception {
        JsonNode sensors = services.path("sensors");
        List<String> command = args(sensors.path("command"));
        int main = command.indexOf(SensorSimulator.class.getName());
        assertThat(main).as("sensors runs %s: %s", SensorSimulator.class.getName(), command).isPositive();
        int cp = command.indexOf("-cp");
        assertThat(cp).as("sensors passes -cp").isBetween(0, main - 2);

        Document pom = xml(REPO.resolve("local-stack/pom.xml"));
        String lib = text(pom, "//plugin[artifactId='maven-dependency-plugin']//execution[goals/goal="
                + "'copy-dependencies']/configuration/outputDirectory");
        assertThat(lib).as("local-stack/pom.xml copies the runtime jars (copy-dependencies) into target/lib")
                .isEqualTo("${project.build.directory}/lib");
        Set<Path> classpath = new HashSet<>();
        for (String entry : command.get(cp + 1).split(":")) {
            classpath.add(hostPath(sensors, entry));
        }
        String jar = text(pom, "/project/artifactId") + "-" + version(pom) + ".jar";
        assertThat(classpath).as("the simulator's classpath %s, on the host", command.get(cp + 1))
                .containsExactlyInAnyOrder(norm("./local-stack/target/" + jar), norm("./local-stack/target/lib/*"));

        String[] simulatorArgs = command.subList(main + 1, command.size()).toArray(String[]::new);
        SensorSimulator.Options options;
        try {
            Flags flags = Flags.parse(simulatorArgs);
            options = SensorSimulator.optionsFrom(flags);
            flags.rejectUnknown();
        } catch (IllegalArgumentException e) {
            throw new AssertionError("sensors: SensorSimulator rejects " + Arrays.toString(simulatorArgs) + ": "
                    + e.getMessage() + "\n" + SensorSimulator.USAGE, e);
        }
        assertThat(options.kinesis()).as("sensors write to Kinesis, as in the seed").isNotNull();
        String stream = readJson(CONFIG.resolve("kinesis-source.json")).path("config").path("kinesis.stream").asText();
        assertThat(options.kinesis().stream()).as("the stream the Kinesis source reads (config/kinesis-source.json)")
                .isEqualTo(stream);
        assertThat(options.kinesis().endpoint()).as("--kinesis-endpoint").isNotNull();
        assertThat(serviceNames()).as("--kinesis-endpoint names a compose service")
                .contains(options.kinesis().endpoint().getHost());
    }

    @Test
    void kibanaObjectsAreNdjsonWithTheAnomalydataDataView() throws IOException {
        Path file = CONFIG.resolve("kibana/forestwatch.ndjson");
        JsonNode setup = services.path(KIBANA_SETUP);
        assertThat(hostPath(setup, environment(setup).get("KIBANA_OBJECTS")))
                .as("%s imports config/kibana/forestwatch.ndjson (KIBANA_OBJECTS)", KIBANA_SETUP)
                .isEqualTo(norm("./config/kibana/forestwatch.ndjson"));
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode object;
            try {
                object = JSON.readTree(lines.get(i));
            } catch (JsonProcessingException e) {
                throw new AssertionError("config/kibana/forestwatch.ndjson line " + (i + 1) + " is not JSON: "
                        + e.getOriginalMessage(), e);
            }
            int line = i + 1;
            assertThat(object.isObject()).as("line %d is a JSON object", line).isTrue();
            assertThat(object.path("type").asText("")).as("line %d has a type", line).isNotBlank();
            assertThat(object.path("id").asText("")).as("line %d has an id", line).isNotBlank();
            assertThat(byId.put(object.path("type").asText() + "/" + object.path("id").asText(), object))
                    .as("line %d repeats an id", line).isNull();
        }
        JsonNode dataView = byId.values().stream()
                .filter(o -> o.path("type").asText().equals("index-pattern")
                        && o.path("attributes").path("title").asText().equals("anomalydata"))
                .findFirst().orElseThrow(() -> new AssertionError("no index-pattern with title anomalydata"));
        assertThat(dataView.path("attributes").path("timeFieldName").asText())
                .as("the data view's time field is the streams app's created").isEqualTo("created");
        for (JsonNode object : byId.values()) {
            for (JsonNode ref : object.path("references")) {
                assertThat(byId).as("%s %s refers to %s %s, which the file does not contain",
                        object.path("type").asText(), object.path("id").asText(), ref.path("type").asText(),
                        ref.path("id").asText()).containsKey(ref.path("type").asText() + "/" + ref.path("id").asText());
            }
        }
        assertThat(byId.keySet()).as("a Discover search and a chart besides the data view")
                .anyMatch(k -> k.startsWith("search/"))
                .anyMatch(k -> k.startsWith("lens/") || k.startsWith("visualization/"));
    }

    @Test
    void bindMountedConfigFilesExist() {
        for (String name : serviceNames()) {
            for (Mount m : mounts(services.path(name))) {
                if (!m.isBind() || m.source().contains("/target")) {
                    continue; // build output: `mvn package` writes it
                }
                assertThat(REPO.resolve(m.source())).as("service %s mounts %s", name, m.source()).exists();
            }
        }
    }

    @Test
    void composeShellScriptsParse() throws Exception {
        List<Path> scripts;
        try (Stream<Path> files = Files.list(CONFIG.resolve("compose"))) {
            scripts = files.filter(p -> p.toString().endsWith(".sh")).sorted().toList();
        }
        assertThat(scripts).as("config/compose/*.sh").isNotEmpty();
        for (Path script : scripts) {
            Process bash = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
            String output;
            try (InputStream in = bash.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(bash.waitFor(30, TimeUnit.SECONDS)).as("bash -n %s finished", script).isTrue();
            assertThat(bash.exitValue()).as("bash -n %s: %s", script, output).isZero();
        }
    }

    @Test
    void localStackRunsStsForFirehoseAndReportsHealthyOnlyWithEveryServiceUp() {
        JsonNode localstack = services.path("localstack");
        List<String> enabled = Arrays.stream(environment(localstack).getOrDefault("SERVICES", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        assertThat(enabled).as("LocalStack SERVICES: Firehose assumes its delivery role through STS before it writes "
                + "to S3, and a service left out of SERVICES is refused").containsAll(LOCALSTACK_SERVICES);
        String healthcheck = String.join(" ", args(localstack.path("healthcheck").path("test")));
        for (String service : LOCALSTACK_SERVICES) {
            assertThat(healthcheck).as("the LocalStack healthcheck waits for %s", service)
                    .contains("'" + service + "'");
        }
    }

    @Test
    void nothingIsInstalledWhenAContainerRuns() throws IOException {
        for (String name : serviceNames()) {
            JsonNode service = services.path(name);
            String run = String.join(" ", args(service.path("entrypoint"))) + " "
                    + String.join(" ", args(service.path("command"))) + " "
                    + String.join(" ", args(service.path("healthcheck").path("test")));
            assertThat(PACKAGE_INSTALL.matcher(run).find())
                    .as("service %s installs packages at run time: %s", name, run)
                    .isFalse();
            assertThat(service.path("user").asText("")).as("service %s runs as root (to install packages?)", name)
                    .isNotIn("root", "0", "0:0");
        }
        try (Stream<Path> files = Files.list(CONFIG.resolve("compose"))) {
            for (Path script : files.filter(p -> p.toString().endsWith(".sh")).toList()) {
                Matcher install = PACKAGE_INSTALL.matcher(withoutComments(Files.readString(script)));
                assertThat(install.find()).as("config/compose/%s installs packages at run time (%s); put them in "
                        + "config/compose/init.Dockerfile", script.getFileName(),
                        install.find(0) ? install.group() : "")
                        .isFalse();
            }
        }

        JsonNode build = services.path(ONE_SHOT).path("build");
        assertThat(build.isObject()).as("%s is built from a Dockerfile (build: context + dockerfile)", ONE_SHOT)
                .isTrue();
        assertThat(REPO.resolve(build.path("context").asText()).resolve(build.path("dockerfile").asText()).normalize())
                .as("%s's Dockerfile", ONE_SHOT).isEqualTo(initDockerfile().normalize());
        String dockerfile = withoutComments(Files.readString(initDockerfile(), StandardCharsets.UTF_8))
                .replace("\\\n", " ");
        for (String line : dockerfile.split("\n")) {
            Matcher install = Pattern.compile("(apt-get|apt|apk)\\s+(install|add)\\s+(.*?)(;|&&|$)").matcher(line);
            while (install.find()) {
                List<String> packages = Arrays.stream(install.group(3).trim().split("\\s+"))
                        .filter(a -> !a.isEmpty() && !a.startsWith("-")).toList();
                assertThat(packages).as("init.Dockerfile installs packages").isNotEmpty();
                assertThat(packages).as("init.Dockerfile: every package pinned as name=version")
                        .allMatch(a -> a.matches("[a-z0-9.+-]+=[0-9][^=\\s]*"));
            }
        }
    }

    @Test
    void kibanaSavedObjectsAreImportedApartFromThePipeline() throws IOException {
        JsonNode setup = services.path(KIBANA_SETUP);
        assertThat(setup.isObject()).as("a %s service imports the Kibana saved objects", KIBANA_SETUP).isTrue();
        assertThat(setup.path("depends_on").path("kibana").path("condition").asText())
                .as("%s waits for Kibana to be healthy", KIBANA_SETUP).isEqualTo("service_healthy");
        assertThat(hostPath(setup, args(setup.path("entrypoint")).get(1)))
                .as("%s runs config/compose/kibana-import.sh", KIBANA_SETUP)
                .isEqualTo(norm("./config/compose/kibana-import.sh"));
        for (String name : serviceNames()) {
            if (name.equals("kibana") || name.equals(KIBANA_SETUP)) {
                continue;
            }
            assertThat(dependencies(name)).as("service %s (transitively) waits for Kibana or its saved objects, so a "
                    + "Kibana problem would stop it", name).doesNotContain("kibana", KIBANA_SETUP);
        }
        assertThat(withoutComments(initScript)).as("init.sh does not talk to Kibana")
                .doesNotContain("KIBANA_URL", "saved_objects", "kibana:5601");
        assertThat(environment(services.path(ONE_SHOT))).as("init's environment").doesNotContainKey("KIBANA_URL");
    }

    @Test
    void everyJvmHasAHeapCapBelowItsServiceMemoryLimit() {
        long total = 0;
        for (String name : serviceNames()) {
            JsonNode service = services.path(name);
            String limit = service.path("mem_limit").asText("");
            assertThat(limit).as("service %s has no mem_limit", name).isNotBlank();
            long limitBytes = bytes(limit);
            if (!ONE_SHOTS.contains(name)) {
                total += limitBytes;
            }
            List<String> command = args(service.path("command"));
            String image = service.path("image").asText("");
            boolean jvm = (!command.isEmpty() && command.get(0).equals("java")) || image.startsWith("apache/kafka")
                    || image.contains("temurin") || image.contains("elasticsearch/elasticsearch")
                    || !service.path("build").isMissingNode();
            assertThat(JVM_SERVICES.contains(name)).as("service %s runs a JVM: %s", name, jvm).isEqualTo(jvm);
            if (!jvm) {
                continue;
            }
            List<String> sources = new ArrayList<>(command);
            Map<String, String> env = environment(service);
            for (String key : List.of("KAFKA_HEAP_OPTS", "ES_JAVA_OPTS", "JAVA_TOOL_OPTIONS")) {
                if (env.containsKey(key)) {
                    sources.add(env.get(key));
                }
            }
            Matcher heap = HEAP.matcher(String.join(" ", sources));
            assertThat(heap.find()).as("service %s runs a JVM without -Xmx (in its command, KAFKA_HEAP_OPTS or "
                    + "ES_JAVA_OPTS): it would take a quarter of the Docker VM", name).isTrue();
            long heapBytes = bytes(heap.group(1) + heap.group(2));
            assertThat(heapBytes).as("service %s: heap %s leaves room under mem_limit %s for metaspace, threads and "
                    + "direct buffers", name, heap.group(), limit).isLessThanOrEqualTo(limitBytes * 3 / 4);
        }
        String documented = String.format(java.util.Locale.ROOT, "%.2f GB", total / (double) (1L << 30));
        assertThat(header()).as("the compose file's header gives the long-running services' mem_limit total")
                .contains(documented);
        assertThat(dockerSection()).as("README's Docker section gives the mem_limit total").contains(documented);
    }

    @Test
    void bindMountsCarryTheSharedSelinuxLabel() {
        for (String name : serviceNames()) {
            for (String volume : shortVolumes(services.path(name))) {
                String[] parts = volume.split(":");
                if (!(parts[0].startsWith(".") || parts[0].startsWith("/"))) {
                    continue;
                }
                List<String> options = parts.length > 2 ? Arrays.asList(parts[2].split(",")) : List.of();
                assertThat(options).as("service %s mounts %s without z: on SELinux hosts the container cannot read it",
                        name, volume).contains("z");
            }
        }
    }

    @Test
    void gitKeepsTheShellScriptsLfOnEveryCheckout() throws IOException {
        Path attributes = REPO.resolve(".gitattributes");
        assertThat(attributes).as(".gitattributes").isRegularFile();
        List<String[]> rules = Files.readAllLines(attributes, StandardCharsets.UTF_8).stream()
                .map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty()).map(l -> l.split("\\s+"))
                .toList();
        List<Path> scripts = new ArrayList<>();
        try (Stream<Path> files = Files.list(CONFIG.resolve("compose"))) {
            files.filter(p -> p.toString().endsWith(".sh") || p.toString().endsWith("Dockerfile"))
                    .forEach(scripts::add);
        }
        scripts.add(REPO.resolve("forestwatch"));
        for (Path script : scripts) {
            String relative = REPO.relativize(script).toString().replace('\\', '/');
            String eol = null;
            for (String[] rule : rules) {
                String pattern = rule[0];
                boolean matches = pattern.startsWith("/")
                        ? relative.equals(pattern.substring(1))
                        : java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + pattern)
                                .matches(script.getFileName());
                if (matches) {
                    for (String attribute : rule) {
                        if (attribute.startsWith("eol=")) {
                            eol = attribute; // later lines win, as in git
                        }
                    }
                }
            }
            assertThat(eol).as(".gitattributes: %s must be checked out with eol=lf (a CRLF script fails in bash)",
                    relative).isEqualTo("eol=lf");
            assertThat(Files.readString(script)).as("%s has CRLF line ends", relative).doesNotContain("\r");
        }
    }

    @Test
    void composeUsersHaveAMavenOnlyBuild() throws Exception {
        Document pom = xml(REPO.resolve("local-stack/pom.xml"));
        String property = "forestwatch.servers.skip";
        assertThat(text(pom, "/project/profiles/profile[id='compose']/properties/" + property))
                .as("local-stack/pom.xml: profile compose sets %s", property).isEqualTo("true");
        assertThat(text(pom, "//plugin[artifactId='maven-dependency-plugin']//execution[id='unpack-elasticsearch']"
                + "/configuration/skip")).as("the Elasticsearch zip is skipped under -Pcompose")
                .isEqualTo("${" + property + "}");
        assertThat(text(pom, "//plugin[artifactId='exec-maven-plugin']//execution[id='npm-ci-emulators']"
                + "/configuration/skip")).as("the emulators' npm ci is skipped under -Pcompose")
                .isEqualTo("${" + property + "}");
        String command = "mvn -B -q package -DskipTests -Pcompose";
        assertThat(header()).as("the compose file's header names the Maven-only build").contains(command);
        assertThat(dockerSection()).as("README's Docker section names the Maven-only build").contains(command);
    }

    @Test
    void readmeDockerSectionSaysWhatToOpenWhereTheDeadLettersAreAndHowToStop() {
        String section = dockerSection();
        assertThat(section).as("README's Docker section").contains("http://localhost:5601", "docker compose down",
                "docker compose down -v", "docker compose run --rm init", "kibana-setup", "Docker Desktop");
        for (String entry : quotedArrayEntries(initScript, "TOPICS")) {
            String topic = entry.split(":", 2)[0];
            if (topic.endsWith("-dlq")) {
                assertThat(section).as("README's Docker section shows how to read the dead-letter topic %s", topic)
                        .contains(topic);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Every service a service waits for, directly or through the services it waits for. */
    private static Set<String> dependencies(String name) {
        Set<String> seen = new TreeSet<>();
        List<String> todo = new ArrayList<>(List.of(name));
        while (!todo.isEmpty()) {
            services.path(todo.remove(0)).path("depends_on").fieldNames().forEachRemaining(d -> {
                if (seen.add(d)) {
                    todo.add(d);
                }
            });
        }
        return seen;
    }

    /** "512m", "1g", "1536m" (compose byte values) in bytes. */
    private static long bytes(String value) {
        Matcher m = MEMORY.matcher(value.trim());
        assertThat(m.matches()).as("memory value '%s'", value).isTrue();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(java.util.Locale.ROOT)) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            default -> n;
        };
    }

    private static List<String> shortVolumes(JsonNode service) {
        List<String> out = new ArrayList<>();
        for (JsonNode v : service.path("volumes")) {
            assertThat(v.isTextual()).as("volumes use the short HOST:CONTAINER:OPTIONS form: %s", v).isTrue();
            out.add(v.asText());
        }
        return out;
    }

    private static Path initDockerfile() {
        return CONFIG.resolve("compose/init.Dockerfile");
    }

    /** The images of a Dockerfile's FROM lines, stage names dropped, references to earlier stages skipped. */
    private static List<String> dockerfileFroms(Path dockerfile) throws IOException {
        List<String> out = new ArrayList<>();
        Set<String> stages = new HashSet<>();
        for (String line : Files.readAllLines(dockerfile, StandardCharsets.UTF_8)) {
            String[] words = line.trim().split("\\s+");
            if (words.length >= 2 && words[0].equalsIgnoreCase("FROM")) {
                int i = words[1].startsWith("--platform") ? 2 : 1;
                if (!stages.contains(words[i])) {
                    out.add(words[i]);
                }
                if (words.length > i + 2 && words[i + 1].equalsIgnoreCase("AS")) {
                    stages.add(words[i + 2]);
                }
            }
        }
        assertThat(out).as("%s has FROM lines", dockerfile).isNotEmpty();
        return out;
    }

    private static String withoutComments(String script) {
        return script.replaceAll("(?m)^\\s*#.*$", "");
    }

    /** The comment block at the top of docker-compose.yml. */
    private static String header() {
        try {
            StringBuilder out = new StringBuilder();
            for (String line : Files.readAllLines(REPO.resolve("docker-compose.yml"), StandardCharsets.UTF_8)) {
                if (!line.startsWith("#")) {
                    break;
                }
                out.append(line.substring(1).trim()).append(' ');
            }
            return out.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** README's "### With Docker" section, up to the next heading of the same or a higher level. */
    private static String dockerSection() {
        try {
            String readme = Files.readString(REPO.resolve("README.md"), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("(?ms)^### With Docker\\s*$(.*?)(?=^#{1,3} )").matcher(readme);
            assertThat(m.find()).as("README.md has a '### With Docker' section").isTrue();
            return m.group(1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Set<String> serviceNames() {
        Set<String> names = new TreeSet<>();
        services.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** command, entrypoint or healthcheck test: a list, or a string split on blanks. */
    private static List<String> args(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (node.isTextual() && !node.asText().isBlank()) {
            out.addAll(Arrays.asList(node.asText().trim().split("\\s+")));
        }
        return out;
    }

    /** The value of {@code --set key=value} in a streams-app command, or null. */
    private static String setting(List<String> command, String key) {
        for (int i = 0; i + 1 < command.size(); i++) {
            if (command.get(i).equals("--set") && command.get(i + 1).startsWith(key + "=")) {
                return command.get(i + 1).substring(key.length() + 1);
            }
        }
        return null;
    }

    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new HashMap<>();
        JsonNode node = service.path("environment");
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        } else {
            node.forEach(n -> {
                String[] kv = n.asText().split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            });
        }
        return env;
    }

    /** "NAME://host:port,..." to name -> "host:port". */
    private static Map<String, String> listeners(String value) {
        assertThat(value).as("Kafka listener setting").isNotBlank();
        Map<String, String> out = new LinkedHashMap<>();
        for (String listener : value.split(",")) {
            String[] parts = listener.trim().split("://", 2);
            out.put(parts[0], parts[1]);
        }
        return out;
    }

    private static int port(String hostPort) {
        assertThat(hostPort).as("listener address").isNotNull();
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    /** Published ports as {host, container}. */
    private static List<int[]> ports(JsonNode service) {
        List<int[]> out = new ArrayList<>();
        for (JsonNode p : service.path("ports")) {
            if (p.isObject()) {
                out.add(new int[]{p.path("published").asInt(), p.path("target").asInt()});
                continue;
            }
            String[] parts = p.asText().split("/", 2)[0].split(":");
            assertThat(parts.length).as("port '%s' needs an explicit host port (HOST:CONTAINER)", p.asText())
                    .isGreaterThanOrEqualTo(2);
            out.add(new int[]{Integer.parseInt(parts[parts.length - 2]), Integer.parseInt(parts[parts.length - 1])});
        }
        return out;
    }

    private record Mount(String source, String target) {
        boolean isBind() {
            return source.startsWith(".") || source.startsWith("/");
        }
    }

    private static List<Mount> mounts(JsonNode service) {
        List<Mount> out = new ArrayList<>();
        for (JsonNode v : service.path("volumes")) {
            if (v.isObject()) {
                out.add(new Mount(v.path("source").asText(), v.path("target").asText()));
            } else {
                String[] parts = v.asText().split(":");
                out.add(new Mount(parts[0], parts.length > 1 ? parts[1] : parts[0]));
            }
        }
        return out;
    }

    /** The repo-relative host path that a container path of the service comes from, through its bind mounts. */
    private static Path hostPath(JsonNode service, String containerPath) {
        assertThat(containerPath).as("container path").isNotBlank();
        Path inContainer = Path.of(containerPath);
        Mount best = null;
        for (Mount m : mounts(service)) {
            if (m.isBind() && inContainer.startsWith(Path.of(m.target()))
                    && (best == null || m.target().length() > best.target().length())) {
                best = m;
            }
        }
        if (best == null) {
            throw new AssertionError(
                    containerPath + " is not inside any bind mount of the service: " + mounts(service));
        }
        return norm(best.source()).resolve(Path.of(best.target()).relativize(inContainer)).normalize();
    }

    private static Path norm(String repoRelative) {
        return Path.of(repoRelative).normalize();
    }

    /** The double-quoted entries of a bash array {@code NAME=( ... )} in the init script. */
    private static List<String> quotedArrayEntries(String script, String name) {
        Matcher array = Pattern.compile("(?ms)^" + name + "=\\((.*?)^\\)").matcher(script);
        assertThat(array.find()).as("config/compose/init.sh defines the array %s=( ... )", name).isTrue();
        List<String> out = new ArrayList<>();
        Matcher entry = Pattern.compile("\"([^\"]+)\"").matcher(array.group(1).replaceAll("#[^\\n]*", ""));
        while (entry.find()) {
            out.add(entry.group(1));
        }
        return out;
    }

    private static List<Path> connectorConfigs() throws IOException {
        try (Stream<Path> files = Files.list(CONFIG)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** connectors/<module> to the classes of its Connect ServiceLoader manifests. */
    private static Map<String, Set<String>> pluginClassesByModule() throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        Path connectors = REPO.resolve("connectors");
        try (Stream<Path> modules = Files.list(connectors)) {
            for (Path module : modules.filter(Files::isDirectory).toList()) {
                Path services = module.resolve("src/main/resources/META-INF/services");
                if (!Files.isDirectory(services)) {
                    continue;
                }
                try (Stream<Path> manifests = Files.list(services)) {
                    for (Path manifest : manifests.filter(p -> p.getFileName().toString()
                            .startsWith("org.apache.kafka.connect.")).toList()) {
                        for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
                            String cls = line.replaceAll("#.*", "").trim();
                            if (!cls.isEmpty()) {
                                out.computeIfAbsent(module.getFileName().toString(), k -> new TreeSet<>()).add(cls);
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The connectors' shared assembly descriptor, from connectors/pom.xml's connector.assembly.descriptor. */
    private static Path assemblyDescriptor() throws Exception {
        String descriptor = text(xml(REPO.resolve("connectors/pom.xml")),
                "/project/properties/connector.assembly.descriptor");
        assertThat(descriptor).as("connectors/pom.xml connector.assembly.descriptor").isNotBlank();
        return REPO.resolve(descriptor.replace("${maven.multiModuleProjectDirectory}/", ""));
    }

    private static Properties properties(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p;
    }

    private static JsonNode readJson(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    private static Document xml(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

    private static String text(Document doc, String xpath) throws Exception {
        XPath x = XPathFactory.newInstance().newXPath();
        return x.evaluate(xpath, doc).trim();
    }

    private static String version(Document pom) throws Exception {
        String version = text(pom, "/project/version");
        return version.isEmpty() ? text(pom, "/project/parent/version") : version;
    }

    /** ${project.version} and ${project.artifactId} in a pom value. */
    private static String resolve(Document pom, String value) throws Exception {
        return value.replace("${project.version}", version(pom))
                .replace("${project.artifactId}", text(pom, "/project/artifactId"));
    }
}
