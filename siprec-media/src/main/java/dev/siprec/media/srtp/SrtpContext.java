package dev.siprec.media.srtp;

import io.netty.buffer.ByteBuf;

/**
 * One direction of one SRTP stream (RFC 3711): the session keys derived from an SDES master
 * key, the rollover counter and replay window of the sender's packets, and the transforms.
 * {@link #inbound} unprotects what the SRC sends us (SRTP, SRTCP); {@link #outbound} protects
 * the SRTCP we send it. AES-CM with HMAC-SHA1 (RFC 3711 §4) and AES-GCM (RFC 7714).
 *
 * <p>Packets are transformed in place in their {@code ByteBuf} (the tag and MKI are cut off
 * on the way in, added on the way out); the work is done in arrays this context owns, so no
 * call allocates. Not thread-safe: a stream's context lives on its event loop.
 */
public final class SrtpContext {

    /** What became of a packet on the way in. */
    public enum Result {
        /** Authentic (or authentication off) and decrypted: the buffer holds plain RTP/RTCP. */
        OK,
        /** The tag did not verify, or the MKI is not ours: dropped. */
        UNAUTHENTICATED,
        /** Already received, or older than the replay window (RFC 3711 §3.3.2): dropped. */
        REPLAYED,
        /** Too short for its header, tag and MKI, or not version 2: dropped. */
        MALFORMED,
        /** The master key's lifetime is used up (RFC 3711 §9.2): dropped until a re-key. */
        EXPIRED
    }

    /** Packets the replay window remembers behind the newest (RFC 3711 §3.3.2 asks for at least 64). */
    public static final int REPLAY_WINDOW = 64;

    private static final int LABEL_RTP_KEY = 0;
    private static final int LABEL_RTP_AUTH = 1;
    private static final int LABEL_RTP_SALT = 2;
    private static final int LABEL_RTCP_KEY = 3;
    private static final int LABEL_RTCP_AUTH = 4;
    private static final int LABEL_RTCP_SALT = 5;

    private final SrtpParameters params;
    private final SrtpSuite suite;
    private final Keys rtp;
    private final Keys rtcp;
    private final byte[] mki;
    private final int srtpTag;

    // the sender's SRTP state (RFC 3711 §3.3.1, Appendix A), committed only for authentic packets
    private boolean started;
    private int ssrc;
    private int highestSeq;
    private long roc;
    private long highestIndex;
    private long window; // bit d: highestIndex - d was received
    private long packets;
    // SRTCP: the sender's index window; ours when protecting
    private boolean rtcpStarted;
    private long rtcpHighest;
    private long rtcpWindow;
    private long rtcpOutIndex;
    // what we send (test sources): the rollover counter of our own sequence numbers
    private boolean outStarted;
    private int outSeq;
    private long outRoc;

    // scratch, grown for an unusually large datagram and then kept
    private byte[] buf = new byte[1536];
    private byte[] blocks = new byte[1536 + 16];
    private final byte[] iv = new byte[16];
    private final byte[] mac = new byte[20];
    private final byte[] tag = new byte[16];
    private final byte[] word = new byte[4];

    private SrtpContext(SrtpParameters params) {
        this(params, sessionKeys(params, LABEL_RTP_KEY, LABEL_RTP_AUTH, LABEL_RTP_SALT),
                sessionKeys(params, LABEL_RTCP_KEY, LABEL_RTCP_AUTH, LABEL_RTCP_SALT));
    }

    private SrtpContext(SrtpParameters params, Keys rtp, Keys rtcp) {
        this.params = params;
        this.suite = params.suite();
        this.rtp = rtp;
        this.rtcp = rtcp;
        this.mki = params.mki();
        this.srtpTag = params.authenticateSrtp() ? suite.srtpTagLength() : 0;
    }

    private static Keys sessionKeys(SrtpParameters p, int keyLabel, int authLabel, int saltLabel) {
        SrtpSuite suite = p.suite();
        byte[] key = p.masterKey();
        byte[] salt = p.masterSalt();
        return new Keys(suite, derive(key, salt, keyLabel, suite.keyLength()),
                suite.aead() ? null : derive(key, salt, authLabel, 20), derive(key, salt, saltLabel, suite.saltLength()));
    }

