package dev.siprec.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.siprec.testing.TestCertificates;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real TLS client, OpenSSL's s_client, against the example recorder's --tls-* options. */
class TlsInteropTest {

    @Test
    void opensslTalksSipOverTlsToTheRecorder(@TempDir Path dir) throws Exception {
        assumeTrue(SippInteropTest.onPath("openssl"), "skipped: openssl not found (apt-get install openssl)");
        TestCertificates certs = TestCertificates.create(dir);
        int sipPort = SippInteropTest.freePort();
        int tlsPort = SippInteropTest.freePort();
        WavRecorder.Options options = WavRecorder.Options.parse(new String[] {"--bind", "127.0.0.1", "--sip-port",
            Integer.toString(sipPort), "--rtp-ports", "44000-44099", "--out", dir.resolve("rec").toString(),
            "--tls-port", Integer.toString(tlsPort), "--tls-cert", certs.certificatePem.toString(),
            "--tls-key", certs.privateKeyPem.toString()});
        java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
        try (WavRecorder recorder = WavRecorder.start(options, new PrintStream(console, true, StandardCharsets.UTF_8))) {
            assertThat(console.toString(StandardCharsets.UTF_8)).contains(",tls:127.0.0.1:" + tlsPort + " ");
            Process openssl = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + tlsPort, "-quiet",
                    "-verify_return_error", "-CAfile", certs.certificatePem.toString(), "-verify_hostname", "localhost")
                    .redirectError(dir.resolve("openssl.err").toFile()).start();
            try (OutputStream toServer = openssl.getOutputStream(); InputStream fromServer = openssl.getInputStream()) {
                String options1 = "OPTIONS sip:srs@127.0.0.1:" + tlsPort + " SIP/2.0\r\n"
                        + "Via: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bK-tls1\r\n"
                        + "From: <sip:probe@127.0.0.1>;tag=t1\r\nTo: <sip:srs@127.0.0.1>\r\n"
                        + "Call-ID: tls-options-1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
                toServer.write(options1.getBytes(StandardCharsets.UTF_8));
                toServer.flush();
                StringBuilder got = new StringBuilder();
                byte[] buf = new byte[4096];
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (!got.toString().contains("\r\n\r\n") && System.nanoTime() < deadline) {
                    int n = fromServer.read(buf);
                    if (n < 0) {
                        break;
                    }
                    got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
                assertThat(got.toString()).startsWith("SIP/2.0 200 OK\r\n").contains("Call-ID: tls-options-1")
                        .contains("Supported: siprec");
            } finally {
                openssl.destroy();
                openssl.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
