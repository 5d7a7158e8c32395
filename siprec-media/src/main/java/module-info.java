/**
 * The media path siprec-core records with: RTP and RTCP sockets, SRTP (RFC 3711), source
 * latching, the jitter buffer, decoding through {@code dev.siprec.codecs}, rate conversion and
 * the frame clock. Internal to siprec: its packages are exported to {@code dev.siprec.core}
 * only, and are not a supported API.
 */
module dev.siprec.media {
    requires dev.siprec.codecs;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.transport;
    requires static io.netty.transport.classes.epoll; // native epoll when the application adds it
    requires org.slf4j;

    exports dev.siprec.media to dev.siprec.core;
    exports dev.siprec.media.srtp to dev.siprec.core;
}
