package dev.siprec.core;

import dev.siprec.codecs.g711.G711;
import dev.siprec.sip.message.SipMessage;
import dev.siprec.sip.message.SipMessageParser;
import dev.siprec.sip.message.SipResponse;
import dev.siprec.sip.sdp.SessionDescription;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A test SIPREC client (SRC): sends a multipart INVITE like an SBC does, reads the answer,
 * streams RTP tones to the answered ports in real time, and ends with BYE. UDP or TCP.
 */
final class TestSrc implements AutoCloseable {

    final InetSocketAddress server;
    final boolean tcp;
    final DatagramSocket udp;
    final Socket socket;
    final InputStream in;
    final OutputStream out;
    final String callId = "src-" + System.nanoTime() + "@127.0.0.1";
    final String fromTag = "srctag" + (System.nanoTime() % 100000);
    String toTag;
    int cseq = 1;
    int[] rtpPorts;
    /** Per stream, the SRTP context that protects what {@link #stream} sends (null: plain RTP). */
    dev.siprec.media.srtp.SrtpContext[] srtp;
    /** When set, each {@link #stream} call goes on where the last one stopped (sequence, timestamp). */
    boolean continueStreams;
    private int streamed;
    SessionDescription answer;
    private final byte[] pending = new byte[65536];
    private int pendingLength;

    final boolean tls;

    TestSrc(InetSocketAddress server, boolean tcp) throws IOException {
        this(server, tcp, null);
    }

    /** Over UDP from {@code local} (another loopback address: 127.0.0.2), its RTP too. */
    TestSrc(InetSocketAddress server, InetAddress local) throws IOException {
        this.server = server;
        this.tcp = false;
        this.tls = false;
        this.local = local;
        udp = new DatagramSocket(new InetSocketAddress(local, 0));
        udp.setSoTimeout(5000);
        socket = null;
        in = null;
        out = null;
    }

    /** The address our sockets bind to. */
    InetAddress local = InetAddress.getLoopbackAddress();

