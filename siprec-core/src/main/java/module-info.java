/**
 * siprec: an embeddable SIPREC Session Recording Server (RFC 7866). The API is
 * {@code dev.siprec.core} ({@link dev.siprec.core.SiprecServer},
 * {@link dev.siprec.core.RecordingListener}, {@link dev.siprec.core.RecordingSession}) and the
 * recording metadata of {@code dev.siprec.core.metadata} (RFC 7865); codecs are added through
 * {@code dev.siprec.codecs}. The SIP stack and the media path are internal modules.
 */
module dev.siprec.core {
    requires transitive dev.siprec.codecs; // SiprecServer.Builder.codecs(CodecRegistry)
    requires dev.siprec.sip;
    requires dev.siprec.media;
    requires io.netty.common;
    requires io.netty.transport;
    requires static io.netty.transport.classes.epoll; // native epoll when the application adds it
    requires java.management; // Admission: heap and GC load
    requires java.xml;
    requires com.ctc.wstx;
    requires org.codehaus.stax2;
    requires org.slf4j;

    exports dev.siprec.core;
    exports dev.siprec.core.metadata;
}
