package dev.siprec.sip;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The transaction and dialog layers on their own, below any socket: messages go to an
 * embedded channel, and the stack's timers run on a clock the test moves (T1 = 500 ms).
 */
class TransactionAndDialogTest {

    static final long T1 = 500;
    final AtomicLong now = new AtomicLong(5_000_000_000L);
    final SipTimers timers = new SipTimers(null, 10, now::get);
    final InetSocketAddress remote = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5099);
    final InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5060);
    final EmbeddedChannel channel = new EmbeddedChannel() {
        @Override
        public SocketAddress localAddress() {
            return local;
        }
    };
    final EventRecordingHandler handler = new EventRecordingHandler();
    final List<String> events = handler.events;
    final SipStack stack = new SipStack(new SipStack.Config(Map.of(), "test/1", List.of("timer"), "application/sdp",
            "", null, T1, 90, null), null, handler);

    {
        stack.useTimers(timers);
    }

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    final ReplyPath udp = new ReplyPath(Transport.UDP, channel, remote);

    void advanceMillis(long ms) {
        for (long t = 0; t < ms; t += 10) { // as the driver would, every 10 ms
            now.addAndGet(10_000_000L);
            timers.runDue();
        }
    }

    /** The messages written to the channel since the last call, decoded. */
    List<String> sent() {
        List<String> out = new ArrayList<>();
        Object o;
        while ((o = channel.readOutbound()) != null) {
            ByteBuf b = o instanceof DatagramPacket p ? p.content() : (ByteBuf) o;
            out.add(b.toString(StandardCharsets.UTF_8));
            io.netty.util.ReferenceCountUtil.release(o);
        }
        return out;
    }

    static SipRequest parse(String text) throws SipParseException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return (SipRequest) SipMessageParser.parseDatagram(b, 0, b.length);
    }

    // --- client transaction (RFC 3261 §17.1.2) ---

    SipRequest bye() {
        SipRequest r = new SipRequest("BYE", "sip:src@127.0.0.1:5099");
        r.addHeader(SipHeaders.VIA, "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-ct1");
        r.addHeader(SipHeaders.FROM, "<sip:srs@127.0.0.1>;tag=us");
        r.addHeader(SipHeaders.TO, "<sip:src@127.0.0.1>;tag=them");
        r.addHeader(SipHeaders.CALL_ID, "ct-1");
        r.addHeader(SipHeaders.CSEQ, "7 BYE");
        return r;
    }

    @Test
    void aClientTransactionRetransmitsOnUdpAtT1DoublingToT2UntilAFinalResponse() throws Exception {
        SipRequest bye = bye();
        ClientTransaction tx = new ClientTransaction(stack, "z9hG4bK-ct1", bye, udp);
        CompletableFuture<SipResponse> result = tx.start();
        assertThat(sent()).hasSize(1);
        // Timer E: 500, 1000, 2000, 4000, 4000 ms apart (T2 = 4 s)
        long[] gaps = {500, 1000, 2000, 4000, 4000};
        for (long gap : gaps) {
            advanceMillis(gap - 10);
            assertThat(sent()).isEmpty();
            advanceMillis(10);
            assertThat(sent()).hasSize(1).allMatch(m -> m.startsWith("BYE "));
        }
        tx.onResponse(SipResponse.to(bye, 100, "Trying", null));
        assertThat(result).isNotDone();
        advanceMillis(4000); // after a provisional: every T2
        assertThat(sent()).hasSize(1);
        tx.onResponse(SipResponse.to(bye, 200, "OK", null));
        assertThat(result).isCompleted();
        assertThat(result.get().statusCode()).isEqualTo(200);
        tx.onResponse(SipResponse.to(bye, 500, "late", null)); // a second final response changes nothing
        assertThat(result.get().statusCode()).isEqualTo(200);
        advanceMillis(40_000);
        assertThat(sent()).isEmpty();
        assertThat(timers.pending()).isZero();
    }

    @Test
    void aClientTransactionWithoutAnswerEndsWithALocal408AfterTimerF() throws Exception {
        CompletableFuture<SipResponse> result = new ClientTransaction(stack, "z9hG4bK-ct2", bye(), udp).start();
        advanceMillis(64 * T1 - 10);
        assertThat(result).isNotDone();
        assertThat(sent()).hasSize(1 + 10); // the request, then E at 0.5, 1.5, 3.5, 7.5, 11.5 ... 31.5 s
        advanceMillis(10);
        assertThat(result.get().statusCode()).isEqualTo(408);
    }

    @Test
    void aClientTransactionOverAReliableTransportIsNotRetransmitted() throws Exception {
        ReplyPath tcp = new ReplyPath(Transport.TCP, channel, remote);
        CompletableFuture<SipResponse> result = new ClientTransaction(stack, "z9hG4bK-ct3", bye(), tcp).start();
        advanceMillis(10_000);
        assertThat(sent()).hasSize(1);
        advanceMillis(64 * T1);
        assertThat(result.get().statusCode()).isEqualTo(408);
    }

    // --- server transactions (RFC 3261 §17.2) ---

    static final String INVITE = "INVITE sip:srs@127.0.0.1:5060 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bK-inv1\r\n"
            + "From: <sip:src@127.0.0.1>;tag=them\r\nTo: <sip:srs@127.0.0.1>\r\nCall-ID: st-1\r\n"
            + "CSeq: 1 INVITE\r\nContact: <sip:src@127.0.0.1:5099>\r\nContent-Length: 0\r\n\r\n";

    @Test
    void anInviteErrorIsRetransmittedUntilItsAckThenAbsorbedForT4() throws Exception {
        stack.onMessage(parse(INVITE), udp);
        assertThat(events).containsExactly("invite st-1");
        ServerInvite invite = (ServerInvite) stack.transaction(parse(INVITE));
        assertThat(sent()).singleElement().asString().startsWith("SIP/2.0 100 Trying");
        assertThat(invite.reject(486, "Busy Here")).isTrue();
        assertThat(invite.reject(500, "again")).isFalse(); // one final response
        assertThat(sent()).singleElement().asString().startsWith("SIP/2.0 486 Busy Here");
        advanceMillis(500);
        assertThat(sent()).singleElement().asString().startsWith("SIP/2.0 486"); // Timer G
        stack.onMessage(parse(INVITE), udp); // a retransmitted INVITE gets the last response
        assertThat(sent()).singleElement().asString().startsWith("SIP/2.0 486");
        stack.onMessage(parse(INVITE.replace("INVITE sip", "ACK sip").replace("1 INVITE", "1 ACK")), udp);
        advanceMillis(4000);
        assertThat(sent()).isEmpty(); // the ACK stopped Timer G
        assertThat(stack.sizes()[0]).isEqualTo(1); // absorbing ACKs for T4 (Timer I)
        advanceMillis(1000);
        assertThat(stack.sizes()[0]).isZero();
        assertThat(events).containsExactly("invite st-1"); // retransmissions never reach the handler
    }

    @Test
    void anAcceptedInviteMakesADialogWhose2xxIsRetransmittedUntilTheAck() throws Exception {
        stack.onMessage(parse(INVITE), udp);
        ServerInvite invite = (ServerInvite) stack.transaction(parse(INVITE));
        sent();
        Dialog dialog = invite.accept("application/sdp", "v=0\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(dialog).isNotNull();
        assertThat(invite.accept("application/sdp", new byte[0])).isNull(); // answered once
        String ok = sent().get(0);
        assertThat(ok).startsWith("SIP/2.0 200 OK").contains(";tag=" + dialog.localTag()).contains("Contact: <sip:srs@");
        advanceMillis(500);
        advanceMillis(1000);
        assertThat(sent()).hasSize(2).allMatch(m -> m.equals(ok)); // T1, 2*T1 (§13.3.1.4)
        String ack = INVITE.replace("INVITE sip", "ACK sip").replace("1 INVITE", "1 ACK")
                .replace("branch=z9hG4bK-inv1", "branch=z9hG4bK-ack1")
                .replace("To: <sip:srs@127.0.0.1>", "To: <sip:srs@127.0.0.1>;tag=" + dialog.localTag());
        stack.onMessage(parse(ack), udp);
        stack.onMessage(parse(ack), udp); // a retransmitted ACK: absorbed
        assertThat(events).containsExactly("invite st-1", "ack st-1");
        assertThat(dialog.isConfirmed()).isTrue();
        advanceMillis(40_000);
        assertThat(sent()).isEmpty();
        // in-dialog requests must come in CSeq order (§12.2.2)
        assertThat(dialog.acceptCSeq(2)).isTrue();
        assertThat(dialog.acceptCSeq(2)).isFalse();
        assertThat(dialog.acceptCSeq(1)).isFalse();
        assertThat(dialog.acceptCSeq(3)).isTrue();
    }

    @Test
    void anAckThatRacesInWhileThe2xxLeavesFindsTheDialogWaitingForIt() throws Exception {
        // An ACK processed on another event loop the moment the 2xx is written (here: from the
        // write itself) must confirm the dialog, not be taken for a stray.
        stack.onMessage(parse(INVITE), udp);
        ServerInvite invite = (ServerInvite) stack.transaction(parse(INVITE));
        String[] ack = {null};
        channel.pipeline().addFirst(new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void write(io.netty.channel.ChannelHandlerContext ctx, Object msg,
                              io.netty.channel.ChannelPromise promise) throws Exception {
                String text = ((DatagramPacket) msg).content().toString(StandardCharsets.UTF_8);
                super.write(ctx, msg, promise);
                if (text.startsWith("SIP/2.0 200") && ack[0] == null) {
                    String tag = NameAddress.parse(text.lines().filter(l -> l.startsWith("To:")).findFirst()
                            .orElseThrow().substring(3)).tag();
                    ack[0] = INVITE.replace("INVITE sip", "ACK sip").replace("1 INVITE", "1 ACK")
                            .replace("branch=z9hG4bK-inv1", "branch=z9hG4bK-ack2")
                            .replace("To: <sip:srs@127.0.0.1>", "To: <sip:srs@127.0.0.1>;tag=" + tag);
                    stack.onMessage(parse(ack[0]), udp);
                }
            }
        });
        Dialog dialog = invite.accept("application/sdp", "v=0\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(ack[0]).isNotNull();
        assertThat(events).containsExactly("invite st-1", "ack st-1");
        assertThat(dialog.isConfirmed()).isTrue();
        advanceMillis(64 * T1);
        assertThat(events).containsExactly("invite st-1", "ack st-1"); // no ACK timeout
        assertThat(dialog.isTerminated()).isFalse();
    }

    @Test
    void a2xxNeverAckedEndsTheDialogAfter64T1() throws Exception {
        stack.onMessage(parse(INVITE), udp);
        ServerInvite invite = (ServerInvite) stack.transaction(parse(INVITE));
        Dialog dialog = invite.accept("application/sdp", "v=0\r\n".getBytes(StandardCharsets.UTF_8));
        advanceMillis(64 * T1 - 10);
        assertThat(events).containsExactly("invite st-1");
        advanceMillis(10);
        assertThat(events).containsExactly("invite st-1", "acktimeout st-1");
        assertThat(dialog.isTerminated()).isTrue();
        assertThat(stack.sizes()[1]).isZero();
    }

    // --- dialogs and session timers (RFC 4028 §10) ---

    Dialog dialog(String callId) {
        return new Dialog(stack, callId, "us", "them", "sip:src@127.0.0.1:5099", 1, "<sip:srs@127.0.0.1>;tag=us",
                "<sip:src@127.0.0.1>;tag=them", List.of("<sip:proxy@127.0.0.1;lr>"), udp);
    }

    @Test
    void asRefresherWeSendAnUpdateAtHalfTheIntervalAndExpireWhenItFails() throws Exception {
        Dialog d = dialog("refresh-1");
        d.localHost = "127.0.0.1";
        d.armSessionTimer(120, true);
        advanceMillis(59_990);
        assertThat(sent()).isEmpty();
        advanceMillis(10);
        List<String> update = sent();
        assertThat(update).singleElement().asString().startsWith("UPDATE sip:src@127.0.0.1:5099 SIP/2.0")
                .contains("Session-Expires: 120;refresher=uas").contains("Route: <sip:proxy@127.0.0.1;lr>")
                .contains("From: <sip:srs@127.0.0.1>;tag=us").contains("To: <sip:src@127.0.0.1>;tag=them");
        // the SRC answers 200: the timer is armed again, and the next refresh comes 60 s later
        SipRequest sentUpdate = parse(update.get(0));
        stack.onMessage(SipResponse.to(sentUpdate, 200, "OK", "them"), udp);
        advanceMillis(60_000);
        List<String> second = sent();
        assertThat(second).hasSize(1);
        // this one fails: the session has expired
        stack.onMessage(SipResponse.to(parse(second.get(0)), 481, "Call/Transaction Does Not Exist", "them"), udp);
        assertThat(events).containsExactly("expired refresh-1");
        assertThat(parse(second.get(0)).cseq().number()).isEqualTo(sentUpdate.cseq().number() + 1);
    }

    @Test
    void whenTheSrcRefreshesTheSessionExpiresUnlessItDoesInTime() {
        Dialog d = dialog("expire-1");
        d.armSessionTimer(90, false); // expires at 90 - min(32, 30) = 60 s
        advanceMillis(50_000);
        d.armSessionTimer(90, false); // a refresh: 60 s from now
        advanceMillis(59_990);
        assertThat(events).isEmpty();
        advanceMillis(10);
        assertThat(events).containsExactly("expired expire-1");
        d.terminate();
        d.armSessionTimer(90, false); // a terminated dialog arms nothing
        advanceMillis(100_000);
        assertThat(events).hasSize(1);
    }
}