    /** Over TLS when {@code tlsContext} is given (stream framing, like TCP). */
    TestSrc(InetSocketAddress server, boolean tcp, javax.net.ssl.SSLContext tlsContext) throws IOException {
        this.server = server;
        this.tcp = tcp || tlsContext != null;
        this.tls = tlsContext != null;
        if (tlsContext != null) {
            javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) tlsContext.getSocketFactory()
                    .createSocket(server.getAddress(), server.getPort());
            s.startHandshake();
            socket = s;
            socket.setSoTimeout(5000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            udp = null;
        } else if (tcp) {
            socket = new Socket(server.getAddress(), server.getPort());
            socket.setSoTimeout(5000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            udp = null;
        } else {
            udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            udp.setSoTimeout(5000);
            socket = null;
            in = null;
            out = null;
        }
    }

    int localPort() {
        return tcp ? socket.getLocalPort() : udp.getLocalPort();
    }

    /**
     * A session a listener recorded as started. onSessionStarted runs on a delivery thread, so
     * it may still be on its way when the SRC has the 200 OK: this waits up to 5 s for it.
     */
    static RecordingSession started(java.util.function.Supplier<RecordingSession> last) throws InterruptedException {
        try {
            dev.siprec.testing.Await.until("the session started", java.time.Duration.ofSeconds(5),
                    () -> last.get() != null);
        } catch (InterruptedException | AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return last.get();
    }

    /**
     * Waits until {@code session} has delivered its audio up to now ({@code delivered}: the
     * samples per channel the listener has had), so that everything sent so far has come out
     * of the playout delay and a BYE cuts nothing off.
     */
    static void awaitPlayedOut(RecordingSession session, java.util.function.LongSupplier delivered) throws Exception {
        long due = java.time.Duration.between(session.startTime(), java.time.Instant.now()).toMillis()
                * session.sampleRate() / 1000 + session.sampleRate() / 50;
        dev.siprec.testing.Await.until("audio delivered up to now", java.time.Duration.ofSeconds(5),
                () -> delivered.getAsLong() >= due);
    }

    static String offer(String... labels) {
        return offerCodecs("0 8 101", "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n", labels);
    }

    /** An offer whose audio m-lines list {@code formats} with these rtpmap lines (+ telephone-event). */
    static String offerCodecs(String formats, String rtpmaps, String... labels) {
        StringBuilder sb = new StringBuilder("v=0\r\no=SBC 1234 1 IN IP4 127.0.0.1\r\ns=SIPREC\r\nc=IN IP4 127.0.0.1\r\n"
                + "t=0 0\r\n");
        int port = 30000;
        for (String label : labels) {
            sb.append("m=audio ").append(port).append(" RTP/AVP ").append(formats).append("\r\n")
                    .append(rtpmaps).append("a=rtpmap:101 telephone-event/8000\r\n")
                    .append("a=fmtp:101 0-16\r\na=ptime:20\r\na=sendonly\r\na=label:").append(label).append("\r\n");
            port += 2;
        }
        return sb.toString();
    }

    /** Metadata where the participant sending label 2 (Bob) comes first in document order. */
    static final String METADATA = """
            <?xml version="1.0" encoding="UTF-8"?>
            <recording xmlns="urn:ietf:params:xml:ns:recording:1">
              <datamode>complete</datamode>
              <session session_id="sess1"><sipSessionID>abc;remote=def</sipSessionID></session>
              <participant participant_id="bob"><nameID aor="sip:bob@example.net"><name>Bob</name></nameID></participant>
              <participant participant_id="alice"><nameID aor="sip:alice@example.com"><name>Alice</name></nameID></participant>
              <stream stream_id="s-alice" session_id="sess1"><label>1</label></stream>
              <stream stream_id="s-bob" session_id="sess1"><label>2</label></stream>
              <participantstreamassoc participant_id="alice"><send>s-alice</send><recv>s-bob</recv></participantstreamassoc>
              <participantstreamassoc participant_id="bob"><send>s-bob</send><recv>s-alice</recv></participantstreamassoc>
            </recording>
            """;

    static String multipart(String sdp, String metadata) {
        return "--boundary42\r\nContent-Type: application/sdp\r\n\r\n" + sdp
                + "\r\n--boundary42\r\nContent-Type: application/rs-metadata+xml\r\n"
                + "Content-Disposition: recording-session\r\n\r\n" + metadata + "\r\n--boundary42--\r\n";
    }

    String request(String method, int seq, String branch, String contentType, String body) {
        String transport = tls ? "TLS" : tcp ? "TCP" : "UDP";
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return method + " sip:srs@127.0.0.1:" + server.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport + " 127.0.0.1:" + localPort() + ";branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:acmeSrc@127.0.0.1>;tag=" + fromTag + "\r\n"
                + "To: <sip:srs@127.0.0.1>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + seq + " " + method + "\r\n"
                + "Contact: <sip:acmeSrc@127.0.0.1:" + localPort() + ">;+sip.src\r\n"
                + "Require: siprec\r\n"
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\nMIME-Version: 1.0\r\n")
                + "Content-Length: " + b.length + "\r\n\r\n" + (body == null ? "" : body);
    }

    void send(String message) throws IOException {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        if (tcp) {
            out.write(b);
            out.flush();
        } else {
            udp.send(new DatagramPacket(b, b.length, server));
        }
    }

    SipResponse receive() throws IOException, dev.siprec.sip.message.SipParseException {
        while (true) {
            SipMessage m = receiveAny();
            if (m instanceof SipResponse r) {
                return r;
            }
            requests.add((dev.siprec.sip.message.SipRequest) m);
        }
    }

    /** Requests the SRS sent us (BYE, UPDATE), in order, held while we waited for responses. */
    final java.util.Deque<dev.siprec.sip.message.SipRequest> requests = new java.util.ArrayDeque<>();

    /** The next request from the SRS. */
    dev.siprec.sip.message.SipRequest receiveRequest() throws Exception {
        if (!requests.isEmpty()) {
            return requests.poll();
        }
        while (true) {
            SipMessage m = receiveAny();
            if (m instanceof dev.siprec.sip.message.SipRequest r) {
                return r;
            }
        }
    }

    /** Answers a request from the SRS. */
    void respond(dev.siprec.sip.message.SipRequest request, int code, String reason) throws IOException {
        send(new String(SipResponse.to(request, code, reason, null).encode(), StandardCharsets.UTF_8));
    }

    private SipMessage receiveAny() throws IOException, dev.siprec.sip.message.SipParseException {
        if (!tcp) {
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            udp.receive(p);
            return SipMessageParser.parseDatagram(buf, 0, p.getLength());
        }
        while (true) {
            String text = new String(pending, 0, pendingLength, StandardCharsets.ISO_8859_1);
            int headerEnd = text.indexOf("\r\n\r\n");
            if (headerEnd >= 0) {
                int cl = 0;
                for (String line : text.substring(0, headerEnd).split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        cl = Integer.parseInt(line.substring(15).trim());
                    }
                }
                int total = headerEnd + 4 + cl;
                if (pendingLength >= total) {
                    SipMessage m = SipMessageParser.parseFramed(pending, 0, total);
                    System.arraycopy(pending, total, pending, 0, pendingLength - total);
                    pendingLength -= total;
                    return m;
                }
            }
            int n = in.read(pending, pendingLength, pending.length - pendingLength);
            if (n < 0) {
                throw new IOException("connection closed");
            }
            pendingLength += n;
        }
    }

    SipResponse receiveFinal(String method) throws Exception {
        while (true) {
            SipResponse r = receive();
            if (r.statusCode() >= 200 && r.cseq().method().equals(method)) {
                return r;
            }
        }
    }

    /** INVITE; returns the final response (ACKs non-2xx is the server's problem to absorb). */
    SipResponse invite(String contentType, String body) throws Exception {
        send(request("INVITE", cseq, "z9hG4bK-inv-" + callId.hashCode(), contentType, body));
        SipResponse r = receiveFinal("INVITE");
        if (r.statusCode() == 200) {
            toTag = r.to().tag();
            takeAnswer(r);
        } else {
            toTag = r.to().tag();
            send(request("ACK", cseq, "z9hG4bK-inv-" + callId.hashCode(), null, null));
        }
        return r;
    }

    /** Takes the SDP answer of a 200 (if it has one). */
    void takeAnswerOf(SipResponse ok) throws Exception {
        if (ok.statusCode() == 200 && ok.body().length > 0) {
            takeAnswer(ok);
        }
    }

    private void takeAnswer(SipResponse ok) throws Exception {
        answer = SessionDescription.parse(new String(ok.body(), StandardCharsets.UTF_8));
        rtpPorts = new int[answer.media().size()];
        for (int i = 0; i < rtpPorts.length; i++) {
            rtpPorts[i] = answer.media().get(i).port();
        }
    }

    SipResponse recordingInvite(String... labels) throws Exception {
        return invite("multipart/mixed;boundary=boundary42", multipart(offer(labels), METADATA));
    }

    void ack() throws IOException {
        send(request("ACK", cseq, "z9hG4bK-ack-" + cseq + "-" + callId.hashCode(), null, null));
    }

    SipResponse reInvite(String sdp) throws Exception {
        cseq++;
        send(request("INVITE", cseq, "z9hG4bK-reinv-" + cseq + "-" + callId.hashCode(), "application/sdp", sdp));
        SipResponse r = receiveFinal("INVITE");
        if (r.statusCode() == 200) {
            takeAnswer(r);
        }
        ack();
        return r;
    }

    /**
     * A request shaped by a vendor: {@code contact} replaces our Contact value (null keeps it),
     * {@code require} false drops Require, {@code extraHeaders} (CRLF-terminated lines) are
     * added before Content-Type.
     */
    String vendorRequest(String method, int seq, String branch, String contentType, String body, String contact,
                         boolean require, String extraHeaders) {
        String r = request(method, seq, branch, contentType, body);
        if (contact != null) {
            r = r.replaceFirst("Contact: [^\r]*\r\n", java.util.regex.Matcher.quoteReplacement("Contact: " + contact + "\r\n"));
        }
        if (!require) {
            r = r.replace("Require: siprec\r\n", "");
        }
        int at = r.indexOf("Content-Type:");
        if (at < 0) {
            at = r.indexOf("Content-Length:");
        }
        return r.substring(0, at) + extraHeaders + r.substring(at);
    }

    /** An UPDATE with a body (SDP, or a single-part metadata document) or none (a refresh). */
    SipResponse update(String contentType, String body, String extraHeaders) throws Exception {
        cseq++;
        String r = request("UPDATE", cseq, "z9hG4bK-upd-" + cseq + "-" + callId.hashCode(), contentType, body);
        if (!extraHeaders.isEmpty()) {
            r = r.replace("Require: siprec\r\n", "Require: siprec\r\n" + extraHeaders);
        }
        send(r);
        SipResponse resp = receiveFinal("UPDATE");
        if (resp.statusCode() == 200 && resp.body().length > 0) {
            takeAnswer(resp);
        }
        return resp;
    }

    SipResponse bye() throws Exception {
        cseq++;
        send(request("BYE", cseq, "z9hG4bK-bye-" + cseq + "-" + callId.hashCode(), null, null));
        return receiveFinal("BYE");
    }

    /** The payload of packet {@code k} of one stream: writes it at {@code offset}, returns its length. */
    interface Payloads {
        int write(int k, byte[] packet, int offset);
    }

    /** PCMU of a sine, 20 ms per packet. */
    static Payloads pcmuTone(double hz) {
        return (k, packet, offset) -> {
            for (int i = 0; i < 160; i++) {
                double t = (160.0 * k + i) / 8000;
                packet[offset + i] = G711.linearToUlaw((int) (8000 * Math.sin(2 * Math.PI * hz * t)));
            }
            return 160;
        };
    }

    /** Consecutive 160-octet slices (20 ms of G.722) of a bitstream, from octet {@code start}. */
    static Payloads slices(byte[] stream, int start) {
        return (k, packet, offset) -> {
            System.arraycopy(stream, start + 160 * k, packet, offset, 160);
            return 160;
        };
    }

    /** Sends PCMU tones to the answered ports in real time (stream i to answered m-line i). */
    void streamTones(int packets, double... hz) throws IOException {
        Payloads[] legs = new Payloads[hz.length];
        for (int i = 0; i < hz.length; i++) {
            legs[i] = pcmuTone(hz[i]);
        }
        stream(packets, 0, legs);
    }

    /**
     * Sends RTP in real time, 20 ms per packet (timestamp step 160, as for G.711 and G.722),
     * one stream per payload source to the answered m-lines in order, starting together.
     * The second stream's sequence number and timestamp wrap during the call.
     */
    /** Our RTP sockets, one per stream, kept for the whole call as a real SRC keeps its ports. */
    final List<DatagramSocket> rtpSockets = new ArrayList<>();

    /** RTP timestamp units per 20 ms packet sent by {@link #stream}: 160 at 8 kHz. */
    int timestampStep = 160;

    void stream(int packets, int payloadType, Payloads... legs) throws IOException {
        List<DatagramSocket> sockets = rtpSockets;
        {
            while (sockets.size() < legs.length) {
                sockets.add(new DatagramSocket(new InetSocketAddress(local, 0)));
            }
            long start = System.nanoTime();
            byte[] pkt = new byte[1500];
            int before = continueStreams ? streamed : 0;
            for (int k = 0; k < packets; k++) {
                for (int s = 0; s < legs.length; s++) {
                    int seq = ((s == 0 ? 1000 : 65500) + before + k) & 0xFFFF;
                    long ts = ((s == 0 ? 1_048_576L : 0xFFFFFFFFL - 800) + (long) timestampStep * (before + k))
                            & 0xFFFFFFFFL;
                    pkt[0] = (byte) 0x80;
                    pkt[1] = (byte) ((k == 0 ? 0x80 : 0) | payloadType);
                    pkt[2] = (byte) (seq >> 8);
                    pkt[3] = (byte) seq;
                    for (int j = 0; j < 4; j++) {
                        pkt[4 + j] = (byte) (ts >> (24 - 8 * j));
                        pkt[8 + j] = (byte) ((0x11000000 * (s + 1)) >> (24 - 8 * j));
                    }
                    int length = 12 + legs[s].write(k, pkt, 12);
                    if (srtp != null && srtp[s] != null) {
                        io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer(length + 32).writeBytes(pkt, 0, length);
                        srtp[s].protectRtp(b);
                        length = b.readableBytes();
                        b.readBytes(pkt, 0, length);
                        b.release();
                    }
                    sockets.get(s).send(new DatagramPacket(pkt, length, server.getAddress(), rtpPorts[s]));
                }
                long next = start + (k + 1) * 20_000_000L;
                LockSupport.parkNanos(next - System.nanoTime());
            }
            streamed = before + packets;
        }
    }

    /**
     * One RTP packet of a stream: its timestamp offset from the stream's first (8 kHz), the
     * timestamp units it covers, and its payload.
     */
    record Timed(long tsOffset, long duration, byte[] payload) {
    }

    /**
     * Sends each stream's packets in real time at the moment their timestamps say (8 kHz clock),
     * with consecutive sequence numbers: a timestamp gap is silence suppression, not loss. The
     * marker bit is set on the first packet and on the first after each gap (RFC 3551 §4.1).
     */
    void streamTimed(int payloadType, List<List<Timed>> legs) throws IOException {
        streamTimed(payloadType, legs, 8000);
    }

    /**
     * As {@link #streamTimed(int, List)} with timestamps in units of {@code clockRate}; a
     * {@link Timed} without payload is a lost packet: its sequence number is skipped.
     */
    void streamTimed(int payloadType, List<List<Timed>> legs, int clockRate) throws IOException {
        while (rtpSockets.size() < legs.size()) {
            rtpSockets.add(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        }
        int[] next = new int[legs.size()];
        long[] expectedTs = new long[legs.size()];
        java.util.Arrays.fill(expectedTs, -1);
        long start = System.nanoTime();
        byte[] pkt = new byte[1500];
        while (true) {
            int s = -1;
            for (int i = 0; i < legs.size(); i++) {
                if (next[i] < legs.get(i).size()
                        && (s < 0 || legs.get(i).get(next[i]).tsOffset() < legs.get(s).get(next[s]).tsOffset())) {
                    s = i;
                }
            }
            if (s < 0) {
                return;
            }
            Timed t = legs.get(s).get(next[s]);
            if (t.payload() == null) {
                next[s]++; // lost on the way: never sent
                continue;
            }
            LockSupport.parkNanos(start + t.tsOffset() * 1_000_000_000L / clockRate - System.nanoTime());
            int seq = (s == 0 ? 1000 : 65500) + next[s];
            long ts = (s == 0 ? 1_048_576L : 0xFFFFFFFFL - 800) + t.tsOffset();
            pkt[0] = (byte) 0x80;
            pkt[1] = (byte) ((t.tsOffset() != expectedTs[s] ? 0x80 : 0) | payloadType);
            pkt[2] = (byte) (seq >> 8);
            pkt[3] = (byte) seq;
            for (int j = 0; j < 4; j++) {
                pkt[4 + j] = (byte) (ts >> (24 - 8 * j));
                pkt[8 + j] = (byte) ((0x11000000 * (s + 1)) >> (24 - 8 * j));
            }
            System.arraycopy(t.payload(), 0, pkt, 12, t.payload().length);
            rtpSockets.get(s).send(new DatagramPacket(pkt, 12 + t.payload().length, server.getAddress(), rtpPorts[s]));
            expectedTs[s] = t.tsOffset() + t.duration();
            next[s]++;
        }
    }

    /** Reads whatever else arrives for a while (200 retransmissions and the like). */
    List<SipResponse> drain(int millis) throws Exception {
        List<SipResponse> got = new ArrayList<>();
        if (tcp) {
            return got;
        }
        udp.setSoTimeout(millis);
        try {
            while (true) {
                got.add(receive());
            }
        } catch (SocketTimeoutException done) {
            udp.setSoTimeout(5000);
        }
        return got;
    }

    @Override
    public void close() throws IOException {
        rtpSockets.forEach(DatagramSocket::close);
        if (udp != null) {
            udp.close();
        }
        if (socket != null) {
            socket.close();
        }
    }
}
