package dev.siprec.benchmarks;

import dev.siprec.sip.message.BodyPart;
import dev.siprec.sip.message.MultipartBody;
import dev.siprec.sip.message.SipMessage;
import dev.siprec.sip.message.SipMessageParser;
import dev.siprec.sip.message.SipParseException;
import dev.siprec.sip.sdp.SdpParseException;
import dev.siprec.sip.sdp.SessionDescription;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading a SIPREC INVITE (about 1.9 KB): the SIP message alone, and the message with its
 * multipart body split and the SDP offer parsed (what the server does per INVITE before
 * the metadata).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SipParserBenchmark {

    final byte[] invite = Messages.invite().getBytes(StandardCharsets.UTF_8);

    @Benchmark
    public SipMessage parseInvite() throws SipParseException {
        return SipMessageParser.parseDatagram(invite, 0, invite.length);
    }

    @Benchmark
    public SessionDescription parseInviteBodyAndSdp() throws SipParseException, SdpParseException {
        SipMessage m = SipMessageParser.parseDatagram(invite, 0, invite.length);
        List<BodyPart> parts = MultipartBody.parse(m.body(), m.contentType().param("boundary"));
        return SessionDescription.parse(parts.get(0).text());
    }
}
