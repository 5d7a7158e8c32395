package dev.siprec.benchmarks;

import dev.siprec.core.AudioFrame;
import dev.siprec.core.DeliveryStats;
import dev.siprec.core.EndReason;
import dev.siprec.core.RecordingListener;
import dev.siprec.core.RecordingSession;
import dev.siprec.core.SiprecServer;
import dev.siprec.core.StreamStats;
import dev.siprec.core.Transport;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A load run through real sockets on loopback: a SiprecServer in this JVM, and a SIPREC SRC
 * that sets up {@code --calls} two-stream calls over SIP/UDP, streams 20 ms PCMU packets on
 * every stream (50 per second each: 1000 calls are 100,000 packets a second), then ends them
 * with BYE. Reports the recorder's CPU per call (the process's CPU time minus the SRC's own
 * threads), and the accounting of every packet and frame.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.siprec.benchmarks.LoadRun
 * [--calls 1000] [--warmup 10] [--seconds 30] [--rate 16000] [--native-transport on|off]}
 */
public final class LoadRun {

    static final Pattern M_AUDIO = Pattern.compile("m=audio (\\d+) ");
    static final Pattern TO_TAG = Pattern.compile("(?m)^To:.*;tag=([^;\\r\\n]+)");
    static final Pattern CALL_ID = Pattern.compile("(?m)^Call-ID: *([^\\r\\n]+)");
    static final Pattern STATUS = Pattern.compile("^SIP/2\\.0 (\\d{3})");

    /** What the application sees: counts frames, touches every sample as a consumer would. */
    static final class CountingListener implements RecordingListener {
        final AtomicLong frames = new AtomicLong();
        final AtomicLong ended = new AtomicLong();
        final Map<String, RecordingSession> sessions = new ConcurrentHashMap<>();
        // per session: {end of the last frame delivered, samples per frame}; one delivery
        // thread at a time per session, so plain writes under the map's own safety suffice
        final Map<RecordingSession, long[]> timeline = new ConcurrentHashMap<>();
        volatile long sink;

        @Override
        public void onSessionStarted(RecordingSession session) {
            sessions.put(session.sipCallId(), session);
        }

        @Override
        public void onAudio(RecordingSession session, AudioFrame frame) {
            long sum = 0;
            short[] s = frame.samples();
            for (int i = 0, n = frame.samplesPerChannel() * frame.channels(); i < n; i++) {
                sum += s[i];
            }
            sink += sum;
            frames.incrementAndGet();
            long[] t = timeline.computeIfAbsent(session, k -> new long[2]);
            t[0] = frame.position() + frame.samplesPerChannel();
            t[1] = frame.samplesPerChannel();
        }

        @Override
        public void onSessionEnded(RecordingSession session, EndReason reason) {
            ended.incrementAndGet();
        }
    }

    record Call(String callId, String toTag, InetSocketAddress[] streams) {
    }

    public static void main(String[] args) throws Exception {
        int calls = 1000;
        int warmup = 10;
        int seconds = 30;
        int rate = 16000;
        boolean nativeTransport = true;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--calls" -> calls = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--native-transport" -> nativeTransport = !args[i + 1].equals("off");
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        InetAddress lo = InetAddress.getLoopbackAddress();
        CountingListener listener = new CountingListener();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (SiprecServer server = SiprecServer.builder().sip(Transport.UDP, new InetSocketAddress(lo, 0))
                .mediaAddress(lo).rtpPortRange(20000, 29999).sampleRate(rate).listener(listener)
                .maxSessions(calls + 10).nativeTransport(nativeTransport).start();
             DatagramChannel sip = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
             DatagramChannel rtp = DatagramChannel.open().bind(new InetSocketAddress(lo, 0))) {
            InetSocketAddress srs = server.sipAddresses(Transport.UDP).get(0);
            long setupStart = System.nanoTime();
            List<Call> established = setUp(sip, srs, calls);
            System.out.printf("set up %d calls in %.1f s (%d sessions, %d RTP ports in use)%n", established.size(),
                    (System.nanoTime() - setupStart) / 1e9, server.activeSessions().size(), server.rtpPortsInUse());

            Sender sender = new Sender(rtp, established);
            Thread senderThread = new Thread(sender, "load-src-rtp");
            senderThread.start();
            Thread.sleep(warmup * 1000L);

            long cpu0 = os.getProcessCpuTime();
            long srcCpu0 = threads.getThreadCpuTime(senderThread.getId()) + threads.getCurrentThreadCpuTime();
            long packets0 = sender.sent.get();
            long frames0 = listener.frames.get();
            long gc0 = gcMillis();
            long wall0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long wall = System.nanoTime() - wall0;
            long srcCpu = threads.getThreadCpuTime(senderThread.getId()) + threads.getCurrentThreadCpuTime() - srcCpu0;
            long cpu = os.getProcessCpuTime() - cpu0;
            long packets = sender.sent.get() - packets0;
            long frames = listener.frames.get() - frames0;
            long gc = gcMillis() - gc0;

            double recorderCores = (cpu - srcCpu) / (double) wall;
            System.out.printf("measured %.1f s: %.0f packets/s sent, %.0f frames/s delivered%n", wall / 1e9,
                    packets / (wall / 1e9), frames / (wall / 1e9));
            System.out.printf("recorder CPU: %.2f cores of %d (process %.2f, SRC threads %.2f); "
                            + "%.1f ms CPU per call-second; %.0f ns per packet; GC %d ms%n",
                    recorderCores, Runtime.getRuntime().availableProcessors(), cpu / (double) wall,
                    srcCpu / (double) wall, recorderCores * 1000 / established.size(),
                    (cpu - srcCpu) / (double) packets, gc);
            System.out.printf("=> at this load one core carries about %.0f two-stream calls%n",
                    established.size() / recorderCores);

            sender.stop = true;
            senderThread.join();
            Thread.sleep(500); // let the last packets play out
            tearDown(sip, srs, established);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (listener.ended.get() < established.size() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            account(listener, sender, established);
        }
    }

    static long gcMillis() {
        long t = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            t += Math.max(0, gc.getCollectionTime());
        }
        return t;
    }

