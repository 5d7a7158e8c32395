package dev.siprec.media;

import dev.siprec.media.srtp.SrtpContext;
import dev.siprec.media.srtp.SrtpParameters;
import io.netty.buffer.ByteBuf;

/**
 * A stream's SRTP (RFC 3711), between its sockets and the rest of the stream: the inbound
 * context unprotects what the SRC sends (before the source is latched: an unauthenticated
 * packet claims nothing), the outbound one protects our receiver reports under the key of our
 * answer. Without keys it passes everything. On the loop.
 */
final class SrtpStage {

    private SrtpContext in;
    private SrtpContext previous; // after a re-key, until the new key works
    private SrtpContext out;

    /**
     * Keys the stream (or re-keys it: the new context carries on the SRC's rollover counter
     * and replay window, RFC 3711 §3.3.1). Null parameters turn SRTP off.
     */
    void key(SrtpParameters inbound, SrtpParameters outbound) {
        SrtpContext before = in;
        in = inbound == null ? null : SrtpContext.inbound(inbound);
        previous = null;
        if (in != null && before != null) {
            in.continueFrom(before);
            // packets the SRC sent under the old key may still be on their way (RFC 4568 §7.1.4)
            previous = before.parameters().equals(inbound) ? null : before;
        }
        out = outbound == null ? null : SrtpContext.outbound(outbound);
    }

    /**
     * Unprotects an SRTP or SRTCP datagram in place ({@code rtcp}: which one it is).
     *
     * @return {@link SrtpContext.Result#OK} for plain RTP, or when it is authentic
     */
    SrtpContext.Result unprotect(ByteBuf content, boolean rtcp) {
        if (in == null) {
            return SrtpContext.Result.OK;
        }
        SrtpContext.Result r = rtcp ? in.unprotectRtcp(content) : in.unprotectRtp(content);
        if (previous != null) {
            if (r == SrtpContext.Result.OK) {
                previous = null; // the new key is in use: the old one is done
            } else if (r == SrtpContext.Result.UNAUTHENTICATED) {
                r = rtcp ? previous.unprotectRtcp(content) : previous.unprotectRtp(content);
            }
        }
        return r;
    }

    /** Protects an RTCP packet we send, in place (nothing without keys). */
    void protectRtcp(ByteBuf packet) {
        if (out != null) {
            out.protectRtcp(packet);
        }
    }
}
