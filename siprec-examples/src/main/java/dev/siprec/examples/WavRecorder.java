package dev.siprec.examples;

import dev.siprec.core.AudioFrame;
import dev.siprec.core.DeliveryStats;
import dev.siprec.core.DtmfEvent;
import dev.siprec.core.EndReason;
import dev.siprec.core.LatencyStats;
import dev.siprec.core.RecordedChannel;
import dev.siprec.core.RecordingListener;
import dev.siprec.core.RecordingSession;
import dev.siprec.core.SiprecServer;
import dev.siprec.core.metadata.RecordingMetadata;
import dev.siprec.core.StreamStats;
import dev.siprec.core.TlsSettings;
import dev.siprec.core.Transport;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * The example recorder of CONTRACTS.md: records every SIPREC session into a stereo WAV file
 * (left = channel 0 of the session's channel mapping, right = channel 1; mono for a mixed
 * stream) and, once the WAV is complete, a JSON file with the session, channels, counters and
 * metadata.
 *
 * <pre>java -jar siprec-examples.jar [--bind ADDR] [--sip-port N] [--rtp-ports A-B] [--out DIR] [--rate HZ]
 *     [--tls-port N --tls-cert CERT.pem --tls-key KEY.pem] [--answer-delay MS]
 *     [--latch-probe on|off] [--rtcp-reports on|off] [--allow CIDR,...] [--max-call-rate N]
 *     [--native-transport on|off] [--srtp optional|required|off] [--metrics-port N]
 *     [--drain-timeout S] [--status-interval S]</pre>
 *
 * <p>{@code --metrics-port} serves {@code /metrics} (Prometheus text), {@code /health/live} and
 * {@code /health/ready}. SIGTERM drains (new calls 503, current ones finish, up to
 * {@code --drain-timeout} seconds, 30 by default); a second SIGTERM ends the rest. In a terminal
 * a status line is printed every 5 s ({@code --status-interval}; 0 for none).
 *
 * <p>{@code --allow} limits SIP and RTP to SRCs in these networks (others get 403; their media
 * is dropped and counted). A fatal error on a server thread (out of memory) ends every open
 * recording and exits with status 70.
 */
public final class WavRecorder implements RecordingListener, AutoCloseable {

    private static final DateTimeFormatter NAME_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Path outDir;
    private final Map<String, WavWriter> writers = new ConcurrentHashMap<>();
    private final Map<String, List<Object>> dtmf = new ConcurrentHashMap<>();
    private SiprecServer server;
    private Operations operations;

    private WavRecorder(Path outDir) {
        this.outDir = outDir;
    }

