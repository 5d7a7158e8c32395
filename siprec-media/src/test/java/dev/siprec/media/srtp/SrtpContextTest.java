package dev.siprec.media.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Known answers from the specifications: RFC 3711 Appendix B.2 (AES-CM keystream) and B.3
 * (key derivation), libsrtp's SRTP/SRTCP self-test packets for AES_CM_128_HMAC_SHA1_80
 * (the master key of B.3), and RFC 7714 §16-17 (AES-GCM SRTP and SRTCP, given session keys).
 * Then what a recorder meets: tampering, replay, a wrong key, sequence wrap.
 */
class SrtpContextTest {

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", "").replace("\n", ""));
    }

    static ByteBuf buf(String hexText) {
        byte[] b = hex(hexText);
        ByteBuf out = Unpooled.buffer(b.length + 64);
        out.writeBytes(b);
        return out;
    }

    static String text(ByteBuf b) {
        String s = ByteBufUtil.hexDump(b);
        b.release();
        return s;
    }

    static final byte[] B3_KEY = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
    static final byte[] B3_SALT = hex("0EC675AD498AFEEBB6960B3AABE6");

    @Test
    void rfc3711AppendixB2AesCounterModeKeystream() {
        byte[] counter = hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        byte[] data = new byte[48];
        new AesBlocks(hex("2B7E151628AED2A6ABF7158809CF4F3C")).xorKeystream(counter, data, 0, 48, new byte[48]);
        assertThat(data).isEqualTo(hex("E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB"
                + "41E95B3BB0A2E8DD477901E4FCA894C0"));
    }

    @Test
    void rfc3711AppendixB3KeyDerivation() {
        assertThat(SrtpContext.derive(B3_KEY, B3_SALT, 0, 16)).isEqualTo(hex("C61E7A93744F39EE10734AFE3FF7A087"));
        assertThat(SrtpContext.derive(B3_KEY, B3_SALT, 2, 14)).isEqualTo(hex("30CBBC08863D8C85D49DB34A9AE1"));
        assertThat(SrtpContext.derive(B3_KEY, B3_SALT, 1, 20))
                .isEqualTo(hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"));
    }

    static final String LIBSRTP_RTP_PLAIN = "800f1234decafbadcafebabeabababababababababababababababab";
    static final String LIBSRTP_RTP_PROTECTED = "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb";

    @Test
    void libsrtpKnownAnswerForAesCm128HmacSha180() {
        SrtpContext in = SrtpContext.inbound(SrtpParameters.of(SrtpSuite.AES_CM_128_HMAC_SHA1_80, B3_KEY, B3_SALT));
        ByteBuf p = buf(LIBSRTP_RTP_PROTECTED);
        assertThat(in.unprotectRtp(p)).isEqualTo(SrtpContext.Result.OK);
        assertThat(text(p)).isEqualTo(LIBSRTP_RTP_PLAIN);
        ByteBuf again = buf(LIBSRTP_RTP_PROTECTED);
        assertThat(in.unprotectRtp(again)).isEqualTo(SrtpContext.Result.REPLAYED);
        assertThat(text(again)).isEqualTo(LIBSRTP_RTP_PROTECTED); // untouched
    }

    @Test
    void libsrtpKnownAnswerForSrtcpBothWays() {
        String plain = "81c8000bcafebabeabababababababababababababababab";
        String protectedRtcp = "81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798";
        SrtpParameters p = SrtpParameters.of(SrtpSuite.AES_CM_128_HMAC_SHA1_80, B3_KEY, B3_SALT);
        SrtpContext out = SrtpContext.outbound(p);
        out.nextRtcpIndex(1);
        ByteBuf b = buf(plain);
        out.protectRtcp(b);
        assertThat(ByteBufUtil.hexDump(b)).isEqualTo(protectedRtcp);
        SrtpContext in = SrtpContext.inbound(p);
        assertThat(in.unprotectRtcp(b)).isEqualTo(SrtpContext.Result.OK);
        assertThat(text(b)).isEqualTo(plain);
    }

    // RFC 7714 §16: the session key and salt are given; as master values they would be derived,
    // so these vectors drive the transform through a context whose session keys equal them
    static final String GCM_PLAIN = "8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120"
            + "696e207061727465732074726573";

    @Test
    void rfc7714Section16AesGcmSrtp() {
        String p128 = "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b"
                + "36de3adf8833899d7f27beb16a9152cf765ee4390cce";
        String p256 = "8040f17b8041f8d35501a0b232b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f"
                + "1ba63799b87b7aa3db36dfffd6b0f9bb7878d7a76c13";
        SrtpContext c128 = SrtpContext.withSessionKeys(SrtpSuite.AEAD_AES_128_GCM, hex("000102030405060708090a0b0c0d0e0f"),
                hex("517569642070726f2071756f"));
        ByteBuf b = buf(p128);
        assertThat(c128.unprotectRtp(b)).isEqualTo(SrtpContext.Result.OK);
        assertThat(text(b)).isEqualTo(GCM_PLAIN);
        SrtpContext c256 = SrtpContext.withSessionKeys(SrtpSuite.AEAD_AES_256_GCM,
                hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), hex("517569642070726f2071756f"));
        ByteBuf b2 = buf(p256);
        assertThat(c256.unprotectRtp(b2)).isEqualTo(SrtpContext.Result.OK);
        assertThat(text(b2)).isEqualTo(GCM_PLAIN);
        ByteBuf tampered = buf(p256);
        tampered.setByte(20, tampered.getByte(20) ^ 1);
        SrtpContext fresh = SrtpContext.withSessionKeys(SrtpSuite.AEAD_AES_256_GCM,
                hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), hex("517569642070726f2071756f"));
        assertThat(fresh.unprotectRtp(tampered)).isEqualTo(SrtpContext.Result.UNAUTHENTICATED);
        tampered.release();
    }

    static final String GCM_RTCP = "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61"
            + "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef";

    @Test
    void rfc7714Section17AesGcmSrtcp() {
        byte[] salt = hex("517569642070726f2071756f");
        SrtpContext c128 = SrtpContext.withSessionKeys(SrtpSuite.AEAD_AES_128_GCM, hex("000102030405060708090a0b0c0d0e0f"),
                salt);
        c128.nextRtcpIndex(0x5d4);
        ByteBuf b = buf(GCM_RTCP);
        c128.protectRtcp(b);
        assertThat(ByteBufUtil.hexDump(b)).isEqualTo("81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32d"
                + "c676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4");
        assertThat(c128.unprotectRtcp(b)).isEqualTo(SrtpContext.Result.OK);
        assertThat(text(b)).isEqualTo(GCM_RTCP);
        // §17.2: AES-256, verification and decryption
        SrtpContext c256 = SrtpContext.withSessionKeys(SrtpSuite.AEAD_AES_256_GCM,
                hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), salt);
        ByteBuf e = buf("81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be8415f658"
                + "c61de0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4");
        assertThat(c256.unprotectRtcp(e)).isEqualTo(SrtpContext.Result.OK);
        assertThat(text(e)).isEqualTo(GCM_RTCP);
        // §17.4: AES-256, authenticated only (E = 0)
        SrtpContext a256 = SrtpContext.withSessionKeys(SrtpSuite.AEAD_AES_256_GCM,
                hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), salt);
        ByteBuf t = buf(GCM_RTCP + "91db4afbfeee5a978fab4393ed2615fe000005d4");
        assertThat(a256.unprotectRtcp(t)).isEqualTo(SrtpContext.Result.OK);
        assertThat(text(t)).isEqualTo(GCM_RTCP);
    }

    // --- what a recorder meets ---

    static ByteBuf rtp(int seq, int ssrc, int payloadBytes) {
        ByteBuf b = Unpooled.buffer(12 + payloadBytes + 64);
        b.writeByte(0x80).writeByte(0).writeShort(seq).writeInt(seq * 160).writeInt(ssrc);
        for (int i = 0; i < payloadBytes; i++) {
            b.writeByte((seq + i) & 0xFF);
        }
        return b;
    }

    static SrtpParameters key(SrtpSuite suite, int seed) {
        byte[] k = new byte[suite.keyLength()];
        byte[] salt = new byte[suite.saltLength()];
        java.util.Random r = new java.util.Random(seed);
        r.nextBytes(k);
        r.nextBytes(salt);
        return SrtpParameters.of(suite, k, salt);
    }

    @Test
    void everySuiteRoundTripsAndRejectsTamperingReplayAndAnotherKey() {
        for (SrtpSuite suite : SrtpSuite.values()) {
            SrtpParameters p = key(suite, 7);
            SrtpContext sender = SrtpContext.outbound(p);
            SrtpContext receiver = SrtpContext.inbound(p);
            SrtpContext wrongKey = SrtpContext.inbound(key(suite, 8));
            for (int seq = 100; seq < 110; seq++) {
                ByteBuf plain = rtp(seq, 0x1234, 160);
                ByteBuf wire = rtp(seq, 0x1234, 160);
                sender.protectRtp(wire);
                assertThat(wire.readableBytes()).as(suite.name()).isEqualTo(172 + suite.srtpTagLength());
                ByteBuf copy = wire.copy();
                ByteBuf tampered = wire.copy();
                tampered.setByte(40, tampered.getByte(40) ^ 0x10);
                assertThat(receiver.unprotectRtp(tampered)).as(suite.name()).isEqualTo(SrtpContext.Result.UNAUTHENTICATED);
                assertThat(wrongKey.unprotectRtp(copy.copy())).isEqualTo(SrtpContext.Result.UNAUTHENTICATED);
                assertThat(receiver.unprotectRtp(wire)).as(suite.name()).isEqualTo(SrtpContext.Result.OK);
                assertThat(ByteBufUtil.equals(wire, plain)).as(suite.name()).isTrue();
                assertThat(receiver.unprotectRtp(copy)).isEqualTo(SrtpContext.Result.REPLAYED);
                for (ByteBuf b : new ByteBuf[] {plain, wire, copy, tampered}) {
                    b.release();
                }
            }
            // our RTCP, protected, reads back with the same key (the SRC's side of it)
            ByteBuf rr = Unpooled.buffer(128).writeBytes(hex("81c90007deadbeef12345678000000000000000000000000"
                    + "0000000000000000"));
            ByteBuf plainRr = rr.copy();
            sender.protectRtcp(rr);
            assertThat(SrtpContext.inbound(p).unprotectRtcp(rr)).isEqualTo(SrtpContext.Result.OK);
            assertThat(ByteBufUtil.equals(rr, plainRr)).isTrue();
            rr.release();
            plainRr.release();
        }
    }

    @Test
    void theRolloverCounterFollowsTheSequenceAcrossTheWrapEvenReordered() {
        SrtpParameters p = key(SrtpSuite.AES_CM_128_HMAC_SHA1_80, 1);
        SrtpContext sender = SrtpContext.outbound(p);
        SrtpContext receiver = SrtpContext.inbound(p);
        java.util.List<ByteBuf> wire = new java.util.ArrayList<>();
        for (int i = 0; i < 140_000; i++) { // three wraps
            ByteBuf b = rtp((65_000 + i) & 0xFFFF, 99, 20);
            sender.protectRtp(b);
            wire.add(b);
        }
        // swap neighbours around each wrap: a packet of the old cycle arrives after one of the new
        for (int i = 535; i < wire.size() - 1; i += 65_536) {
            java.util.Collections.swap(wire, i, i + 1);
        }
        int ok = 0;
        for (ByteBuf b : wire) {
            if (receiver.unprotectRtp(b) == SrtpContext.Result.OK) {
                ok++;
            }
            b.release();
        }
        assertThat(ok).isEqualTo(140_000);
        assertThat(receiver.rolloverCounter()).isEqualTo(3); // wrapped at 65,536, 131,072, 196,608 packets from 0
    }

    @Test
    void aPacketOlderThanTheReplayWindowIsRefusedAndOneInsideItIsTakenOnce() {
        SrtpParameters p = key(SrtpSuite.AEAD_AES_128_GCM, 3);
        SrtpContext sender = SrtpContext.outbound(p);
        SrtpContext receiver = SrtpContext.inbound(p);
        ByteBuf[] wire = new ByteBuf[200];
        for (int i = 0; i < wire.length; i++) {
            wire[i] = rtp(1000 + i, 5, 10);
            sender.protectRtp(wire[i]);
        }
        assertThat(receiver.unprotectRtp(wire[199].copy())).isEqualTo(SrtpContext.Result.OK);
        assertThat(receiver.unprotectRtp(wire[199 - 64].copy())).isEqualTo(SrtpContext.Result.REPLAYED); // too old
        assertThat(receiver.unprotectRtp(wire[199 - 63].copy())).isEqualTo(SrtpContext.Result.OK); // late, in window
        assertThat(receiver.unprotectRtp(wire[199 - 63].copy())).isEqualTo(SrtpContext.Result.REPLAYED);
        for (ByteBuf b : wire) {
            b.release();
        }
    }

    @Test
    void anMkiIsCheckedAndCutOffAndUnencryptedSrtpOnlyAuthenticates() {
        SrtpParameters withMki = new SrtpParameters(SrtpSuite.AES_CM_128_HMAC_SHA1_32, new byte[16], new byte[14],
                new byte[] {0, 0, 0, 1}, SrtpParameters.MAX_LIFETIME, false, true, true);
        SrtpContext sender = SrtpContext.outbound(withMki);
        ByteBuf wire = rtp(1, 1, 30);
        sender.protectRtp(wire);
        assertThat(wire.readableBytes()).isEqualTo(42 + 4 + 4);
        assertThat(wire.getByte(12)).isEqualTo((byte) 1); // UNENCRYPTED_SRTP: the payload in clear
        ByteBuf otherMki = wire.copy();
        otherMki.setByte(42 + 3, 2);
        assertThat(SrtpContext.inbound(withMki).unprotectRtp(otherMki)).isEqualTo(SrtpContext.Result.UNAUTHENTICATED);
        assertThat(SrtpContext.inbound(withMki).unprotectRtp(wire)).isEqualTo(SrtpContext.Result.OK);
        assertThat(wire.readableBytes()).isEqualTo(42);
        wire.release();
        otherMki.release();
    }

    @Test
    void aKeyPastItsLifetimeStopsAndAReKeyCarriesTheRolloverCounterOn() {
        SrtpParameters shortLived = new SrtpParameters(SrtpSuite.AES_CM_128_HMAC_SHA1_80, new byte[16],
                new byte[14], null, 3, true, true, true);
        SrtpContext sender = SrtpContext.outbound(shortLived);
        SrtpContext receiver = SrtpContext.inbound(shortLived);
        for (int i = 0; i < 4; i++) {
            ByteBuf b = rtp(65_534 + i & 0xFFFF, 1, 10);
            sender.protectRtp(b);
            assertThat(receiver.unprotectRtp(b)).isEqualTo(i < 3 ? SrtpContext.Result.OK : SrtpContext.Result.EXPIRED);
            b.release();
        }
        assertThat(receiver.rolloverCounter()).isEqualTo(1); // 65534, 65535, 0
        // re-keyed: the SRC keeps its counter, so must we
        SrtpParameters next = key(SrtpSuite.AES_CM_128_HMAC_SHA1_80, 11);
        SrtpContext sender2 = SrtpContext.outbound(next);
        for (int i = 0; i < 3; i++) { // bring the new sender to ROC 1 as well
            ByteBuf b = rtp(65_534 + i & 0xFFFF, 1, 10);
            sender2.protectRtp(b);
            b.release();
        }
        SrtpContext receiver2 = SrtpContext.inbound(next);
        receiver2.continueFrom(receiver);
        ByteBuf b = rtp(1, 1, 10);
        sender2.protectRtp(b);
        assertThat(receiver2.unprotectRtp(b)).isEqualTo(SrtpContext.Result.OK);
        b.release();
    }

    @Test
    void unprotectingAllocatesNothingPerPacket() {
        SrtpParameters p = key(SrtpSuite.AES_CM_128_HMAC_SHA1_80, 5);
        SrtpContext sender = SrtpContext.outbound(p);
        SrtpContext receiver = SrtpContext.inbound(p);
        ByteBuf[] wire = new ByteBuf[20_000];
        for (int i = 0; i < wire.length; i++) {
            wire[i] = rtp(i & 0xFFFF, 1, 160);
            sender.protectRtp(wire[i]);
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 10_000; i++) { // warm up (the JIT)
            receiver.unprotectRtp(wire[i]);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 10_000; i < 20_000; i++) {
            receiver.unprotectRtp(wire[i]);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated for 10,000 packets").isLessThan(10_000);
        for (ByteBuf b : wire) {
            b.release();
        }
    }
}