    /** Every packet and every frame is accounted for. */
    static void account(CountingListener listener, Sender sender, List<Call> calls) {
        long received = 0;
        long lost = 0;
        long late = 0;
        long other = 0;
        long delivered = 0;
        long dropped = 0;
        long timelineFrames = 0;
        double latencyMean = 0;
        double latencyMax = 0;
        for (Call c : calls) {
            RecordingSession s = listener.sessions.get(c.callId());
            if (s == null) {
                continue;
            }
            for (int ch = 0; ch < s.channels().size(); ch++) {
                StreamStats st = s.stats(ch);
                received += st.packetsReceived();
                lost += st.packetsLost();
                late += st.packetsLate();
                other += st.packetsOtherSource();
            }
            DeliveryStats d = s.deliveryStats();
            delivered += d.framesDelivered();
            dropped += d.framesDropped();
            latencyMean += d.latency().meanMillis() / calls.size();
            latencyMax = Math.max(latencyMax, d.latency().maxMillis());
            long[] t = listener.timeline.get(s);
            if (t != null && t[1] > 0) {
                timelineFrames += t[0] / t[1]; // frames from position 0 to the last one delivered
            }
        }
        System.out.printf("sessions ended: %d of %d%n", listener.ended.get(), calls.size());
        System.out.printf("packets: sent %d, received %d (never arrived: %d), late %d (arrived after their playout "
                + "time, not played), not played in all %d, other source %d%n", sender.sent.get(), received,
                sender.sent.get() - received, late, lost, other);
        System.out.printf("frames: delivered %d, dropped %d (slow listener); the sessions' timelines hold %d: %s%n",
                delivered, dropped, timelineFrames,
                delivered + dropped == timelineFrames ? "every frame accounted for" : "MISMATCH");
        System.out.printf("latency arrival -> onAudio: mean %.1f ms, max %.1f ms%n", latencyMean, latencyMax);
    }

    /** Sends INVITEs in batches and ACKs each 200 OK. */
    static List<Call> setUp(DatagramChannel sip, InetSocketAddress srs, int calls) throws IOException {
        List<Call> out = new ArrayList<>();
        InetSocketAddress local = (InetSocketAddress) sip.getLocalAddress();
        ByteBuffer in = ByteBuffer.allocate(65536);
        sip.configureBlocking(false);
        int batch = 50;
        for (int first = 0; first < calls; first += batch) {
            Map<String, Boolean> waiting = new ConcurrentHashMap<>();
            for (int i = first; i < Math.min(calls, first + batch); i++) {
                String callId = "load-" + i + "@" + local.getHostString();
                waiting.put(callId, true);
                send(sip, srs, invite(local, srs, callId));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!waiting.isEmpty() && System.nanoTime() < deadline) {
                in.clear();
                if (sip.receive(in) == null) {
                    LockSupport.parkNanos(200_000);
                    continue;
                }
                in.flip();
                String msg = StandardCharsets.UTF_8.decode(in).toString();
                Matcher st = STATUS.matcher(msg);
                if (!st.find() || !msg.contains(" INVITE\r\n")) {
                    continue;
                }
                int code = Integer.parseInt(st.group(1));
                if (code < 200) {
                    continue;
                }
                Matcher id = CALL_ID.matcher(msg);
                id.find();
                String callId = id.group(1).trim();
                waiting.remove(callId);
                if (code != 200) {
                    System.out.println("call " + callId + " refused: " + msg.lines().findFirst().orElse(""));
                    continue;
                }
                Matcher tag = TO_TAG.matcher(msg);
                tag.find();
                Matcher m = M_AUDIO.matcher(msg);
                List<InetSocketAddress> streams = new ArrayList<>();
                while (m.find()) {
                    streams.add(new InetSocketAddress(srs.getAddress(), Integer.parseInt(m.group(1))));
                }
                Call c = new Call(callId, tag.group(1), streams.toArray(new InetSocketAddress[0]));
                out.add(c);
                send(sip, srs, inDialog("ACK", 1, local, srs, c));
            }
        }
        return out;
    }

