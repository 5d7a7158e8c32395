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
 */
record NegotiatedStream(int index, String label, boolean accepted, RtpMap codec, RtpMap telephoneEvent,
                               RtpMap comfortNoise,
                               Direction offerDirection, Direction answerDirection, Connection remote,
                               int remotePort) {
}