    /** A context whose SRTP and SRTCP session keys are these (tests: RFC 7714's vectors give session keys). */
    static SrtpContext withSessionKeys(SrtpSuite suite, byte[] key, byte[] salt) {
        return new SrtpContext(SrtpParameters.of(suite, key, salt), new Keys(suite, key, null, salt),
                new Keys(suite, key, null, salt));
    }

    /** For what the SRC sends under these parameters (its {@code a=crypto}). */
    public static SrtpContext inbound(SrtpParameters params) {
        return new SrtpContext(params);
    }

    /** For the SRTCP we send under these parameters (the {@code a=crypto} of our answer). */
    public static SrtpContext outbound(SrtpParameters params) {
        return new SrtpContext(params);
    }

    /** The parameters (their {@code toString} shows no key). */
    public SrtpParameters parameters() {
        return params;
    }

    /**
     * Takes over the sender's rollover counter, sequence and replay window from the context of
     * the previous key, for a re-key in mid-stream: the SRC keeps counting (RFC 3711 §3.3.1),
     * so the index must not start again from zero. (Protecting contexts carry their own
     * counters over the same way.)
     */
    public void continueFrom(SrtpContext previous) {
        started = previous.started;
        ssrc = previous.ssrc;
        highestSeq = previous.highestSeq;
        roc = previous.roc;
        highestIndex = previous.highestIndex;
        window = previous.window;
        rtcpStarted = previous.rtcpStarted;
        rtcpHighest = previous.rtcpHighest;
        rtcpWindow = previous.rtcpWindow;
        outStarted = previous.outStarted; // (and on the sending side, our own counters)
        outSeq = previous.outSeq;
        outRoc = previous.outRoc;
        rtcpOutIndex = previous.rtcpOutIndex;
    }

    /** The rollover counter of the current sender (tests, diagnostics). */
    long rolloverCounter() {
        return roc;
    }

    /**
     * Verifies and decrypts an SRTP packet in place: on {@link Result#OK} the buffer's readable
     * bytes are the plain RTP packet (MKI and tag removed); otherwise it is unchanged.
     */
    public Result unprotectRtp(ByteBuf packet) {
        int len = packet.readableBytes();
        if (len < 12) {
            return Result.MALFORMED;
        }
        byte[] s = scratch(len);
        packet.getBytes(packet.readerIndex(), s, 0, len);
        if ((s[0] & 0xC0) != 0x80) {
            return Result.MALFORMED;
        }
        int header = rtpHeaderLength(s, len);
        if (header < 0) {
            return Result.MALFORMED;
        }
        int mkiLen = mki == null ? 0 : mki.length;
        // AES-CM: header | payload | MKI | tag (RFC 3711 §3.1); GCM: header | ciphertext | tag | MKI
        int end = len - srtpTag - mkiLen;
        if (end < header) {
            return Result.MALFORMED;
        }
        if (packets >= params.lifetime()) {
            return Result.EXPIRED;
        }
        int seq = ((s[2] & 0xFF) << 8) | (s[3] & 0xFF);
        int packetSsrc = readInt(s, 8);
        boolean known = started && packetSsrc == ssrc;
        long v = known ? estimateRoc(seq) : 0;
        long index = (v << 16) | seq;
        if (known && isReplay(index, highestIndex, window)) {
            return Result.REPLAYED;
        }
        if (mkiLen > 0 && !regionEquals(s, suite.aead() ? len - mkiLen : end, mki)) {
            return Result.UNAUTHENTICATED;
        }
        if (suite.aead()) {
            if (!gcmOpen(rtp, s, srtpIv(packetSsrc, v, seq), header, end, params.encryptSrtp())) {
                return Result.UNAUTHENTICATED;
            }
        } else {
            if (srtpTag > 0 && !macMatches(rtpMac(s, end, v), s, len - srtpTag, srtpTag)) {
                return Result.UNAUTHENTICATED;
            }
            if (params.encryptSrtp()) {
                cmIv(rtp.salt, packetSsrc, index);
                rtp.aes.xorKeystream(iv, s, header, end - header, blocks);
            }
        }
        packet.setBytes(packet.readerIndex() + header, s, header, end - header);
        packet.writerIndex(packet.readerIndex() + end);
        commit(known, packetSsrc, seq, v, index);
        packets++;
        return Result.OK;
    }

