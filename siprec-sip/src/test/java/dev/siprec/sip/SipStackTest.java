package dev.siprec.sip;

import dev.siprec.testing.Await;
import java.time.Duration;

import dev.siprec.sip.dialog.Dialog;
import dev.siprec.sip.message.SipMessage;
import dev.siprec.sip.message.SipMessageParser;
import dev.siprec.sip.message.SipRequest;
import dev.siprec.sip.message.SipResponse;
import dev.siprec.sip.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stack against a raw socket client on loopback: what a UAS owes for each request. */
class SipStackTest {

    static final long T1 = 25; // short timers keep the 64*T1 tests quick

    EventLoopGroup group;
    SipStack stack;
    volatile boolean autoAccept = true;
    volatile boolean holdReInvites;
    volatile Dialog lastDialog;
    DatagramSocket udp;
    InetSocketAddress server;

    final EventRecordingHandler handler = new EventRecordingHandler() {
        @Override
        public void onInvite(ServerInvite invite) {
            super.onInvite(invite);
            if (autoAccept) {
                invite.accept("application/sdp", "v=0\r\n".getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public void onReInvite(Dialog dialog, ServerInvite invite) {
            super.onReInvite(dialog, invite);
            if (!holdReInvites) {
                invite.accept("application/sdp", "v=0\r\n".getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public void onUpdate(Dialog dialog, ServerRequest update) {
            super.onUpdate(dialog, update);
            update.accept("application/sdp", "v=0\r\n".getBytes(StandardCharsets.UTF_8), "Session-Expires",
                    "1800;refresher=uac");
        }

        @Override
        public void onAck(Dialog dialog) {
            super.onAck(dialog);
            lastDialog = dialog;
        }
    };
    final List<String> events = handler.events;

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        stack = new SipStack(new SipStack.Config(Map.of(Transport.UDP, List.of(any)), "test/1",
                List.of("siprec", "timer", "100rel"), "application/sdp", "srs", ";+sip.srs", null, T1, 1, null), group, handler);
        stack.start();
        server = stack.boundAddresses(Transport.UDP).get(0);
        udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        udp.setSoTimeout(2000);
    }

    @AfterEach
    void stop() {
        udp.close();
        stack.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    String request(String method, String callId, int cseq, String branch, String toTag, String extra) {
        return method + " sip:srs@127.0.0.1:" + server.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + udp.getLocalPort() + ";branch=" + branch + "\r\n"
                + "From: <sip:src@127.0.0.1>;tag=src1\r\n"
                + "To: <sip:srs@127.0.0.1>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n"
                + "Contact: <sip:src@127.0.0.1:" + udp.getLocalPort() + ">;+sip.src\r\n"
                + "Max-Forwards: 70\r\n" + extra + "Content-Length: 0\r\n\r\n";
    }

    void send(String message) throws IOException {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        udp.send(new DatagramPacket(b, b.length, server));
    }

    SipResponse receive() throws Exception {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        udp.receive(p);
        return (SipResponse) SipMessageParser.parseDatagram(buf, 0, p.getLength());
    }

    SipResponse receiveFinal() throws Exception {
        while (true) {
            SipResponse r = receive();
            if (r.statusCode() >= 200) {
                return r;
            }
        }
    }

    void assertNothingWithin(int millis) throws Exception {
        udp.setSoTimeout(millis);
        try {
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            udp.receive(p);
            throw new AssertionError("unexpected: " + new String(buf, 0, p.getLength(), StandardCharsets.UTF_8));
        } catch (SocketTimeoutException expected) {
            // nothing came
        } finally {
            udp.setSoTimeout(2000);
        }
    }

    String ack(String callId, int cseq, String toTag) {
        return request("ACK", callId, cseq, "z9hG4bK-ack" + cseq, toTag, "");
    }

    @Test
    void inviteGets100ThenA200WithContactAndItIsRetransmittedUntilAck() throws Exception {
        send(request("INVITE", "c1", 1, "z9hG4bK-i1", null, ""));
        SipResponse trying = receive();
        assertThat(trying.statusCode()).isEqualTo(100);
        SipResponse ok = receive();
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.header("Contact")).isEqualTo("<sip:srs@127.0.0.1:" + server.getPort() + ">;+sip.srs");
        assertThat(ok.header("Supported")).isEqualTo("siprec, timer, 100rel");
        assertThat(ok.header("Server")).isEqualTo("test/1");
        String tag = ok.to().tag();
        assertThat(tag).isNotNull();
        SipResponse again = receive(); // RFC 3261 §13.3.1.4: retransmitted at T1
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.to().tag()).isEqualTo(tag);
        send(ack("c1", 1, tag));
        send(ack("c1", 1, tag)); // retransmitted ACK: absorbed
        drainFor(8 * T1);
        assertNothingWithin((int) (8 * T1));
        assertThat(events).containsExactly("invite c1", "ack c1");
    }

    private void drainFor(long millis) throws Exception {
        udp.setSoTimeout((int) millis);
        try {
            byte[] buf = new byte[65536];
            while (true) {
                udp.receive(new DatagramPacket(buf, buf.length)); // responses or our retransmitted requests
            }
        } catch (SocketTimeoutException done) {
            udp.setSoTimeout(2000);
        }
    }

    @Test
    void retransmittedInviteIsAbsorbedAndAnsweredFromTheTransaction() throws Exception {
        autoAccept = false;
        String invite = request("INVITE", "c2", 1, "z9hG4bK-i2", null, "");
        send(invite);
        assertThat(receive().statusCode()).isEqualTo(100);
        send(invite);
        assertThat(receive().statusCode()).isEqualTo(100); // the last response, again
        assertThat(events).containsExactly("invite c2");
    }

    @Test
    void noAckEndsTheDialogAfter64T1() throws Exception {
        send(request("INVITE", "c3", 1, "z9hG4bK-i3", null, ""));
        String tag = receiveFinal().to().tag();
        Await.until("the ACK timeout", Duration.ofMillis(64 * T1 + 2000), () -> events.contains("acktimeout c3"));
        assertThat(events).containsExactly("invite c3", "acktimeout c3");
        drainFor(50);
        send(request("BYE", "c3", 2, "z9hG4bK-b3", tag, ""));
        assertThat(receive().statusCode()).isEqualTo(481);
    }

    @Test
    void cancelBeforeTheAnswerGives200And487() throws Exception {
        autoAccept = false;
        send(request("INVITE", "c4", 1, "z9hG4bK-i4", null, ""));
        assertThat(receive().statusCode()).isEqualTo(100);
        send(request("CANCEL", "c4", 1, "z9hG4bK-i4", null, ""));
        SipResponse a = receive();
        SipResponse b = receive();
        assertThat(List.of(a.statusCode() + " " + a.cseq().method(), b.statusCode() + " " + b.cseq().method()))
                .containsExactlyInAnyOrder("200 CANCEL", "487 INVITE");
        SipResponse terminated = a.statusCode() == 487 ? a : b;
        send(request("ACK", "c4", 1, "z9hG4bK-i4", terminated.to().tag(), ""));
        drainFor(200);
        assertNothingWithin(300); // the ACK stopped the 487 retransmissions
        assertThat(events).containsExactly("invite c4", "cancel c4");
    }

    @Test
    void cancelOfAnUnknownTransactionIs481() throws Exception {
        send(request("CANCEL", "nope", 1, "z9hG4bK-unknown", null, ""));
        SipResponse r = receive();
        assertThat(r.statusCode()).isEqualTo(481);
    }

    @Test
    void byeEndsTheDialogAndLaterRequestsInItGet481() throws Exception {
        String tag = establish("c5");
        send(request("BYE", "c5", 2, "z9hG4bK-b5", tag, ""));
        assertThat(receive().statusCode()).isEqualTo(200);
        // the application heard of the BYE before the SRC got its 200: a shutdown right after
        // the 200 cannot overtake it
        assertThat(events).contains("bye c5");
        send(request("BYE", "c5", 2, "z9hG4bK-b5", tag, "")); // retransmission: same answer, no second event
        assertThat(receive().statusCode()).isEqualTo(200);
        send(request("BYE", "c5", 3, "z9hG4bK-b5b", tag, ""));
        assertThat(receive().statusCode()).isEqualTo(481);
        assertThat(events).containsExactly("invite c5", "ack c5", "bye c5");
        // Timer J and the INVITE's accepted state run out
        Await.until("no transaction or dialog left", Duration.ofMillis(64 * T1 + 2000),
                () -> stack.sizes()[0] == 0 && stack.sizes()[1] == 0);
    }

    private String establish(String callId) throws Exception {
        send(request("INVITE", callId, 1, "z9hG4bK-" + callId, null, ""));
        String tag = receiveFinal().to().tag();
        send(ack(callId, 1, tag));
        drainFor(3 * T1);
        return tag;
    }

    @Test
    void reInviteGets200AndAnOutOfOrderCSeqGets500() throws Exception {
        String tag = establish("c6");
        send(request("INVITE", "c6", 5, "z9hG4bK-r6", tag, ""));
        SipResponse ok = receiveFinal();
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.header("Contact")).contains("+sip.srs");
        send(ack("c6", 5, tag));
        send(request("INVITE", "c6", 4, "z9hG4bK-r6b", tag, ""));
        SipResponse stale = receiveFinal();
        assertThat(stale.statusCode()).isEqualTo(500);
        assertThat(stale.reasonPhrase()).isEqualTo("CSeq out of order");
        assertThat(events).containsExactly("invite c6", "ack c6", "reinvite c6");
    }

    @Test
    void requireOfTimerAnd100relIsAcceptedBecauseWeNeverSendReliableProvisionals() throws Exception {
        send(request("INVITE", "rq", 1, "z9hG4bK-rq", null, "Require: siprec, 100rel, timer\r\n"));
        assertThat(receiveFinal().statusCode()).isEqualTo(200);
    }

    @Test
    void updateInfoAndPrackInADialog() throws Exception {
        String tag = establish("u1");
        send(request("UPDATE", "u1", 2, "z9hG4bK-up1", tag, ""));
        SipResponse ok = receive();
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.header("Contact")).contains("+sip.srs"); // RFC 3311 §5.2
        assertThat(ok.header("Session-Expires")).isEqualTo("1800;refresher=uac");
        send(request("INFO", "u1", 3, "z9hG4bK-info1", tag, ""));
        assertThat(receive().statusCode()).isEqualTo(200);
        send(request("PRACK", "u1", 4, "z9hG4bK-prack1", tag, ""));
        assertThat(receive().statusCode()).isEqualTo(481);
        send(request("UPDATE", "nodialog", 1, "z9hG4bK-up2", "sometag", ""));
        assertThat(receive().statusCode()).isEqualTo(481);
        send(request("UPDATE", "nodialog2", 1, "z9hG4bK-up3", null, ""));
        assertThat(receive().statusCode()).isEqualTo(481);
        assertThat(events).containsExactly("invite u1", "ack u1", "update u1");
    }

    @Test
    void anInviteOverlappingAPendingOneGets500WithRetryAfter() throws Exception {
        String tag = establish("g1");
        holdReInvites = true;
        send(request("INVITE", "g1", 2, "z9hG4bK-g1a", tag, ""));
        assertThat(receive().statusCode()).isEqualTo(100);
        send(request("INVITE", "g1", 3, "z9hG4bK-g1b", tag, ""));
        SipResponse r = receiveFinal();
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.cseq().number()).isEqualTo(3);
        assertThat(Integer.parseInt(r.header("Retry-After"))).isBetween(0, 10);
    }

    @Test
    void anOfferInAnUpdateWhileAReInviteIsPendingGets500() throws Exception {
        String tag = establish("g2");
        holdReInvites = true;
        send(request("INVITE", "g2", 2, "z9hG4bK-g2a", tag, ""));
        assertThat(receive().statusCode()).isEqualTo(100);
        String update = request("UPDATE", "g2", 3, "z9hG4bK-g2u", tag, "Content-Type: application/sdp\r\n")
                .replace("Content-Length: 0\r\n\r\n", "Content-Length: 5\r\n\r\nv=0\r\n");
        send(update);
        SipResponse r = receiveFinal();
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.reasonPhrase()).isEqualTo("Earlier offer still pending");
        send(request("UPDATE", "g2", 4, "z9hG4bK-g2v", tag, "")); // no offer: a refresh is fine
        assertThat(receiveFinal().statusCode()).isEqualTo(200);
    }

