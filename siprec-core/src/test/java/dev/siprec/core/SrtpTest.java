package dev.siprec.core;

import static dev.siprec.testing.Signals.firstSound;
import static dev.siprec.testing.Signals.power;
import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.media.srtp.SrtpContext;
import dev.siprec.media.srtp.SrtpParameters;
import dev.siprec.media.srtp.SrtpSuite;
import dev.siprec.sip.message.SipResponse;
import dev.siprec.sip.sdp.MediaDescription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SRTP with SDES keys (RFC 3711, RFC 4568, RFC 7714) through a real server: the answer's
 * choice of crypto line and key, decryption into the recording, the policy, tampered,
 * replayed and wrong-key packets, our SRTCP receiver reports, re-keying by re-INVITE.
 */
class SrtpTest extends RecordingServerTest {


    void start(SiprecServer.Srtp policy) throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = SiprecServer.builder().sip(Transport.UDP, any).rtpPortRange(42000, 42999).sampleRate(8000)
                .listener(recorder).threads(2).jitterDelay(Duration.ofMillis(200)).srtp(policy).start();
    }

    static final String KEY_CM = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"; // 30 octets
    static final String KEY_GCM_A = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYg=="; // 28 octets
    static final String KEY_GCM_B = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NQ=="; // 28 octets

    /** Two m-lines; each offers the 32-bit-tag suite first and GCM second, with its own key. */
    static String secureOffer(String proto2, String gcmKey2) {
        StringBuilder sb = new StringBuilder("v=0\r\no=SBC 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n");
        String[] labels = {"1", "2"};
        String[] keys = {KEY_GCM_A, gcmKey2};
        String[] protos = {"RTP/SAVP", proto2};
        for (int i = 0; i < 2; i++) {
            sb.append("m=audio ").append(30000 + 2 * i).append(' ').append(protos[i]).append(" 0 101\r\n")
                    .append("a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n");
            if (protos[i].contains("SAVP")) {
                sb.append("a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:").append(KEY_CM).append("|2^31\r\n")
                        .append("a=crypto:2 AEAD_AES_128_GCM inline:").append(keys[i]).append("\r\n")
                        .append("a=crypto:3 F8_128_HMAC_SHA1_80 inline:").append(KEY_CM).append("\r\n");
            }
            sb.append("a=sendonly\r\na=label:").append(labels[i]).append("\r\n");
        }
        return sb.toString();
    }

    static SrtpParameters gcm(String base64) {
        byte[] m = Base64.getDecoder().decode(base64);
        return SrtpParameters.of(SrtpSuite.AEAD_AES_128_GCM, java.util.Arrays.copyOf(m, 16),
                java.util.Arrays.copyOfRange(m, 16, 28));
    }

    /** The parameters our answer's {@code a=crypto} gives (what we protect our RTCP with). */
    static SrtpParameters answered(MediaDescription m) {
        String[] f = m.attributeValue("crypto").split(" ");
        assertThat(f[0]).isEqualTo("2"); // the tag of the line taken
        assertThat(f[1]).isEqualTo("AEAD_AES_128_GCM"); // the strongest we take
        return gcm(f[2].substring("inline:".length()));
    }

    @Test
    void recordsBothLegsOfAnSrtpCallAndDropsWhatDoesNotAuthenticate() throws Exception {
        start(SiprecServer.Srtp.OPTIONAL);
        try (TestSrc src = new TestSrc(server.sipAddresses(Transport.UDP).get(0), false)) {
            SipResponse ok = src.invite("multipart/mixed;boundary=boundary42",
                    TestSrc.multipart(secureOffer("RTP/SAVP", KEY_GCM_B), TestSrc.METADATA));
            assertThat(ok.statusCode()).isEqualTo(200);
            List<MediaDescription> m = src.answer.media();
            assertThat(m).extracting(MediaDescription::proto).containsExactly("RTP/SAVP", "RTP/SAVP");
            SrtpParameters ours0 = answered(m.get(0));
            SrtpParameters ours1 = answered(m.get(1));
            assertThat(ours0.masterKey()).isNotEqualTo(gcm(KEY_GCM_A).masterKey()); // our own, fresh keys
            assertThat(ours0.masterKey()).isNotEqualTo(ours1.masterKey());
            src.ack();
            src.srtp = new SrtpContext[] {SrtpContext.outbound(gcm(KEY_GCM_A)), SrtpContext.outbound(gcm(KEY_GCM_B))};
            // our receiver report comes over SRTCP under our answer's key, to the SRC's RTP port + 1,
            // 2.5 s after the stream's first packet
            DatagramSocket rtcp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            src.rtpSockets.add(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    rtcp.getLocalPort() - 1)));
            src.rtpSockets.add(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
            rtcp.setSoTimeout(5000);
            src.streamTones(150, 440, 1000);
            // then per leg, going on where the tones stopped: a packet, its replay, a tampered one,
            // and one under the other leg's key
            for (int leg = 0; leg < 2; leg++) {
                int seq = ((leg == 0 ? 1000 : 65500) + 150) & 0xFFFF;
                long ts = ((leg == 0 ? 1_048_576L : 0xFFFFFFFFL - 800) + 160L * 150) & 0xFFFFFFFFL;
                int ssrc = 0x11000000 * (leg + 1);
                byte[] good = packet(src.srtp[leg], seq, ts, ssrc);
                byte[] tampered = packet(src.srtp[leg], seq + 1, ts + 160, ssrc);
                tampered[20] ^= 0x01;
                byte[] wrong = packet(SrtpContext.outbound(gcm(leg == 0 ? KEY_GCM_B : KEY_GCM_A)), seq + 2, ts + 320, ssrc);
                for (byte[] p : new byte[][] {good, good, tampered, wrong}) {
                    src.rtpSockets.get(leg).send(new DatagramPacket(p, p.length, InetAddress.getLoopbackAddress(),
                            src.rtpPorts[leg]));
                }
            }
            byte[] in = new byte[1500];
            DatagramPacket report = new DatagramPacket(in, in.length);
            rtcp.receive(report);
            rtcp.close();
            ByteBuf rr = Unpooled.wrappedBuffer(in, 0, report.getLength());
            assertThat((int) rr.getUnsignedByte(1)).isEqualTo(201); // a receiver report; its header in clear
            assertThat(SrtpContext.inbound(ours0).unprotectRtcp(rr)).isEqualTo(SrtpContext.Result.OK);
            assertThat(rr.getInt(8)).as("reporting on leg A's SSRC").isEqualTo(0x11000000);
            recorder.awaitPlayedOut(recorder.last());
            assertThat(src.bye().statusCode()).isEqualTo(200);
        }
        RecordingSession s = recorder.last();
        s.ended().get(10, java.util.concurrent.TimeUnit.SECONDS);
        short[][] a = recorder.audio.get(s.id());
        int from = Math.max(firstSound(a[0]), firstSound(a[1])) + 400;
        // Bob sends label 2 (1000 Hz) and comes first in the metadata: channel 0
        assertThat(power(a[0], from, 8000, 1000, 8000)).isGreaterThan(1000 * power(a[0], from, 8000, 440, 8000));
        assertThat(power(a[1], from, 8000, 440, 8000)).isGreaterThan(1000 * power(a[1], from, 8000, 1000, 8000));
        for (int c = 0; c < 2; c++) {
            assertThat(s.stats(c).packetsReceived()).as("channel " + c).isEqualTo(151); // 150 tones + 1
            assertThat(s.stats(c).packetsUnauthenticated()).as("tampered and wrong key").isEqualTo(2);
            assertThat(s.stats(c).packetsDuplicate()).as("the replay").isEqualTo(1);
        }
        assertThat(s.srtpSuite(0)).isEqualTo("AEAD_AES_128_GCM");
        assertThat(s.endReason()).isEqualTo(EndReason.BYE);
    }

    /** A protected PCMU packet of silence. */
    static byte[] packet(SrtpContext sender, int seq, long ts, int ssrc) {
        ByteBuf b = Unpooled.buffer(256);
        b.writeByte(0x80).writeByte(0).writeShort(seq).writeInt((int) ts).writeInt(ssrc);
        for (int i = 0; i < 160; i++) {
            b.writeByte(0xFF);
        }
        sender.protectRtp(b);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        return out;
    }

    @Test
    void thePolicyDecidesWhatIsTakenAndSaysWhyWhenNothingIs() throws Exception {
        start(SiprecServer.Srtp.REQUIRED);
        try (TestSrc src = new TestSrc(server.sipAddresses(Transport.UDP).get(0), false)) {
            SipResponse refused = src.invite("multipart/mixed;boundary=boundary42",
                    TestSrc.multipart(TestSrc.offer("1", "2"), TestSrc.METADATA));
            assertThat(refused.statusCode()).isEqualTo(488);
            assertThat(refused.reasonPhrase()).contains("requires SRTP");
            assertThat(refused.header("Warning")).startsWith("305 ");
        }
        try (TestSrc src = new TestSrc(server.sipAddresses(Transport.UDP).get(0), false)) {
            // mixed: the SRTP stream is taken, the RTP one declined with port 0
            SipResponse ok = src.invite("multipart/mixed;boundary=boundary42",
                    TestSrc.multipart(secureOffer("RTP/AVP", KEY_GCM_B), TestSrc.METADATA));
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(src.answer.media().get(0).port()).isPositive();
            assertThat(src.answer.media().get(1).port()).isZero();
            src.ack();
            src.bye();
        }
        server.close();
        start(SiprecServer.Srtp.OFF);
        try (TestSrc src = new TestSrc(server.sipAddresses(Transport.UDP).get(0), false)) {
            SipResponse refused = src.invite("multipart/mixed;boundary=boundary42",
                    TestSrc.multipart(secureOffer("RTP/SAVP", KEY_GCM_B), TestSrc.METADATA));
            assertThat(refused.statusCode()).isEqualTo(488);
            assertThat(refused.reasonPhrase()).contains("SRTP is off");
        }
        server.close();
        start(SiprecServer.Srtp.OPTIONAL);
        try (TestSrc src = new TestSrc(server.sipAddresses(Transport.UDP).get(0), false)) {
            // nothing we take: an unknown suite, a bad key length, an unknown session parameter
            String offer = secureOffer("RTP/SAVP", KEY_GCM_B).replaceAll("a=crypto:1 [^\\r]*\\r\\n", "")
                    .replace("a=crypto:2 AEAD_AES_128_GCM inline:" + KEY_GCM_A, "a=crypto:2 AEAD_AES_128_GCM inline:QUJD")
                    .replace("a=crypto:2 AEAD_AES_128_GCM inline:" + KEY_GCM_B,
                            "a=crypto:2 AEAD_AES_128_GCM inline:" + KEY_GCM_B + " FEC_KEY=x");
            SipResponse refused = src.invite("multipart/mixed;boundary=boundary42",
                    TestSrc.multipart(offer, TestSrc.METADATA));
            assertThat(refused.statusCode()).isEqualTo(488);
            assertThat(refused.reasonPhrase()).contains("not supported");
        }
    }

    @Test
    void aReInviteWithANewKeyReKeysTheStreamAndTheRecordingGoesOn() throws Exception {
        start(SiprecServer.Srtp.OPTIONAL);
        try (TestSrc src = new TestSrc(server.sipAddresses(Transport.UDP).get(0), false)) {
            assertThat(src.invite("multipart/mixed;boundary=boundary42",
                    TestSrc.multipart(secureOffer("RTP/SAVP", KEY_GCM_B), TestSrc.METADATA)).statusCode()).isEqualTo(200);
            String ourLine0 = src.answer.media().get(0).attributeValue("crypto");
            String ourLine1 = src.answer.media().get(1).attributeValue("crypto");
            src.ack();
            src.continueStreams = true;
            src.srtp = new SrtpContext[] {SrtpContext.outbound(gcm(KEY_GCM_A)), SrtpContext.outbound(gcm(KEY_GCM_B))};
            src.streamTones(50, 440, 1000);
            // the same offer again: nothing changes, our keys stay
            assertThat(src.reInvite(secureOffer("RTP/SAVP", KEY_GCM_B)).statusCode()).isEqualTo(200);
            assertThat(src.answer.media().get(0).attributeValue("crypto")).isEqualTo(ourLine0);
            // leg B gets a new key (leg A keeps its own); its sender keeps counting, so does the recorder
            String newKey = Base64.getEncoder().encodeToString("a fresh key and salt for B!!".getBytes());
            assertThat(src.reInvite(secureOffer("RTP/SAVP", newKey)).statusCode()).isEqualTo(200);
            assertThat(src.answer.media().get(1).attributeValue("crypto")).as("our key stays").isEqualTo(ourLine1);
            SrtpContext rekeyed = SrtpContext.outbound(gcm(newKey));
            rekeyed.continueFrom(src.srtp[1]); // (the sending side's own counter)
            src.srtp[1] = rekeyed;
            src.streamTones(50, 440, 1000);
            recorder.awaitPlayedOut(recorder.last());
            src.bye();
        }
        RecordingSession s = recorder.last();
        s.ended().get(10, java.util.concurrent.TimeUnit.SECONDS);
        for (int c = 0; c < 2; c++) {
            assertThat(s.stats(c).packetsReceived()).as("channel " + c + ": " + s.stats(c)).isEqualTo(100);
            assertThat(s.stats(c).packetsUnauthenticated()).as("channel " + c).isZero();
        }
    }
}