    /**
     * Verifies and decrypts an SRTCP packet in place: on {@link Result#OK} the buffer holds the
     * plain compound RTCP packet (index word, MKI and tag removed).
     */
    public Result unprotectRtcp(ByteBuf packet) {
        int len = packet.readableBytes();
        int tagLen = suite.srtcpTagLength();
        int mkiLen = mki == null ? 0 : mki.length;
        if (len < 8 + 4 + tagLen + mkiLen) {
            return Result.MALFORMED;
        }
        byte[] s = scratch(len);
        packet.getBytes(packet.readerIndex(), s, 0, len);
        if ((s[0] & 0xC0) != 0x80) {
            return Result.MALFORMED;
        }
        int packetSsrc = readInt(s, 4);
        int end; // end of the RTCP packet proper
        int indexAt;
        if (suite.aead()) { // RFC 7714 §9.2: ... tag | E+index | MKI
            indexAt = len - mkiLen - 4;
            end = indexAt - tagLen;
            if (mkiLen > 0 && !regionEquals(s, len - mkiLen, mki)) {
                return Result.UNAUTHENTICATED;
            }
        } else { // RFC 3711 §3.4: ... E+index | MKI | tag
            indexAt = len - tagLen - mkiLen - 4;
            end = indexAt;
            if (mkiLen > 0 && !regionEquals(s, indexAt + 4, mki)) {
                return Result.UNAUTHENTICATED;
            }
        }
        if (end < 8) {
            return Result.MALFORMED;
        }
        boolean encrypted = (s[indexAt] & 0x80) != 0;
        long index = (((s[indexAt] & 0x7FL) << 24) | ((s[indexAt + 1] & 0xFFL) << 16)
                | ((s[indexAt + 2] & 0xFFL) << 8) | (s[indexAt + 3] & 0xFFL));
        if (rtcpStarted && isReplay(index, rtcpHighest, rtcpWindow)) {
            return Result.REPLAYED;
        }
        srtcpNonce(packetSsrc, index);
        if (suite.aead()) {
            if (!gcmOpenRtcp(s, end, indexAt, encrypted)) {
                return Result.UNAUTHENTICATED;
            }
        } else {
            rtcp.hmac.update(s, 0, indexAt + 4);
            finishMac(rtcp.hmac);
            if (!macMatches(mac, s, len - tagLen, tagLen)) {
                return Result.UNAUTHENTICATED;
            }
            if (encrypted) {
                cmIv(rtcp.salt, packetSsrc, index);
                rtcp.aes.xorKeystream(iv, s, 8, end - 8, blocks);
            }
        }
        packet.setBytes(packet.readerIndex() + 8, s, 8, end - 8);
        packet.writerIndex(packet.readerIndex() + end);
        if (!rtcpStarted || index > rtcpHighest) {
            long shift = rtcpStarted ? index - rtcpHighest : 64;
            rtcpWindow = shift >= 64 ? 1 : (rtcpWindow << shift) | 1;
            rtcpHighest = index;
            rtcpStarted = true;
        } else {
            rtcpWindow |= 1L << (rtcpHighest - index);
        }
        return Result.OK;
    }

