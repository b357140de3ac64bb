package dev.forestwatch.streams.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One GET of a Prometheus endpoint, and sums of its series by name (and first labels). */
public record Scrape(String body) {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern VALUE = Pattern.compile(" ([-+0-9.eE]+|NaN)$");

    public static Scrape of(final String url) {
        try {
            final HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + r.statusCode());
            }
            return new Scrape(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The sum of the series whose line starts with {@code prefix}, a name or a name and its first labels
     * ({@code name{reason="x"}}, without the closing brace); 0 when there is none.
     */
    public double sum(final String prefix) {
        return Arrays.stream(body.split("\n")).filter(l -> l.startsWith(prefix) && l.length() > prefix.length()
                && "{ ,".indexOf(l.charAt(prefix.length())) >= 0).mapToDouble(l -> {
                    final Matcher m = VALUE.matcher(l);
                    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
                }).sum();
    }

    public boolean has(final String prefix) {
        return body.lines().anyMatch(l -> l.startsWith(prefix));
    }
}