    /** Options of the recorder, as on the command line. */
    record Options(String bind, int sipPort, int rtpMin, int rtpMax, Path out, int rate, int tlsPort, Path tlsCert,
                   Path tlsKey, int answerDelayMillis, boolean latchProbe, boolean rtcpReports, List<String> allow,
                   int maxCallRate, boolean nativeTransport, SiprecServer.Srtp srtp, int metricsPort,
                   int drainSeconds, int statusSeconds) {

        Options(String bind, int sipPort, int rtpMin, int rtpMax, Path out, int rate) {
            this(bind, sipPort, rtpMin, rtpMax, out, rate, -1, null, null, 0, false, true, List.of(), 0, true,
                    SiprecServer.Srtp.OPTIONAL, -1, 30, -1);
        }

        static Options parse(String[] args) {
            String bind = "0.0.0.0";
            int sipPort = 5060;
            int rtpMin = 20000;
            int rtpMax = 29999;
            Path out = Paths.get("recordings");
            int rate = 16000;
            int tlsPort = -1;
            Path tlsCert = null;
            Path tlsKey = null;
            int answerDelay = 0;
            boolean latchProbe = false;
            boolean rtcpReports = true;
            List<String> allow = List.of();
            int maxCallRate = 0; // the library's default
            boolean nativeTransport = true;
            SiprecServer.Srtp srtp = SiprecServer.Srtp.OPTIONAL;
            int metricsPort = -1;
            int drainSeconds = 30;
            int statusSeconds = -1; // every 5 s in a terminal, else none
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    throw new IllegalArgumentException("");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--bind": bind = v; break;
                    case "--sip-port": sipPort = intArg(a, v); break;
                    case "--rtp-ports":
                        String[] p = v.split("-");
                        if (p.length != 2) {
                            throw new IllegalArgumentException("--rtp-ports takes A-B, not " + v);
                        }
                        rtpMin = intArg(a, p[0]);
                        rtpMax = intArg(a, p[1]);
                        break;
                    case "--out": out = Paths.get(v); break;
                    case "--rate": rate = intArg(a, v); break;
                    case "--tls-port": tlsPort = intArg(a, v); break;
                    case "--tls-cert": tlsCert = Paths.get(v); break;
                    case "--tls-key": tlsKey = Paths.get(v); break;
                    case "--answer-delay": answerDelay = intArg(a, v); break;
                    case "--latch-probe": latchProbe = onOff(a, v); break;
                    case "--rtcp-reports": rtcpReports = onOff(a, v); break;
                    case "--allow":
                        allow = List.of(v.split(","));
                        dev.siprec.sip.transport.AddressFilter.of(allow); // refuse a bad entry here, by name
                        break;
                    case "--native-transport": nativeTransport = onOff(a, v); break;
                    case "--srtp":
                        try {
                            srtp = SiprecServer.Srtp.valueOf(v.toUpperCase(java.util.Locale.ROOT));
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("--srtp takes optional, required or off, not " + v);
                        }
                        break;
                    case "--max-call-rate":
                        maxCallRate = intArg(a, v);
                        if (maxCallRate < 1) {
                            throw new IllegalArgumentException("--max-call-rate takes new calls per second >= 1");
                        }
                        break;
                    case "--metrics-port": metricsPort = intArg(a, v); break;
                    case "--drain-timeout": drainSeconds = intArg(a, v); break;
                    case "--status-interval": statusSeconds = intArg(a, v); break;
                    default: throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if ((tlsCert == null) != (tlsKey == null)) {
                throw new IllegalArgumentException("--tls-cert and --tls-key go together");
            }
            if (tlsCert != null && tlsPort < 0) {
                tlsPort = 5061;
            }
            if (tlsPort >= 0 && tlsCert == null) {
                throw new IllegalArgumentException("--tls-port needs --tls-cert and --tls-key (PEM)");
            }
            if (answerDelay < 0) {
                throw new IllegalArgumentException("--answer-delay takes milliseconds >= 0");
            }
            if (metricsPort > 65535 || drainSeconds < 0 || statusSeconds > 86400) {
                throw new IllegalArgumentException(metricsPort > 65535 ? "--metrics-port takes a port"
                        : drainSeconds < 0 ? "--drain-timeout takes seconds >= 0" : "--status-interval takes seconds");
            }
            return new Options(bind, sipPort, rtpMin, rtpMax, out, rate, tlsPort, tlsCert, tlsKey, answerDelay,
                    latchProbe, rtcpReports, allow, maxCallRate, nativeTransport, srtp, metricsPort, drainSeconds,
                    statusSeconds);
        }

        private static boolean onOff(String option, String v) {
            switch (v) {
                case "on": return true;
                case "off": return false;
                default: throw new IllegalArgumentException(option + " takes on or off, not " + v);
            }
        }

        private static int intArg(String option, String v) {
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " takes a number, not " + v);
            }
        }
    }

    /** The exit status after a fatal error on a server thread (EX_SOFTWARE). */
    static final int FATAL_EXIT = 70;

    /** Starts a recorder; returns it running. Used by {@link #main} and by tests. */
    static WavRecorder start(Options o, PrintStream console) throws IOException, InterruptedException {
        Files.createDirectories(o.out());
        WavRecorder recorder = new WavRecorder(o.out());
        InetAddress bind = InetAddress.getByName(o.bind());
        SiprecServer.Builder b = SiprecServer.builder()
                .sip(Transport.UDP, new InetSocketAddress(bind, o.sipPort()))
                .sip(Transport.TCP, new InetSocketAddress(bind, o.sipPort()))
                .rtpPortRange(o.rtpMin(), o.rtpMax())
                .sampleRate(o.rate())
                .answerDelay(java.time.Duration.ofMillis(o.answerDelayMillis()))
                .latchProbe(o.latchProbe())
                .receiverReports(o.rtcpReports())
                .allowSources(o.allow(), o.allow())
                // out of memory on a server thread: the server has stopped and every open
                // recording was written; exit non-zero so that a supervisor restarts us
                .onFatalError(cause -> {
                    System.err.println("fatal: " + cause + "; the recorder stopped");
                    System.exit(FATAL_EXIT);
                })
                .listener(recorder);
        if (!bind.isAnyLocalAddress()) {
            b.mediaAddress(bind);
        }
        if (o.maxCallRate() > 0) {
            b.maxSessionRate(o.maxCallRate());
        }
        b.nativeTransport(o.nativeTransport());
        b.srtp(o.srtp());
        if (o.tlsCert() != null) {
            b.tls(new InetSocketAddress(bind, o.tlsPort()), TlsSettings.pem(o.tlsCert(), o.tlsKey()));
        }
        recorder.server = b.start();
        recorder.operations = new Operations(recorder.server);
        String metrics = "";
        if (o.metricsPort() >= 0) {
            int port = recorder.operations.serveHttp(new InetSocketAddress(bind, o.metricsPort()));
            metrics = " metrics=http://" + hostPort(new InetSocketAddress(bind, port)) + "/metrics";
        }
        int statusSeconds = o.statusSeconds() >= 0 ? o.statusSeconds() : System.console() != null ? 5 : 0;
        if (statusSeconds > 0) {
            recorder.operations.printStatus(System.err, statusSeconds);
        }
        InetSocketAddress udp = recorder.server.sipAddresses(Transport.UDP).get(0);
        InetSocketAddress tcp = recorder.server.sipAddresses(Transport.TCP).get(0);
        String tls = recorder.server.sipAddresses(Transport.TLS).isEmpty() ? ""
                : ",tls:" + hostPort(recorder.server.sipAddresses(Transport.TLS).get(0));
        console.println("listening sip=udp:" + hostPort(udp) + ",tcp:" + hostPort(tcp) + tls + " rtp=" + o.rtpMin()
                + "-" + o.rtpMax() + " out=" + o.out() + metrics);
        console.flush();
        return recorder;
    }

    private static String hostPort(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    /** Runs the recorder until SIGINT/SIGTERM, then ends and writes out every open recording. */
    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("error: " + e.getMessage());
            }
            System.err.println("usage: WavRecorder [--bind ADDR] [--sip-port N] [--rtp-ports A-B] [--out DIR]"
                    + " [--rate 8000|16000|48000] [--tls-port N --tls-cert CERT.pem --tls-key KEY.pem] [--answer-delay MS]"
                    + " [--latch-probe on|off] [--rtcp-reports on|off] [--allow CIDR,...] [--max-call-rate N]"
                    + " [--native-transport on|off] [--srtp optional|required|off] [--metrics-port N]"
                    + " [--drain-timeout S] [--status-interval S]");
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        WavRecorder recorder;
        try {
            recorder = start(options, System.out);
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("error: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM (a supervisor, a rolling update) drains: new calls get 503 and go to another
        // recorder, the current ones finish; a second SIGTERM or the timeout ends the rest.
        // SIGINT (Ctrl-C) and other exits end every session at once; their files are written.
        boolean drains = Signals.onTerm(new Runnable() {
            private final java.util.concurrent.atomic.AtomicInteger terms = new java.util.concurrent.atomic.AtomicInteger();

            @Override
            public void run() {
                if (terms.incrementAndGet() == 1) {
                    System.err.println("SIGTERM: draining (new calls get 503) for up to " + options.drainSeconds()
                            + " s; SIGTERM again to end the calls now");
                    recorder.server.drain(java.time.Duration.ofSeconds(options.drainSeconds()))
                            .whenComplete((v, e) -> stopped.countDown());
                } else {
                    System.err.println("SIGTERM again: ending the remaining calls");
                    recorder.close();
                    stopped.countDown();
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            recorder.close();
            stopped.countDown();
        }, "wav-recorder-shutdown"));
        if (!drains) {
            System.err.println("note: SIGTERM cannot be caught on this JVM; it ends the calls at once");
        }
        stopped.await();
        System.exit(0); // the drain finished: the hook finds the server closed
    }

    /** Ends every open session (their files are written) and stops the server. */
    @Override
    public void close() {
        if (operations != null) {
            operations.close();
        }
        if (server != null) {
            server.close();
        }
    }

    SiprecServer server() {
        return server;
    }

    static String fileName(RecordingSession s) {
        String callId = s.sipCallId() == null ? "" : s.sipCallId().replaceAll("[^A-Za-z0-9._-]", "_");
        if (callId.length() > 40) {
            callId = callId.substring(0, 40);
        }
        return NAME_TIME.format(s.startTime()) + "-" + callId + "-" + s.id().substring(0, 8);
    }

    @Override
    public void onSessionStarted(RecordingSession session) {
        try {
            writers.put(session.id(), new WavWriter(outDir.resolve(fileName(session) + ".wav"), session.sampleRate(),
                    session.channels().size()));
        } catch (IOException e) {
            System.err.println("cannot create WAV for " + session + ": " + e.getMessage());
        }
    }

    @Override
    public void onAudio(RecordingSession session, AudioFrame frame) {
        WavWriter w = writers.get(session.id());
        if (w == null) {
            return;
        }
        try {
            w.writeAt(frame.position(), frame.samples(), frame.samplesPerChannel());
        } catch (IOException e) {
            System.err.println("write failed for " + session + ": " + e.getMessage());
            writers.remove(session.id());
        }
    }

    @Override
    public void onDtmf(RecordingSession session, DtmfEvent event) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("channel", event.channel());
        e.put("digit", String.valueOf(event.digit()));
        e.put("startMillis", event.startMillis());
        e.put("durationMillis", event.durationMillis());
        dtmf.computeIfAbsent(session.id(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(e);
    }

    @Override
    public void onSessionEnded(RecordingSession session, EndReason reason) {
        WavWriter w = writers.remove(session.id());
        String name = fileName(session);
        try {
            if (w != null) {
                w.close();
            }
            Path tmp = outDir.resolve(name + ".json.tmp");
            Map<String, Object> description = describe(session);
            description.put("dtmf", dtmf.getOrDefault(session.id(), List.of()));
            dtmf.remove(session.id());
            Files.write(tmp, Json.write(description).getBytes(StandardCharsets.UTF_8));
            Files.move(tmp, outDir.resolve(name + ".json"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            System.err.println("cannot finish recording " + name + ": " + e.getMessage());
        }
    }

    static Map<String, Object> describe(RecordingSession s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sipCallId", s.sipCallId());
        m.put("sessionId", s.id());
        m.put("startTime", s.startTime().toString());
        m.put("endTime", s.endTime() == null ? null : s.endTime().toString());
        m.put("endReason", s.endReason() == null ? null : s.endReason().name());
        m.put("sampleRate", s.sampleRate());
        m.put("mixed", s.mixed());
        m.put("transport", s.transport().name());
        m.put("siprec", s.siprec());
        Map<String, Object> correlation = new LinkedHashMap<>();
        correlation.put("groupId", s.metadata().groupId());
        correlation.put("sipSessionIds", s.metadata().sipSessionIds());
        correlation.put("groupSeq", s.metadata().extensionValue("groupSeq"));
        correlation.put("headers", s.correlationHeaders());
        m.put("correlation", correlation);
        List<Object> channels = new ArrayList<>();
        for (RecordedChannel c : s.channels()) {
            Map<String, Object> ch = new LinkedHashMap<>();
            ch.put("index", c.index());
            ch.put("label", c.label());
            ch.put("streamId", c.streamId());
            ch.put("participant", c.participant() == null ? null : participant(c.participant()));
            if (c.participants().size() > 1) { // a mixed stream: everyone on it, the caller first when known
                List<Object> voices = new ArrayList<>();
                c.participants().forEach(p -> voices.add(participant(p)));
                ch.put("participants", voices);
            }
            ch.put("codec", c.codec());
            ch.put("srtp", s.srtpSuite(c.index())); // the suite only: keys never leave the library
            ch.put("mappingRule", c.rule());
            StreamStats st = s.stats(c.index());
            ch.put("packetsReceived", st.packetsReceived());
            ch.put("packetsLost", st.packetsLost());
            ch.put("packetsLate", st.packetsLate());
            ch.put("packetsDuplicate", st.packetsDuplicate());
            ch.put("packetsInvalid", st.packetsInvalid());
            ch.put("framesConcealed", st.framesConcealed());
            ch.put("jitterMillis", Math.round(st.jitterMillis() * 100) / 100.0);
            ch.put("packetsOtherSource", st.packetsOtherSource());
            ch.put("packetsComfortNoise", st.packetsComfortNoise());
            ch.put("packetsRtcp", st.packetsRtcp());
            ch.put("packetsUnauthenticated", st.packetsUnauthenticated());
            ch.put("packetsOtherPayloadType", st.packetsOtherPayloadType());
            ch.put("formatSwitches", st.formatSwitches());
            // time scaling that followed the sender's clock (nothing is cut or padded silently)
            ch.put("samplesDropped", st.samplesDropped());
            ch.put("samplesInserted", st.samplesInserted());
            LatencyStats latency = s.latency(c.index());
            ch.put("latencyMeanMillis", Math.round(latency.meanMillis() * 10) / 10.0);
            ch.put("latencyMaxMillis", Math.round(latency.maxMillis() * 10) / 10.0);
            channels.add(ch);
        }
        m.put("channels", channels);
        DeliveryStats delivery = s.deliveryStats();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("framesDelivered", delivery.framesDelivered());
        d.put("framesDropped", delivery.framesDropped());
        d.put("mostFramesQueued", delivery.mostFramesQueued());
        m.put("delivery", d);
        m.put("metadataProblem", s.metadataProblem());
        m.put("metadata", metadata(s.metadata()));
        return m;
    }

    static Map<String, Object> participant(RecordingMetadata.Participant p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("aor", p.aor());
        m.put("name", p.name());
        return m;
    }

    private static Map<String, Object> metadata(RecordingMetadata md) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataMode", md.dataMode());
        List<Object> groups = new ArrayList<>();
        for (RecordingMetadata.Group g : md.groups()) {
            groups.add(Map.of("id", String.valueOf(g.id()), "associateTime", String.valueOf(g.associateTime())));
        }
        m.put("groups", groups);
        List<Object> sessions = new ArrayList<>();
        for (RecordingMetadata.Session s : md.sessions()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("id", s.id());
            x.put("sipSessionIds", s.sipSessionIds());
            x.put("groupRef", s.groupRef());
            x.put("startTime", s.startTime());
            x.put("stopTime", s.stopTime());
            sessions.add(x);
        }
        m.put("sessions", sessions);
        List<Object> participants = new ArrayList<>();
        for (RecordingMetadata.Participant p : md.participants()) {
            Map<String, Object> x = participant(p);
            x.put("send", p.id() == null ? List.of() : md.streamsSentBy(p.id()));
            participants.add(x);
        }
        m.put("participants", participants);
        List<Object> streams = new ArrayList<>();
        for (RecordingMetadata.Stream s : md.streams()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("id", s.id());
            x.put("sessionId", s.sessionId());
            x.put("label", s.label());
            streams.add(x);
        }
        m.put("streams", streams);
        List<Object> assocs = new ArrayList<>();
        for (RecordingMetadata.ParticipantStreamAssoc a : md.participantStreamAssocs()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("participantId", a.participantId());
            x.put("send", a.send());
            x.put("recv", a.recv());
            assocs.add(x);
        }
        m.put("participantStreamAssocs", assocs);
        List<Object> ext = new ArrayList<>();
        for (RecordingMetadata.Extension e : md.extensions()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("parent", e.parentElement());
            x.put("parentId", e.parentId());
            x.put("xml", e.xml());
            ext.add(x);
        }
        m.put("extensions", ext);
        return m;
    }
}