    /**
     * Protects a compound RTCP packet in place for sending (RFC 3711 §3.4, RFC 7714 §9.2): the
     * part after the first 8 octets is encrypted (unless {@code UNENCRYPTED_SRTCP}), then the
     * E flag and index, MKI and tag are appended. The buffer must be writable for them.
     */
    public void protectRtcp(ByteBuf packet) {
        int len = packet.readableBytes();
        int tagLen = suite.srtcpTagLength();
        int mkiLen = mki == null ? 0 : mki.length;
        byte[] s = scratch(len + 4 + tagLen + mkiLen);
        packet.getBytes(packet.readerIndex(), s, 0, len);
        int packetSsrc = readInt(s, 4);
        long index = rtcpOutIndex;
        rtcpOutIndex = (rtcpOutIndex + 1) & 0x7FFFFFFFL; // (a 2^31 wrap would need a re-key; 13 years of RRs)
        boolean encrypt = params.encryptSrtcp();
        int out;
        srtcpNonce(packetSsrc, index);
        if (suite.aead()) {
            int indexAt = len + tagLen;
            writeIndex(s, indexAt, index, encrypt);
            gcmSealRtcp(s, len, indexAt, encrypt);
            out = indexAt + 4;
            if (mkiLen > 0) {
                System.arraycopy(mki, 0, s, out, mkiLen);
                out += mkiLen;
            }
        } else {
            if (encrypt) {
                cmIv(rtcp.salt, packetSsrc, index);
                rtcp.aes.xorKeystream(iv, s, 8, len - 8, blocks);
            }
            writeIndex(s, len, index, encrypt);
            out = len + 4;
            rtcp.hmac.update(s, 0, out);
            if (mkiLen > 0) {
                System.arraycopy(mki, 0, s, out, mkiLen);
                out += mkiLen;
            }
            finishMac(rtcp.hmac);
            System.arraycopy(mac, 0, s, out, tagLen);
            out += tagLen;
        }
        packet.setBytes(packet.readerIndex(), s, 0, Math.min(len, out));
        packet.writeBytes(s, len, out - len);
    }

    /**
     * Protects an RTP packet in place for sending (RFC 3711 §3.3, RFC 7714 §8): the payload is
     * encrypted, the MKI and tag appended; the rollover counter follows the sequence numbers
     * given. The buffer must be writable for the tag. (A recorder only receives media; this is
     * for test sources and tools.)
     */
    public void protectRtp(ByteBuf packet) {
        int len = packet.readableBytes();
        int mkiLen = mki == null ? 0 : mki.length;
        byte[] s = scratch(len + srtpTag + mkiLen);
        packet.getBytes(packet.readerIndex(), s, 0, len);
        int header = rtpHeaderLength(s, len);
        if (header < 0 || header > len) {
            throw new IllegalArgumentException("not an RTP packet");
        }
        int seq = ((s[2] & 0xFF) << 8) | (s[3] & 0xFF);
        int packetSsrc = readInt(s, 8);
        if (outStarted && seq < outSeq && outSeq - seq > 32768) {
            outRoc = (outRoc + 1) & 0xFFFFFFFFL; // the sequence wrapped
        }
        if (!outStarted || seq > outSeq || outSeq - seq > 32768) {
            outSeq = seq;
        }
        outStarted = true;
        long index = (outRoc << 16) | seq;
        int out;
        if (suite.aead()) {
            byte[] nonce = srtpIv(packetSsrc, outRoc, seq);
            rtp.ghash.reset();
            if (params.encryptSrtp()) {
                setCounter(nonce, 2);
                rtp.aes.xorKeystream(nonce, s, header, len - header, blocks);
                rtp.ghash.update(s, 0, header);
                rtp.ghash.update(s, header, len - header);
                rtp.ghash.finish(header, len - header, tag, 0);
            } else {
                rtp.ghash.update(s, 0, len);
                rtp.ghash.finish(len, 0, tag, 0);
            }
            encryptJ0(rtp, nonce);
            for (int i = 0; i < 16; i++) {
                s[len + i] = (byte) (tag[i] ^ blocks[i]);
            }
            out = len + 16;
            if (mkiLen > 0) {
                System.arraycopy(mki, 0, s, out, mkiLen);
                out += mkiLen;
            }
        } else {
            if (params.encryptSrtp()) {
                cmIv(rtp.salt, packetSsrc, index);
                rtp.aes.xorKeystream(iv, s, header, len - header, blocks);
            }
            out = len;
            if (mkiLen > 0) {
                System.arraycopy(mki, 0, s, out, mkiLen);
                out += mkiLen;
            }
            if (srtpTag > 0) {
                System.arraycopy(rtpMac(s, len, outRoc), 0, s, out, srtpTag);
                out += srtpTag;
            }
        }
        packet.setBytes(packet.readerIndex(), s, 0, len);
        packet.writeBytes(s, len, out - len);
    }