    @Test
    void aCancelAfterTheAnswerIsAnsweredAndChangesNothing() throws Exception {
        send(request("INVITE", "c9", 1, "z9hG4bK-c9", null, ""));
        SipResponse ok = receiveFinal();
        assertThat(ok.statusCode()).isEqualTo(200);
        send(request("CANCEL", "c9", 1, "z9hG4bK-c9", null, ""));
        SipResponse cancelled = receive();
        while (cancelled.cseq().method().equals("INVITE")) { // a 200 retransmission may come first
            cancelled = receive();
        }
        assertThat(cancelled.statusCode()).isEqualTo(200);
        assertThat(cancelled.cseq().method()).isEqualTo("CANCEL");
        send(ack("c9", 1, ok.to().tag()));
        drainFor(100);
        assertThat(events).containsExactly("invite c9", "ack c9"); // no cancel event, the call stands
    }

    @Test
    void byeFromUsIsRetransmittedUntilAnsweredAndCarriesTheDialog() throws Exception {
        String tag = establish("b1");
        java.util.concurrent.CompletableFuture<Integer> result = lastDialog.bye();
        SipRequest bye = receiveRequest();
        assertThat(bye.method()).isEqualTo("BYE");
        assertThat(bye.requestUri()).isEqualTo("sip:src@127.0.0.1:" + udp.getLocalPort());
        assertThat(bye.from().tag()).isEqualTo(tag);
        assertThat(bye.to().tag()).isEqualTo("src1");
        assertThat(bye.callId()).isEqualTo("b1");
        SipRequest again = receiveRequest(); // not answered yet: Timer E retransmits it
        assertThat(again.topVia().branch()).isEqualTo(bye.topVia().branch());
        SipResponse ok = SipResponse.to(bye, 200, "OK", null);
        send(new String(ok.encode(), StandardCharsets.UTF_8));
        assertThat(result.get(2, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(200);
        // the dialog is gone: the SRC's own BYE now gets 481
        send(request("BYE", "b1", 2, "z9hG4bK-b1x", tag, ""));
        assertThat(receive().statusCode()).isEqualTo(481);
    }

    @Test
    void anUnansweredByeGivesUpAfter64T1() throws Exception {
        establish("b2");
        java.util.concurrent.CompletableFuture<Integer> result = lastDialog.bye();
        assertThat(result.get(64 * T1 + 2000, java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(408);
        drainFor(50);
        Await.until("no transaction or dialog left", Duration.ofSeconds(2),
                () -> stack.sizes()[0] == 0 && stack.sizes()[1] == 0);
    }

    @Test
    void sessionTimerIsNegotiatedAndATooSmallIntervalGets422() throws Exception {
        send(request("INVITE", "st0", 1, "z9hG4bK-st0", null, "Supported: timer\r\nSession-Expires: 0\r\n"));
        SipResponse small = receiveFinal();
        assertThat(small.statusCode()).isEqualTo(422);
        assertThat(small.header("Min-SE")).isEqualTo("1");
        send(request("INVITE", "st1", 1, "z9hG4bK-st1", null,
                "Supported: timer, 100rel\r\nSession-Expires: 1800\r\nMin-SE: 90\r\n"));
        SipResponse ok = receiveFinal();
        assertThat(ok.header("Session-Expires")).isEqualTo("1800;refresher=uac");
        assertThat(ok.header("Require")).isEqualTo("timer");
        send(request("INVITE", "st2", 1, "z9hG4bK-st2", null, ""));
        SipResponse plain = receiveFinal();
        assertThat(plain.header("Session-Expires")).isNull(); // no timer asked for, none imposed
    }

    @Test
    void withoutARefreshTheSessionExpiresAndARefreshKeepsItAlive() throws Exception {
        // interval 2 s: expiry at 2 s - min(32 s, 2/3 s) = 1.33 s after the last refresh
        send(request("INVITE", "st3", 1, "z9hG4bK-st3", null, "Supported: timer\r\nSession-Expires: 2\r\n"));
        String tag = receiveFinal().to().tag();
        send(ack("st3", 1, tag));
        Thread.sleep(900);
        send(request("UPDATE", "st3", 2, "z9hG4bK-st3u", tag, "Supported: timer\r\nSession-Expires: 2\r\n"));
        drainFor(100);
        Thread.sleep(900); // a point in time: 1.8 s after the INVITE, 0.9 s after the refresh
        assertThat(events).doesNotContain("expired st3");
        Await.until("the session's expiry", Duration.ofSeconds(3), () -> events.contains("expired st3"));
    }

    @Test
    void whenTheSrcAsksUsToRefreshWeSendUpdates() throws Exception {
        send(request("INVITE", "st4", 1, "z9hG4bK-st4", null,
                "Supported: timer\r\nSession-Expires: 2;refresher=uas\r\n"));
        SipResponse ok = receiveFinal();
        assertThat(ok.header("Session-Expires")).isEqualTo("2;refresher=uas");
        send(ack("st4", 1, ok.to().tag()));
        SipRequest update = receiveRequest(); // at half the interval
        assertThat(update.method()).isEqualTo("UPDATE");
        assertThat(update.header("Session-Expires")).isEqualTo("2;refresher=uas");
        send(new String(SipResponse.to(update, 200, "OK", null).encode(), StandardCharsets.UTF_8));
        SipRequest next = receiveRequest(); // re-armed: the next refresh a second later
        assertThat(next.method()).isEqualTo("UPDATE");
        assertThat(next.cseq().number()).isEqualTo(update.cseq().number() + 1);
        send(new String(SipResponse.to(next, 481, "Gone", null).encode(), StandardCharsets.UTF_8));
        // a failed refresh ends the session
        Await.until("the session's expiry", Duration.ofSeconds(2), () -> events.contains("expired st4"));
    }

    SipRequest receiveRequest() throws Exception {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (true) {
            udp.receive(p);
            SipMessage m = SipMessageParser.parseDatagram(buf, 0, p.getLength());
            if (m instanceof SipRequest r) {
                return r;
            }
        }
    }

    @Test
    void optionsIsAnsweredWithAllowAcceptAndSupported() throws Exception {
        send(request("OPTIONS", "o1", 1, "z9hG4bK-o1", null, ""));
        SipResponse r = receive();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("Allow")).isEqualTo("INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, INFO, PRACK");
        assertThat(r.header("Accept")).isEqualTo("application/sdp");
        assertThat(r.header("Supported")).isEqualTo("siprec, timer, 100rel");
    }

    @Test
    void methodsWeDoNotTakeGet405WithAllow() throws Exception {
        send(request("SUBSCRIBE", "s1", 1, "z9hG4bK-s1", null, ""));
        SipResponse r = receive();
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.header("Allow")).contains("INVITE");
    }

    @Test
    void unknownDialogAndUnsupportedRequireAreRefused() throws Exception {
        send(request("BYE", "ghost", 1, "z9hG4bK-g", "notatag", ""));
        assertThat(receive().statusCode()).isEqualTo(481);
        send(request("INVITE", "r1", 1, "z9hG4bK-r1", null, "Require: siprec, foo\r\n"));
        SipResponse r = receiveFinal();
        assertThat(r.statusCode()).isEqualTo(420);
        assertThat(r.header("Unsupported")).isEqualTo("foo");
        assertThat(r.reasonPhrase()).isEqualTo("Bad Extension");
        assertThat(events).isEmpty();
    }

    @Test
    void malformedRequestsGet400WithAReasonAndGarbageIsDropped() throws Exception {
        send(request("OPTIONS", "m1", 1, "z9hG4bK-m1", null, "").replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE"));
        SipResponse r = receive();
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.reasonPhrase()).isEqualTo("CSeq method INVITE does not match request method OPTIONS");
        send("\u0001\u0002 binary junk");
        send("INVITE sip:x SIP/2.0\r\nCall-ID: y\r\n\r\n");
        assertNothingWithin(300);
        assertThat(stack.droppedMessages()).isEqualTo(2);
    }

    @Test
    void tcpFramesAndAnswersOverTheSameConnection() throws Exception {
        stack.close();
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        stack = new SipStack(new SipStack.Config(Map.of(Transport.TCP, List.of(any)), "test/1",
                List.of("siprec"), "application/sdp", "srs", ";+sip.srs", null, T1, 90, null), group, handler);
        stack.start();
        InetSocketAddress tcp = stack.boundAddresses(Transport.TCP).get(0);
        try (Socket s = new Socket(tcp.getAddress(), tcp.getPort())) {
            s.setSoTimeout(2000);
            String opt = request("OPTIONS", "t1", 1, "z9hG4bK-t1", null, "").replace("SIP/2.0/UDP", "SIP/2.0/TCP");
            byte[] b = (opt + "\r\n\r\n" + opt.replace("t1", "t2")).getBytes(StandardCharsets.UTF_8);
            s.getOutputStream().write(b, 0, 100);
            s.getOutputStream().flush();
            Thread.sleep(50);
            s.getOutputStream().write(b, 100, b.length - 100);
            InputStream in = s.getInputStream();
            String got = readResponses(in, 2);
            assertThat(got).contains("Call-ID: t1").contains("Call-ID: t2");
            assertThat(got.split("SIP/2.0 200 OK", -1)).hasSize(3);
        }
    }

    /** Whether the server closed the connection within {@code millis} (anything it sends is read past). */
    private static boolean closedByServer(Socket s, int millis) throws IOException {
        s.setSoTimeout(millis);
        try {
            byte[] buf = new byte[4096];
            while (true) {
                if (s.getInputStream().read(buf) < 0) {
                    return true;
                }
            }
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    @Test
    void tcpConnectionsAreCappedAndIdleOnesWithoutADialogAreClosed() throws Exception {
        stack.close();
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        // at most 3 connections, 2 from one address, closed after 400 ms idle unless a dialog uses them
        stack = new SipStack(new SipStack.Config(Map.of(Transport.TCP, List.of(any)), "test/1",
                List.of("siprec"), "application/sdp", "srs", ";+sip.srs", null, T1, 90, null, 3, 2, 400), group, handler);
        stack.start();
        InetSocketAddress tcp = stack.boundAddresses(Transport.TCP).get(0);
        InetAddress other = InetAddress.getByName("127.0.0.2");
        try (Socket a = new Socket(tcp.getAddress(), tcp.getPort());
             Socket b = new Socket(tcp.getAddress(), tcp.getPort());
             Socket c = new Socket(tcp.getAddress(), tcp.getPort()); // a third from 127.0.0.1: over its cap
             Socket d = new Socket(tcp.getAddress(), tcp.getPort(), other, 0); // another address: room
             Socket e = new Socket(tcp.getAddress(), tcp.getPort(), other, 0)) { // a fourth in all: over the cap
            assertThat(closedByServer(c, 300)).as("third connection from one address").isTrue();
            assertThat(closedByServer(e, 300)).as("fourth connection in all").isTrue();
            assertThat(stack.connectionsRefused()).isEqualTo(2);
            // a carries a dialog (INVITE answered, ACKed); b and d carry nothing and go idle
            String invite = request("INVITE", "tcp-dlg", 1, "z9hG4bK-tcpdlg", null, "")
                    .replace("SIP/2.0/UDP", "SIP/2.0/TCP");
            a.getOutputStream().write(invite.getBytes(StandardCharsets.UTF_8));
            a.setSoTimeout(2000);
            String ok = readResponses(a.getInputStream(), 1);
            String toTag = ok.substring(ok.indexOf(";tag=", ok.indexOf("To:")) + 5).split("[\\r;>]")[0];
            a.getOutputStream().write(request("ACK", "tcp-dlg", 1, "z9hG4bK-tcpack", toTag, "")
                    .replace("SIP/2.0/UDP", "SIP/2.0/TCP").getBytes(StandardCharsets.UTF_8));
            assertThat(closedByServer(b, 1500)).as("idle connection without a dialog").isTrue();
            assertThat(closedByServer(d, 500)).as("idle connection without a dialog").isTrue();
            assertThat(closedByServer(a, 1000)).as("idle connection that carries a dialog").isFalse();
            assertThat(stack.connectionsClosedIdle()).isEqualTo(2);
            assertThat(stack.connectionsOpen()).isEqualTo(1);
        }
    }

    private static String readResponses(InputStream in, int count) throws IOException {
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[4096];
        while (sb.toString().split("SIP/2.0 200 OK", -1).length <= count) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }
}