    static void tearDown(DatagramChannel sip, InetSocketAddress srs, List<Call> calls) throws IOException,
            InterruptedException {
        InetSocketAddress local = (InetSocketAddress) sip.getLocalAddress();
        for (int i = 0; i < calls.size(); i++) {
            send(sip, srs, inDialog("BYE", 2, local, srs, calls.get(i)));
            if (i % 50 == 49) {
                Thread.sleep(20);
            }
        }
    }

    static void send(DatagramChannel ch, InetSocketAddress to, String msg) throws IOException {
        ch.send(ByteBuffer.wrap(msg.getBytes(StandardCharsets.UTF_8)), to);
    }

    static String invite(InetSocketAddress local, InetSocketAddress srs, String callId) {
        String template = Messages.invite();
        String body = template.substring(template.indexOf("\r\n\r\n") + 4);
        String host = local.getHostString() + ":" + local.getPort();
        return "INVITE sip:srs@" + srs.getHostString() + ":" + srs.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + host + ";branch=z9hG4bK-" + callId.hashCode() + "-inv;rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:src@" + host + ">;tag=f" + Math.abs(callId.hashCode()) + "\r\n"
                + "To: <sip:srs@" + srs.getHostString() + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:src@" + host + ";transport=udp>;+sip.src\r\n"
                + "Require: siprec\r\nAllow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=unique-boundary-1\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    static String inDialog(String method, int cseq, InetSocketAddress local, InetSocketAddress srs, Call c) {
        String host = local.getHostString() + ":" + local.getPort();
        return method + " sip:srs@" + srs.getHostString() + ":" + srs.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + host + ";branch=z9hG4bK-" + c.callId().hashCode() + "-" + method + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:src@" + host + ">;tag=f" + Math.abs(c.callId().hashCode()) + "\r\n"
                + "To: <sip:srs@" + srs.getHostString() + ">;tag=" + c.toTag() + "\r\n"
                + "Call-ID: " + c.callId() + "\r\n"
                + "CSeq: " + cseq + " " + method + "\r\nContent-Length: 0\r\n\r\n";
    }

    /** Sends a 20 ms PCMU packet on every stream every 20 ms, from one socket. */
    static final class Sender implements Runnable {
        final DatagramChannel channel;
        final InetSocketAddress[] targets;
        final AtomicLong sent = new AtomicLong();
        volatile boolean stop;

        Sender(DatagramChannel channel, List<Call> calls) {
            this.channel = channel;
            List<InetSocketAddress> t = new ArrayList<>();
            for (Call c : calls) {
                t.addAll(List.of(c.streams()));
            }
            this.targets = t.toArray(new InetSocketAddress[0]);
        }

        @Override
        public void run() {
            ByteBuffer packet = ByteBuffer.allocateDirect(172);
            byte[] tone = new byte[160];
            for (int i = 0; i < 160; i++) {
                tone[i] = dev.siprec.codecs.g711.G711.linearToUlaw(
                        (int) (8000 * Math.sin(2 * Math.PI * 400 * i / 8000.0)));
            }
            long next = System.nanoTime();
            int seq = 0;
            long ts = 0;
            try {
                while (!stop) {
                    for (int i = 0; i < targets.length; i++) {
                        packet.clear();
                        packet.put((byte) 0x80).put((byte) 0).putShort((short) seq).putInt((int) ts).putInt(i + 1)
                                .put(tone).flip();
                        channel.send(packet, targets[i]);
                    }
                    sent.addAndGet(targets.length);
                    seq++;
                    ts += 160;
                    next += 20_000_000L;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
