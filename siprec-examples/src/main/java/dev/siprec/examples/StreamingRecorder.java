package dev.siprec.examples;

import dev.siprec.core.SiprecServer;
import dev.siprec.core.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CountDownLatch;

/**
 * A recorder that keeps no files: each session's stereo PCM goes live to a speech recognition
 * service over WebSocket ({@link AsrStreamer}), or to Kafka topics ({@link KafkaSink}).
 *
 * <pre>java -cp siprec-examples.jar dev.siprec.examples.StreamingRecorder --ws-url ws://asr:8080/stream
 *     | --kafka HOST:9092 [--kafka-prefix siprec]
 *     [--bind ADDR] [--sip-port N] [--rtp-ports A-B] [--rate 8000|16000|48000]</pre>
 */
public final class StreamingRecorder {

    private StreamingRecorder() {
    }

    /** Runs until SIGINT/SIGTERM; the sessions then end, each with its {@code end} message. */
    public static void main(String[] args) throws Exception {
        String bind = "0.0.0.0";
        int sipPort = 5060;
        int rtpMin = 20000;
        int rtpMax = 29999;
        int rate = 16000;
        URI ws = null;
        String kafka = null;
        String prefix = "siprec";
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--ws-url": ws = URI.create(v); break;
                case "--kafka": kafka = v; break;
                case "--kafka-prefix": prefix = v; break;
                case "--bind": bind = v; break;
                case "--sip-port": sipPort = Integer.parseInt(v); break;
                case "--rtp-ports":
                    rtpMin = Integer.parseInt(v.substring(0, v.indexOf('-')));
                    rtpMax = Integer.parseInt(v.substring(v.indexOf('-') + 1));
                    break;
                case "--rate": rate = Integer.parseInt(v); break;
                default:
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
            }
        }
        if ((ws == null) == (kafka == null) || args.length % 2 != 0) {
            System.err.println("usage: StreamingRecorder (--ws-url ws://HOST:PORT/PATH | --kafka HOST:PORT"
                    + " [--kafka-prefix P]) [--bind ADDR] [--sip-port N] [--rtp-ports A-B] [--rate HZ]");
            System.exit(2);
            return;
        }
        @SuppressWarnings("resource") // closed by the shutdown hook
        AutoCloseable sink = ws != null ? new AsrStreamer(ws) : new KafkaSink(kafka, prefix);
        InetAddress address = InetAddress.getByName(bind);
        SiprecServer server = SiprecServer.builder()
                .sip(Transport.UDP, new InetSocketAddress(address, sipPort))
                .sip(Transport.TCP, new InetSocketAddress(address, sipPort))
                .rtpPortRange(rtpMin, rtpMax).sampleRate(rate).listener((dev.siprec.core.RecordingListener) sink).start();
        System.out.println("listening sip=" + server.sipAddresses(Transport.UDP).get(0) + " streaming to "
                + (ws != null ? ws : "kafka " + kafka + " topics " + prefix + ".events, " + prefix + ".audio"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close(); // every session ends: its end message is queued
            try {
                sink.close();
            } catch (Exception e) {
                System.err.println("closing the sink: " + e);
            }
            stopped.countDown();
        }, "streaming-recorder-shutdown"));
        stopped.await();
    }
}