    /** Sets the next outbound SRTCP index (tests: the RFCs' vectors start mid-stream). */
    void nextRtcpIndex(long index) {
        rtcpOutIndex = index;
    }

    // --- the transforms ---

    /** RFC 3711 §4.1.1: IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16), 16 octets. */
    private void cmIv(byte[] salt, int ssrcValue, long index) {
        System.arraycopy(salt, 0, iv, 0, 14);
        iv[14] = 0;
        iv[15] = 0;
        for (int i = 0; i < 4; i++) {
            iv[4 + i] ^= (byte) (ssrcValue >>> (24 - 8 * i));
        }
        for (int i = 0; i < 6; i++) {
            iv[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
    }

    /** RFC 7714 §8.1: 12-octet IV = (00 00 | SSRC | ROC | SEQ) XOR salt; then the GCM counter block J0. */
    private byte[] srtpIv(int ssrcValue, long rocValue, int seq) {
        iv[0] = 0;
        iv[1] = 0;
        writeInt(iv, 2, ssrcValue);
        writeInt(iv, 6, rocValue);
        iv[10] = (byte) (seq >>> 8);
        iv[11] = (byte) seq;
        for (int i = 0; i < 12; i++) {
            iv[i] ^= rtp.salt[i];
        }
        return iv;
    }

    /** RFC 7714 §9.1 for AEAD suites: IV = (00 00 | SSRC | 00 00 | 0 + 31-bit index) XOR salt. */
    private void srtcpNonce(int ssrcValue, long index) {
        if (!suite.aead()) {
            return;
        }
        iv[0] = 0;
        iv[1] = 0;
        writeInt(iv, 2, ssrcValue);
        iv[6] = 0;
        iv[7] = 0;
        writeInt(iv, 8, index);
        for (int i = 0; i < 12; i++) {
            iv[i] ^= rtcp.salt[i];
        }
    }

    /**
     * GCM decryption of an SRTP packet (RFC 7714 §8): AAD the header, then the ciphertext, then
     * the 16-octet tag at {@code end}; unencrypted, the whole packet is AAD. Decrypts
     * {@code s[header, end)} in place when the tag verifies.
     */
    private boolean gcmOpen(Keys k, byte[] s, byte[] nonce, int header, int end, boolean encrypted) {
        k.ghash.reset();
        if (encrypted) {
            k.ghash.update(s, 0, header);
            k.ghash.update(s, header, end - header);
            k.ghash.finish(header, end - header, tag, 0);
        } else {
            k.ghash.update(s, 0, end);
            k.ghash.finish(end, 0, tag, 0);
        }
        if (!gcmTagMatches(k, nonce, s, end)) {
            return false;
        }
        if (encrypted) {
            setCounter(nonce, 2);
            k.aes.xorKeystream(nonce, s, header, end - header, blocks);
        }
        return true;
    }

    private boolean gcmOpenRtcp(byte[] s, int end, int indexAt, boolean encrypted) {
        Keys k = rtcp;
        k.ghash.reset();
        if (encrypted) { // AAD: the first 8 octets and the E+index word
            System.arraycopy(s, 0, blocks, 0, 8);
            System.arraycopy(s, indexAt, blocks, 8, 4);
            k.ghash.update(blocks, 0, 12);
            k.ghash.update(s, 8, end - 8);
            k.ghash.finish(12, end - 8, tag, 0);
        } else { // AAD: the whole packet and the E+index word
            byte[] aad = scratchBlocks(end + 4);
            System.arraycopy(s, 0, aad, 0, end);
            System.arraycopy(s, indexAt, aad, end, 4);
            k.ghash.update(aad, 0, end + 4);
            k.ghash.finish(end + 4, 0, tag, 0);
        }
        if (!gcmTagMatches(k, iv, s, end)) {
            return false;
        }
        if (encrypted) {
            setCounter(iv, 2);
            k.aes.xorKeystream(iv, s, 8, end - 8, blocks);
        }
        return true;
    }

    /** Encrypts {@code s[8, len)} and writes the tag at {@code len} (the E+index word is at {@code indexAt}). */
    private void gcmSealRtcp(byte[] s, int len, int indexAt, boolean encrypt) {
        Keys k = rtcp;
        byte[] nonce = iv;
        k.ghash.reset();
        if (encrypt) {
            setCounter(nonce, 2);
            k.aes.xorKeystream(nonce, s, 8, len - 8, blocks);
            System.arraycopy(s, 0, blocks, 0, 8);
            System.arraycopy(s, indexAt, blocks, 8, 4);
            k.ghash.update(blocks, 0, 12);
            k.ghash.update(s, 8, len - 8);
            k.ghash.finish(12, len - 8, tag, 0);
        } else {
            byte[] aad = scratchBlocks(len + 4);
            System.arraycopy(s, 0, aad, 0, len);
            System.arraycopy(s, indexAt, aad, len, 4);
            k.ghash.update(aad, 0, len + 4);
            k.ghash.finish(len + 4, 0, tag, 0);
        }
        encryptJ0(k, nonce);
        for (int i = 0; i < 16; i++) {
            s[len + i] = (byte) (tag[i] ^ blocks[i]);
        }
    }

    /** Tag = E(K, J0) XOR GHASH (in {@link #tag}); compared in constant time with {@code s[at, at+16)}. */
    private boolean gcmTagMatches(Keys k, byte[] nonce, byte[] s, int at) {
        encryptJ0(k, nonce);
        int diff = 0;
        for (int i = 0; i < 16; i++) {
            diff |= (tag[i] ^ blocks[i]) ^ s[at + i];
        }
        return diff == 0;
    }

    /** blocks[0, 16) = E(K, nonce || 00000001). */
    private void encryptJ0(Keys k, byte[] nonce) {
        System.arraycopy(nonce, 0, blocks, 0, 12);
        blocks[12] = 0;
        blocks[13] = 0;
        blocks[14] = 0;
        blocks[15] = 1;
        k.aes.encrypt(blocks, 0, 16);
    }

    private static void setCounter(byte[] block, int value) {
        block[12] = (byte) (value >>> 24);
        block[13] = (byte) (value >>> 16);
        block[14] = (byte) (value >>> 8);
        block[15] = (byte) value;
    }

    /**
     * The HMAC of an SRTP packet's authenticated portion {@code s[0, length)} followed by the
     * rollover counter (RFC 3711 §4.2), in {@link #mac}.
     */
    private byte[] rtpMac(byte[] s, int length, long rolloverCounter) {
        rtp.hmac.update(s, 0, length);
        writeInt(word, 0, rolloverCounter);
        rtp.hmac.update(word, 0, 4);
        finishMac(rtp.hmac);
        return mac;
    }

    /** Whether the first {@code length} octets of {@code computed} equal {@code s[at, +length)}, in constant time. */
    private static boolean macMatches(byte[] computed, byte[] s, int at, int length) {
        int diff = 0;
        for (int i = 0; i < length; i++) {
            diff |= computed[i] ^ s[at + i];
        }
        return diff == 0;
    }

    private void finishMac(HmacSha1 m) {
        m.finish(mac, 0);
    }

    private static void writeIndex(byte[] s, int at, long index, boolean encrypted) {
        writeInt(s, at, index | (encrypted ? 0x80000000L : 0));
    }

    private static int readInt(byte[] s, int at) {
        return ((s[at] & 0xFF) << 24) | ((s[at + 1] & 0xFF) << 16) | ((s[at + 2] & 0xFF) << 8) | (s[at + 3] & 0xFF);
    }

    private static void writeInt(byte[] s, int at, long v) {
        s[at] = (byte) (v >>> 24);
        s[at + 1] = (byte) (v >>> 16);
        s[at + 2] = (byte) (v >>> 8);
        s[at + 3] = (byte) v;
    }

    // --- sequence state ---

    /** RFC 3711 Appendix A: the ROC this sequence number most likely belongs to. */
    private long estimateRoc(int seq) {
        if (highestSeq < 32768) {
            return seq - highestSeq > 32768 ? (roc - 1) & 0xFFFFFFFFL : roc;
        }
        return highestSeq - 32768 > seq ? (roc + 1) & 0xFFFFFFFFL : roc;
    }

    private static boolean isReplay(long index, long highest, long bits) {
        if (index > highest) {
            return false;
        }
        long behind = highest - index;
        return behind >= REPLAY_WINDOW || ((bits >>> behind) & 1) != 0;
    }

    private void commit(boolean known, int packetSsrc, int seq, long v, long index) {
        if (!known) { // a new sender (or the first): its own ROC and window start here
            started = true;
            ssrc = packetSsrc;
            highestSeq = seq;
            roc = v;
            highestIndex = index;
            window = 1;
            return;
        }
        if (index > highestIndex) {
            long shift = index - highestIndex;
            window = shift >= 64 ? 1 : (window << shift) | 1;
            highestIndex = index;
            highestSeq = seq;
            roc = v;
        } else {
            window |= 1L << (highestIndex - index);
        }
    }

    private byte[] scratch(int length) {
        if (buf.length < length) {
            buf = new byte[length];
            blocks = new byte[length + 16];
        }
        return buf;
    }

    private byte[] scratchBlocks(int length) {
        if (blocks.length < length + 16) {
            blocks = new byte[length + 16];
        }
        return blocks;
    }

    /** The RTP header's length with its CSRCs and extension (RFC 3550 §5.1, §5.3.1), or -1 when cut short. */
    private static int rtpHeaderLength(byte[] s, int len) {
        int header = 12 + 4 * (s[0] & 0x0F);
        if ((s[0] & 0x10) != 0) {
            if (len < header + 4) {
                return -1;
            }
            header += 4 + 4 * (((s[header + 2] & 0xFF) << 8) | (s[header + 3] & 0xFF));
        }
        return header;
    }

    /** Whether {@code s[at, at + expected.length)} equals {@code expected}, in constant time. */
    private static boolean regionEquals(byte[] s, int at, byte[] expected) {
        int diff = 0;
        for (int i = 0; i < expected.length; i++) {
            diff |= s[at + i] ^ expected[i];
        }
        return diff == 0;
    }

    // --- keys ---

    /**
     * RFC 3711 §4.3.1 with key_derivation_rate 0: the AES-CM PRF keyed with the master key,
     * over x = master salt (right-padded with zeros to 14 octets, RFC 7714 §11) XOR the label
     * in octet 7, times 2^16.
     */
    static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        byte[] x = new byte[16];
        System.arraycopy(masterSalt, 0, x, 0, Math.min(14, masterSalt.length));
        x[7] ^= (byte) label;
        byte[] out = new byte[length];
        new AesBlocks(masterKey).xorKeystream(x, out, 0, length, new byte[(length + 15 & ~15)]);
        return out;
    }

    /** The session keys of one of SRTP and SRTCP. */
    private static final class Keys {
        final AesBlocks aes;
        final HmacSha1 hmac;
        final Ghash ghash;
        final byte[] salt;

        Keys(SrtpSuite suite, byte[] key, byte[] authKey, byte[] salt) {
            this.aes = new AesBlocks(key);
            this.salt = salt;
            if (suite.aead()) {
                byte[] h = new byte[16];
                aes.encrypt(h, 0, 16);
                this.ghash = new Ghash(h);
                this.hmac = null;
            } else {
                this.ghash = null;
                this.hmac = new HmacSha1(authKey);
            }
        }
    }
}
