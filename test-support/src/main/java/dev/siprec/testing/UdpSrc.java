package dev.siprec.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SIPREC SRC over UDP on loopback, from plain sockets and strings, for the modules above the
 * core (metrics, examples) that drive a whole recorder: OPTIONS, a multipart INVITE with two
 * labelled PCMU streams and RS-Metadata naming Alice (label 1) and Bob (label 2), ACK, G.711
 * tones paced at 20 ms, and BYE. It answers the recorder's BYE with 200 when it gets one.
 */
public final class UdpSrc implements AutoCloseable {

    private final InetSocketAddress server;
    private final DatagramSocket sip;
    private final DatagramSocket rtp;
    private final String callId = "udpsrc-" + System.nanoTime() + "@127.0.0.1";
    private final String fromTag = "src" + Long.toHexString(System.nanoTime());
    private String toTag;
    private int cseq = 1;
    private final List<Integer> mediaPorts = new ArrayList<>();

    /** An SRC for the recorder listening on {@code server}. */
    public UdpSrc(InetSocketAddress server) throws IOException {
        this.server = server;
        this.sip = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        this.rtp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        sip.setSoTimeout(5000);
    }

    /** The Call-ID of this SRC's recording session. */
    public String callId() {
        return callId;
    }

    /** Sends OPTIONS (outside any dialog); returns the final response's status line and headers. */
    public String options() throws IOException {
        send(request("OPTIONS", cseq++, "z9hG4bK-o" + System.nanoTime(), null, null, false));
        return finalResponse("OPTIONS");
    }

    /** Sends the SIPREC INVITE; returns the final response (the ACK of a non-2xx is sent). */
    public String invite() throws IOException {
        String branch = "z9hG4bK-i" + System.nanoTime();
        String sdp = "v=0\r\no=SRC 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + media(1) + media(2);
        String body = "--b42\r\nContent-Type: application/sdp\r\n\r\n" + sdp
                + "\r\n--b42\r\nContent-Type: application/rs-metadata+xml\r\nContent-Disposition: recording-session\r\n\r\n"
                + METADATA + "\r\n--b42--\r\n";
        int seq = cseq++;
        send(request("INVITE", seq, branch, "multipart/mixed;boundary=b42", body, false));
        String r = finalResponse("INVITE");
        Matcher tag = Pattern.compile("(?m)^To:.*;tag=([^;\\s]+)").matcher(r);
        toTag = tag.find() ? tag.group(1) : null;
        if (status(r) == 200) {
            Matcher m = Pattern.compile("(?m)^m=audio (\\d+)").matcher(r);
            while (m.find()) {
                mediaPorts.add(Integer.parseInt(m.group(1)));
            }
            send(request("ACK", seq, "z9hG4bK-a" + System.nanoTime(), null, null, true));
        } else {
            send(request("ACK", seq, branch, null, null, true));
        }
        return r;
    }

