/**
 * The minimal SIP user agent server siprec-core records with: transport, message, transaction,
 * dialog (RFC 3261) and SDP (RFC 4566). Internal to siprec: its packages are exported to
 * {@code dev.siprec.core} only, and are not a supported API.
 */
module dev.siprec.sip {
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.transport;
    requires io.netty.handler;
    requires io.netty.codec;
    requires static io.netty.transport.classes.epoll; // native epoll when the application adds it
    requires org.slf4j;

    exports dev.siprec.sip to dev.siprec.core;
    exports dev.siprec.sip.dialog to dev.siprec.core;
    exports dev.siprec.sip.message to dev.siprec.core;
    exports dev.siprec.sip.sdp to dev.siprec.core;
    exports dev.siprec.sip.transaction to dev.siprec.core;
    exports dev.siprec.sip.transport to dev.siprec.core;
}
