package dev.siprec.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.core.StreamStats;
import dev.siprec.testing.Await;
import dev.siprec.testing.UdpSrc;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example recorder as an operator runs it, in a process of its own: Prometheus metrics and
 * health probes over HTTP, the status line, and SIGTERM draining (new calls 503, the current one
 * finishes and is written, then the process exits 0).
 */
class OperationsTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static double sample(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void metricsHealthStatusAndDrainOnSigterm(@TempDir Path out) throws Exception {
        Path stderr = out.resolve("stderr.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), WavRecorder.class.getName(),
                "--bind", "127.0.0.1", "--sip-port", "0", "--rtp-ports", "44000-44099", "--out", out.resolve("rec").toString(),
                "--metrics-port", "0", "--status-interval", "1", "--drain-timeout", "20")
                .redirectError(stderr.toFile()).start();
        try {
            BufferedReader stdout = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String listening = stdout.readLine();
            assertThat(listening).startsWith("listening ");
            Matcher sip = Pattern.compile("udp:127\\.0\\.0\\.1:(\\d+)").matcher(listening);
            Matcher metrics = Pattern.compile("metrics=(http://\\S+)/metrics").matcher(listening);
            assertThat(sip.find() && metrics.find()).as(listening).isTrue();
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", Integer.parseInt(sip.group(1)));
            String base = metrics.group(1);

            assertThat(get(base + "/health/live").statusCode()).isEqualTo(200);
            assertThat(get(base + "/health/ready").statusCode()).isEqualTo(200);
            try (UdpSrc call = new UdpSrc(server); UdpSrc late = new UdpSrc(server); UdpSrc probe = new UdpSrc(server)) {
                assertThat(UdpSrc.status(call.invite())).isEqualTo(200);
                call.streamTones(25, 440, 1000);
                Await.until("the call's packets in the scrape", Duration.ofSeconds(5), () -> {
                    String scrape = get(base + "/metrics").body();
                    return sample(scrape, "siprec_rtp_packets_total{result=\"received\"}") == 50
                            && sample(scrape, "siprec_sessions_active") == 1;
                });
                String scrape = get(base + "/metrics").body();
                assertThat(sample(scrape, "siprec_sessions_started_total")).isEqualTo(1);
                assertThat(sample(scrape, "siprec_sip_requests_total{method=\"INVITE\"}")).isEqualTo(1);
                assertThat(sample(scrape, "siprec_sip_responses_total{status=\"200\"}")).isEqualTo(1);
                assertThat(sample(scrape, "siprec_rtp_packets_total{result=\"lost\"}")).isZero();
                assertThat(sample(scrape, "siprec_rtp_ports_used")).isEqualTo(2);
                assertThat(scrape).contains("siprec_delivery_latency_seconds_count");

                p.destroy(); // SIGTERM
                Await.until("readiness off", Duration.ofSeconds(5),
                        () -> get(base + "/health/ready").statusCode() == 503);
                assertThat(get(base + "/health/ready").body()).isEqualTo("draining\n");
                String refused = late.invite();
                assertThat(UdpSrc.status(refused)).isEqualTo(503);
                assertThat(refused).contains("Draining");
                assertThat(UdpSrc.status(probe.options())).isEqualTo(503);

                call.streamTones(25, 440, 1000); // the current call goes on, and is recorded
                assertThat(p.isAlive()).isTrue();
                assertThat(call.bye()).isEqualTo(200);
            }
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            List<Path> files;
            try (Stream<Path> s = Files.list(out.resolve("rec"))) {
                files = s.sorted().toList();
            }
            assertThat(files).hasSize(2);
            assertThat(files.get(0).toString()).endsWith(".json");
            String json = Files.readString(files.get(0));
            assertThat(json).contains("\"endReason\": \"BYE\"");
            assertThat(Files.size(files.get(1))).isGreaterThan(44 + 2 * 2 * 16000); // more than 1 s of stereo
            String log = Files.readString(stderr);
            assertThat(log).contains("status active=1").contains("SIGTERM: draining");
            assertThat(log).containsPattern("status active=\\d+ calls/s=[0-9.]+ packets/s=\\d+ loss=0\\.00% late=");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aSecondSigtermEndsTheRemainingCallsAndTheirRecordingsAreWritten(@TempDir Path out) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), WavRecorder.class.getName(),
                "--bind", "127.0.0.1", "--sip-port", "0", "--rtp-ports", "44100-44199", "--out", out.resolve("rec").toString(),
                "--status-interval", "0", "--drain-timeout", "60")
                .redirectError(out.resolve("stderr.txt").toFile()).start();
        try {
            BufferedReader stdout = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Matcher sip = Pattern.compile("udp:127\\.0\\.0\\.1:(\\d+)").matcher(stdout.readLine());
            assertThat(sip.find()).isTrue();
            try (UdpSrc call = new UdpSrc(new InetSocketAddress("127.0.0.1", Integer.parseInt(sip.group(1))))) {
                assertThat(UdpSrc.status(call.invite())).isEqualTo(200);
                call.streamTones(25, 440, 1000);
                p.destroy(); // drains: the call goes on
                Await.until("the drain", Duration.ofSeconds(5),
                        () -> Files.readString(out.resolve("stderr.txt")).contains("SIGTERM: draining"));
                assertThat(p.isAlive()).isTrue();
                p.destroy(); // the second one ends it: we send the BYE
                call.awaitBye();
            }
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            List<Path> json;
            try (Stream<Path> s = Files.list(out.resolve("rec"))) {
                json = s.filter(f -> f.toString().endsWith(".json")).toList();
            }
            assertThat(json).hasSize(1);
            assertThat(Files.readString(json.get(0))).contains("\"endReason\": \"SERVER_SHUTDOWN\"");
            assertThat(Files.readString(out.resolve("stderr.txt"))).contains("SIGTERM again: ending the remaining calls");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void statusLineShowsLossAndLateShares() {
        StreamStats s = new StreamStats(990, 20, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(Operations.statusLine(3, 1.25, 150, s, true))
                .isEqualTo("status active=3 calls/s=1.3 packets/s=150 loss=2.00% late=1.01% draining");
        assertThat(Operations.statusLine(0, 0, 0, StreamStats.EMPTY, false))
                .isEqualTo("status active=0 calls/s=0.0 packets/s=0 loss=0.00% late=0.00%");
    }
}