    /** {@code packets} 20 ms PCMU packets on each stream, tones of {@code hz[i]}, paced in real time. */
    public void streamTones(int packets, double... hz) throws IOException, InterruptedException {
        long start = System.nanoTime();
        for (int p = 0; p < packets; p++) {
            for (int s = 0; s < mediaPorts.size() && s < hz.length; s++) {
                byte[] pkt = new byte[12 + 160];
                pkt[0] = (byte) 0x80;
                pkt[1] = 0; // PCMU
                pkt[2] = (byte) (p >> 8);
                pkt[3] = (byte) p;
                int ts = p * 160;
                pkt[4] = (byte) (ts >> 24);
                pkt[5] = (byte) (ts >> 16);
                pkt[6] = (byte) (ts >> 8);
                pkt[7] = (byte) ts;
                pkt[11] = (byte) (s + 1); // SSRC 1, 2
                for (int i = 0; i < 160; i++) {
                    double v = 8000 * Math.sin(2 * Math.PI * hz[s] * (p * 160 + i) / 8000.0);
                    pkt[12 + i] = ulaw((int) v);
                }
                rtp.send(new DatagramPacket(pkt, pkt.length, new InetSocketAddress(server.getAddress(),
                        mediaPorts.get(s))));
            }
            long due = start + (p + 1) * 20_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }

    /** Sends BYE; returns its final status. */
    public int bye() throws IOException {
        send(request("BYE", cseq++, "z9hG4bK-b" + System.nanoTime(), null, null, true));
        return status(finalResponse("BYE"));
    }

    /** The status code of a response's text. */
    public static int status(String response) {
        return Integer.parseInt(response.substring(8, 11));
    }

    /** A header's value in a response's text, or null. */
    public static String header(String response, String name) {
        Matcher m = Pattern.compile("(?mi)^" + Pattern.quote(name) + ":\\s*(.*?)\\r?$").matcher(response);
        return m.find() ? m.group(1) : null;
    }

    private String media(int label) {
        return "m=audio " + (rtp.getLocalPort()) + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendonly\r\na=label:"
                + label + "\r\n";
    }

    private String request(String method, int seq, String branch, String contentType, String body, boolean inDialog) {
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return method + " sip:srs@" + server.getAddress().getHostAddress() + ":" + server.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + sip.getLocalPort() + ";branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:src@127.0.0.1>;tag=" + fromTag + "\r\n"
                + "To: <sip:srs@127.0.0.1>" + (inDialog && toTag != null ? ";tag=" + toTag : "") + "\r\n"
                + "Call-ID: " + (method.equals("OPTIONS") ? "opt-" + branch : callId) + "\r\n"
                + "CSeq: " + seq + " " + method + "\r\n"
                + "Contact: <sip:src@127.0.0.1:" + sip.getLocalPort() + ">;+sip.src\r\n"
                + (method.equals("INVITE") ? "Require: siprec\r\n" : "")
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\nMIME-Version: 1.0\r\n")
                + "Content-Length: " + b.length + "\r\n\r\n" + (body == null ? "" : body);
    }

    private void send(String message) throws IOException {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        sip.send(new DatagramPacket(b, b.length, server));
    }

    /** The final response to {@code method}; a BYE from the recorder meanwhile is answered 200. */
    private String finalResponse(String method) throws IOException {
        byte[] buf = new byte[65535];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            sip.receive(p);
            String m = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            if (m.startsWith("BYE ")) {
                answer(m, p);
                continue;
            }
            if (m.startsWith("SIP/2.0 ") && status(m) >= 200 && m.matches("(?s).*\\nCSeq: *\\d+ " + method + "\\r?\\n.*")) {
                return m;
            }
        }
    }

    /** Waits for the recorder's BYE (it ended the session) and answers it. */
    public void awaitBye() throws IOException {
        byte[] buf = new byte[65535];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            sip.receive(p);
            String m = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            if (m.startsWith("BYE ")) {
                answer(m, p);
                return;
            }
        }
    }

    private void answer(String request, DatagramPacket from) throws IOException {
        StringBuilder r = new StringBuilder("SIP/2.0 200 OK\r\n");
        for (String line : request.split("\r\n")) {
            String l = line.toLowerCase(java.util.Locale.ROOT);
            if (l.startsWith("via:") || l.startsWith("from:") || l.startsWith("to:") || l.startsWith("call-id:")
                    || l.startsWith("cseq:")) {
                r.append(line).append("\r\n");
            }
            if (line.isEmpty()) {
                break;
            }
        }
        r.append("Content-Length: 0\r\n\r\n");
        byte[] b = r.toString().getBytes(StandardCharsets.UTF_8);
        sip.send(new DatagramPacket(b, b.length, from.getSocketAddress()));
    }

    /** G.711 mu-law of a 16-bit sample (ITU-T G.711 §2, the segment encoding). */
    static byte ulaw(int sample) {
        int sign = sample < 0 ? 0x80 : 0;
        int magnitude = Math.min(Math.abs(sample), 32635) + 0x84;
        int exponent = 7;
        for (int mask = 0x4000; (magnitude & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (magnitude >> (exponent + 3)) & 0x0F;
        return (byte) ~(sign | exponent << 4 | mantissa);
    }

    /** RS-Metadata: Alice sends label 1, Bob label 2. */
    static final String METADATA = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
            + "<recording xmlns=\"urn:ietf:params:xml:ns:recording:1\"><datamode>complete</datamode>"
            + "<session session_id=\"s1\"/>"
            + "<participant participant_id=\"a\"><nameID aor=\"sip:alice@example.com\"><name>Alice</name></nameID></participant>"
            + "<participant participant_id=\"b\"><nameID aor=\"sip:bob@example.net\"><name>Bob</name></nameID></participant>"
            + "<stream stream_id=\"st1\" session_id=\"s1\"><label>1</label></stream>"
            + "<stream stream_id=\"st2\" session_id=\"s1\"><label>2</label></stream>"
            + "<participantstreamassoc participant_id=\"a\"><send>st1</send></participantstreamassoc>"
            + "<participantstreamassoc participant_id=\"b\"><send>st2</send></participantstreamassoc>"
            + "</recording>";

    @Override
    public void close() {
        sip.close();
        rtp.close();
    }
}
