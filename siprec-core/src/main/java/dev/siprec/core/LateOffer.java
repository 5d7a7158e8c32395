package dev.siprec.core;

/**
 * An INVITE without an offer (Cisco CUCM built-in-bridge and network-based recording send
 * one): RFC 3261 §13.2.1 puts the offer in our 2xx and the answer in the ACK. The offer is
 * made by answering a virtual offer of the SRC that sends every codec we decode on two
 * streams: our "answer" to it is a receive-only offer of two streams with all those codecs,
 * one telephone-event per clock rate and comfort noise, on ports we have bound. The SRC
 * answers with what it sends; a stream it declines (port 0) is closed.
 */
final class LateOffer {

    private LateOffer() {
    }

    private static final String STREAM = "m=audio 9 RTP/AVP 0 8 9 18 111 101 102 13\r\n"
            + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:9 G722/8000\r\na=rtpmap:18 G729/8000\r\n"
            + "a=rtpmap:111 opus/48000/2\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
            + "a=rtpmap:102 telephone-event/48000\r\na=fmtp:102 0-16\r\na=rtpmap:13 CN/8000\r\na=sendonly\r\n";

    /** The SRC's virtual offer: two streams of every codec we decode, from nowhere yet (0.0.0.0). */
    static final String VIRTUAL_OFFER = "v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
            + STREAM + STREAM;
}
