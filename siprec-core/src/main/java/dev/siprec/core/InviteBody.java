package dev.siprec.core;

import dev.siprec.sip.message.BodyPart;
import dev.siprec.sip.message.MediaType;
import dev.siprec.sip.message.MultipartBody;
import dev.siprec.sip.message.SipMessage;
import dev.siprec.sip.message.SipParseException;
import java.util.List;

/**
 * The SDP offer and the RS-Metadata of a SIPREC request body (RFC 7866 §6.1): a single
 * {@code application/sdp} body, or a {@code multipart/mixed} one with the SDP part and the
 * {@code application/rs-metadata+xml} (or legacy {@code application/rs-metadata}) part in
 * any order; other parts (Cisco's {@code application/gtd}, ...) are ignored.
 *
 * @param sdp the SDP bytes, or null
 * @param metadata the metadata bytes, or null
 * @param repairs what was wrong with the body and salvaged (empty when nothing was)
 */
record InviteBody(byte[] sdp, byte[] metadata, List<String> repairs) {

    InviteBody(byte[] sdp, byte[] metadata) {
        this(sdp, metadata, List.of());
    }

    static InviteBody of(SipMessage message) throws SipParseException {
        byte[] body = message.body();
        if (body.length == 0) {
            return new InviteBody(null, null);
        }
        MediaType type = message.contentType();
        if (type == null) {
            throw new SipParseException(400, "Body without Content-Type");
        }
        if (type.is("application/sdp")) {
            return new InviteBody(body, null);
        }
        if (isMetadata(type)) {
            return new InviteBody(null, body);
        }
        if (!type.type().equals("multipart")) {
            throw new SipParseException(415, "Unsupported Media Type " + type.essence());
        }
        List<String> repairs = new java.util.ArrayList<>();
        List<BodyPart> parts = MultipartBody.parse(body, type.param("boundary"), repairs);
        byte[] sdp = null;
        byte[] metadata = null;
        for (BodyPart part : parts) {
            if (sdp == null && part.contentType().is("application/sdp")) {
                sdp = part.content();
            } else if (metadata == null && isMetadata(part.contentType())) {
                metadata = part.content();
            }
        }
        return new InviteBody(sdp, metadata, List.copyOf(repairs));
    }

    static boolean isMetadata(MediaType type) {
        return type.is("application/rs-metadata+xml") || type.is("application/rs-metadata");
    }
}
