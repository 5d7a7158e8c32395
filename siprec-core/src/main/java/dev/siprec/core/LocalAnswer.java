package dev.siprec.core;

import dev.siprec.codecs.registry.CodecRegistry;
import dev.siprec.sip.sdp.SessionDescription;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Our SDP answer to the SRC (RFC 3264 §6) as the model it was made from, its text, and the
 * origin a later answer in the same session keeps: the same address and session id, the
 * version one up whenever the description changes, the same when it does not (§8).
 */
record LocalAnswer(SessionDescription sdp, String text, String address, long sessionId, long version) {

    /** The answer to the INVITE's offer: version 1. */
    static LocalAnswer first(SessionDescription offer, List<NegotiatedStream> negotiated, int[] ports,
                             String address, long sessionId, CodecRegistry codecs) {
        SessionDescription sdp = RecorderAnswer.answer(offer, negotiated, ports, address, sessionId, 1, codecs);
        return new LocalAnswer(sdp, sdp.format(), address, sessionId, 1);
    }

    /** The answer to a re-offer: this one when nothing changed, else the next version. */
    LocalAnswer next(SessionDescription offer, List<NegotiatedStream> negotiated, int[] ports, CodecRegistry codecs) {
        SessionDescription same = RecorderAnswer.answer(offer, negotiated, ports, address, sessionId, version, codecs);
        if (same.format().equals(text)) {
            return this;
        }
        SessionDescription changed = RecorderAnswer.answer(offer, negotiated, ports, address, sessionId, version + 1,
                codecs);
        return new LocalAnswer(changed, changed.format(), address, sessionId, version + 1);
    }

    /** The body of the response that carries it. */
    byte[] body() {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
