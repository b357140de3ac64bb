package dev.forestwatch.local.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.local.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kafka Connect cluster seen through a worker's REST API: connectors created, inspected, restarted and awaited.
 * The worker may run in this JVM ({@link EmbeddedConnect}) or as a child process ({@link ConnectWorkerProcess});
 * REST errors throw {@link HttpStatusException}, and 409 (rebalancing) is retried for up to 30 s.
 */
public class ConnectCluster {
    protected final String url;
    protected final ConnectRestClient rest;

    protected ConnectCluster(String url) {
        this.url = url;
        this.rest = new ConnectRestClient(url);
    }

    /** The REST API's base URL, {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String url() {
        return url;
    }

    /** Class names of the connector plugins the worker found (GET /connector-plugins). */
    public List<String> connectorPlugins() {
        return pluginClasses(rest.getJson("/connector-plugins"));
    }

    /** Class names of every plugin the worker found: connectors, converters, transforms, predicates... */
    public List<String> allPlugins() {
        return pluginClasses(rest.getJson("/connector-plugins?connectorsOnly=false"));
    }

    /** Names of the connectors in the cluster (GET /connectors). */
    public List<String> connectors() {
        List<String> names = new ArrayList<>();
        rest.getJson("/connectors").forEach(n -> names.add(n.asText()));
        return names;
    }

    /** Creates the connector or replaces its configuration (PUT /connectors/{name}/config). */
    public void createOrUpdateConnector(String name, Map<String, String> config) {
        rest.putJson(connectorPath(name) + "/config", config);
    }

    /** The connector's configuration as stored, including {@code name}. */
    public Map<String, String> connectorConfig(String name) {
        Map<String, String> config = new LinkedHashMap<>();
        rest.getJson(connectorPath(name) + "/config").fields()
                .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        return config;
    }

    /** Deletes the connector (DELETE /connectors/{name}); an unknown name is an error (404). */
    public void deleteConnector(String name) {
        rest.call("DELETE", connectorPath(name), null);
    }

    /**
     * GET /connectors/{name}/status as JSON: {@code connector.state}, and per task {@code id},
     * {@code state}, {@code worker_id} and, for a FAILED one, {@code trace}.
     */
    public JsonNode connectorStatus(String name) {
        return rest.getJson(connectorPath(name) + "/status");
    }

    /** The connector's state: UNASSIGNED, RUNNING, PAUSED, STOPPED, FAILED or RESTARTING. */
    public String connectorState(String name) {
        return connectorStatus(name).path("connector").path("state").asText();
    }

    /** The states of the connector's tasks, in task-id order. */
    public List<String> taskStates(String name) {
        return taskStates(connectorStatus(name));
    }

    /**
     * Restarts the connector and, if {@code includeTasks}, each of its tasks, returning once the worker
     * has restarted them (POST /connectors/{name}/restart, then POST .../tasks/{id}/restart per task).
     * The one-request {@code ?includeTasks=true} form is not used: it answers 202 before the status
     * shows the restart, so an {@link #awaitConnectorRunning} right after it would see the old RUNNING.
     */
    public void restartConnector(String name, boolean includeTasks) {
        rest.call("POST", connectorPath(name) + "/restart", null);
        if (includeTasks) {
            for (JsonNode task : connectorStatus(name).path("tasks")) {
                rest.call("POST", connectorPath(name) + "/tasks/" + task.path("id").asInt() + "/restart", null);
            }
        }
    }

    /** Pauses the connector and its tasks (PUT /connectors/{name}/pause); the state turns PAUSED asynchronously. */
    public void pauseConnector(String name) {
        rest.call("PUT", connectorPath(name) + "/pause", null);
    }

    /** Resumes a paused connector (PUT /connectors/{name}/resume). */
    public void resumeConnector(String name) {
        rest.call("PUT", connectorPath(name) + "/resume", null);
    }

    /**
     * Waits until the connector and exactly {@code tasks} tasks are RUNNING.
     *
     * @throws IllegalStateException at once if the connector or a task is FAILED, and on timeout; the
     *         message holds the status JSON, stack traces of failed tasks included
     */
    public void awaitConnectorRunning(String name, int tasks, Duration timeout) {
        awaitConnectorState(name, "RUNNING", tasks, timeout);
    }

    /** As {@link #awaitConnectorRunning}, for any target state (e.g. PAUSED). */
    public void awaitConnectorState(String name, String state, int tasks, Duration timeout) {
        JsonNode[] last = new JsonNode[1];
        try {
            Await.until("connector " + name + " and " + tasks + " task(s) " + state, timeout, () -> {
                JsonNode status;
                try {
                    status = connectorStatus(name);
                } catch (HttpStatusException e) {
                    if (e.status() == 404) {
                        return false; // not in the status topic yet
                    }
                    throw e;
                }
                last[0] = status;
                List<String> taskStates = taskStates(status);
                if ("FAILED".equals(status.path("connector").path("state").asText()) || taskStates.contains("FAILED")) {
                    throw new IllegalStateException("Connector " + name + " failed while awaiting " + state + ": "
                            + describe(status));
                }
                return state.equals(status.path("connector").path("state").asText())
                        && taskStates.size() == tasks
                        && taskStates.stream().allMatch(state::equals);
            });
        } catch (IllegalStateException e) {
            if (last[0] != null && e.getMessage().startsWith("Timed out")) {
                throw new IllegalStateException(e.getMessage() + "; last status: " + describe(last[0]), e);
            }
            throw e;
        }
    }

    private static String connectorPath(String name) {
        return "/connectors/" + ConnectRestClient.segment(name);
    }

    private static List<String> pluginClasses(JsonNode plugins) {
        List<String> classes = new ArrayList<>();
        plugins.forEach(p -> classes.add(p.path("class").asText()));
        return classes;
    }

    /** The status JSON without the traces, then each trace as the multi-line text it is (JSON would escape it). */
    private static String describe(JsonNode status) {
        JsonNode copy = status.deepCopy();
        StringBuilder traces = new StringBuilder();
        appendTrace(copy.path("connector"), "Connector", traces);
        for (JsonNode task : copy.path("tasks")) {
            appendTrace(task, "Task " + task.path("id").asText(), traces);
        }
        return copy.toPrettyString() + traces;
    }

    private static void appendTrace(JsonNode node, String label, StringBuilder traces) {
        if (node instanceof ObjectNode object && object.has("trace")) {
            traces.append('\n').append(label).append(' ').append(object.path("state").asText()).append(":\n")
                    .append(object.remove("trace").asText());
        }
    }

    private static List<String> taskStates(JsonNode status) {
        List<String> states = new ArrayList<>();
        status.path("tasks").forEach(t -> states.add(t.path("state").asText()));
        return states;
    }
}
