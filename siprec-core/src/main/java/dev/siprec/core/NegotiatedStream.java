package dev.siprec.core;

import dev.siprec.sip.sdp.Connection;
import dev.siprec.sip.sdp.Direction;
import dev.siprec.sip.sdp.RtpMap;

/**
 * The outcome of negotiating one offered m-line (RFC 3264 §6).
 *
 * @param index the m-line index in the offer
 * @param label the offered {@code a=label}, or {@code null}
 * @param accepted whether we receive this stream (false: answered with port 0)
 * @param codec the chosen payload format, or {@code null} when not accepted
 * @param telephoneEvent the offered telephone-event format we answer with, or {@code null}
 * @param comfortNoise the offered RFC 3389 comfort-noise format (at the codec's clock rate) we
 *     answer with, or {@code null}
 * @param offerDirection the direction the offer gives this stream
 * @param answerDirection the direction we answer with
 * @param remote the SRC's connection for this stream, or {@code null}
 * @param remotePort the SRC's port for this stream
 * @param crypto for an SRTP stream (RTP/SAVP), the SDES line taken and our answer to it; null for RTP
 * @param declined why an audio stream was declined, or null
 * @param alternates the other offered codecs we decode, answered too, in the offer's order: the
 *     SRC may switch to any of them packet by packet (RFC 3264 §6.1)
 */
record NegotiatedStream(int index, String label, boolean accepted, RtpMap codec, RtpMap telephoneEvent,
                        RtpMap comfortNoise, Direction offerDirection, Direction answerDirection, Connection remote,
                        int remotePort, Sdes.Choice crypto, String declined, java.util.List<RtpMap> alternates) {

    /** Keeps the alternates immutable. */
    NegotiatedStream {
        alternates = alternates == null ? java.util.List.of() : java.util.List.copyOf(alternates);
    }

    /** A stream of one codec. */
    NegotiatedStream(int index, String label, boolean accepted, RtpMap codec, RtpMap telephoneEvent,
                     RtpMap comfortNoise, Direction offerDirection, Direction answerDirection, Connection remote,
                     int remotePort, Sdes.Choice crypto, String declined) {
        this(index, label, accepted, codec, telephoneEvent, comfortNoise, offerDirection, answerDirection, remote,
                remotePort, crypto, declined, java.util.List.of());
    }

    /** A plain RTP stream, or a declined one with no reason given. */
    NegotiatedStream(int index, String label, boolean accepted, RtpMap codec, RtpMap telephoneEvent,
                     RtpMap comfortNoise, Direction offerDirection, Direction answerDirection, Connection remote,
                     int remotePort) {
        this(index, label, accepted, codec, telephoneEvent, comfortNoise, offerDirection, answerDirection, remote,
                remotePort, null, null);
    }
}
