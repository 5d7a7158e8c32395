package dev.siprec.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.siprec.core.ServerMetrics;
import dev.siprec.core.SiprecServer;
import dev.siprec.core.StreamStats;
import dev.siprec.micrometer.SiprecMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What an operator needs around the example recorder: an HTTP endpoint with the metrics in the
 * Prometheus text format ({@code /metrics}) and the liveness and readiness probes of a container
 * platform ({@code /health/live}, {@code /health/ready}: 503 while draining or when no session
 * can be taken, like the answer to an SBC's OPTIONS), and a one-line status every few seconds.
 */
final class Operations implements AutoCloseable {

    private final SiprecServer server;
    private HttpServer http;
    private ScheduledExecutorService status;

    Operations(SiprecServer server) {
        this.server = server;
    }

    /** Serves {@code /metrics} and the health probes on {@code address}; returns the bound port. */
    int serveHttp(InetSocketAddress address) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new SiprecMetrics(server).bindTo(registry);
        http = HttpServer.create(address, 16);
        http.createContext("/metrics", x -> reply(x, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        http.createContext("/health/live", x -> {
            boolean live = !server.failed();
            reply(x, live ? 200 : 503, "text/plain", live ? "live\n" : "failed\n");
        });
        http.createContext("/health/ready", x -> {
            String why = server.draining() ? "draining" : server.unavailable();
            reply(x, why == null ? 200 : 503, "text/plain", why == null ? "ready\n" : why + "\n");
        });
        http.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        }));
        http.start();
        return http.getAddress().getPort();
    }

    private static void reply(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    /** Prints {@link #statusLine} every {@code seconds} to {@code out}. */
    void printStatus(PrintStream out, int seconds) {
        status = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "status-line");
            t.setDaemon(true);
            return t;
        });
        long[] last = {System.nanoTime(), 0, 0}; // time, sessions started, packets received
        status.scheduleAtFixedRate(() -> {
            ServerMetrics m = server.metrics();
            long now = System.nanoTime();
            StreamStats rtp = m.rtp();
            long started = m.sessionsStarted();
            double secs = (now - last[0]) / 1e9;
            out.println(statusLine(m.sessionsActive(), (started - last[1]) / secs,
                    (rtp.packetsReceived() - last[2]) / secs, rtp, m.draining()));
            last[0] = now;
            last[1] = started;
            last[2] = rtp.packetsReceived();
        }, seconds, seconds, TimeUnit.SECONDS);
    }

    /** {@code active=3 calls/s=1.2 packets/s=300 loss=0.01% late=0.00%} (and {@code draining}). */
    static String statusLine(int active, double callsPerSecond, double packetsPerSecond, StreamStats rtp,
                             boolean draining) {
        long expected = rtp.packetsReceived() + rtp.packetsLost() - rtp.packetsLate();
        double loss = expected <= 0 ? 0 : 100.0 * rtp.packetsLost() / expected;
        double late = rtp.packetsReceived() == 0 ? 0 : 100.0 * rtp.packetsLate() / rtp.packetsReceived();
        return String.format(Locale.ROOT, "status active=%d calls/s=%.1f packets/s=%.0f loss=%.2f%% late=%.2f%%%s",
                active, callsPerSecond, packetsPerSecond, loss, late, draining ? " draining" : "");
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop(0);
        }
        if (status != null) {
            status.shutdownNow();
        }
    }
}
