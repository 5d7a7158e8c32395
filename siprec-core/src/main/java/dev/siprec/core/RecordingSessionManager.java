package dev.siprec.core;

import dev.siprec.core.metadata.MetadataException;
import dev.siprec.core.metadata.MetadataParser;
import dev.siprec.core.metadata.RecordingMetadata;
import dev.siprec.media.MediaSession;
import dev.siprec.media.RtpPortPool;
import dev.siprec.sip.dialog.Dialog;
import dev.siprec.sip.message.NameAddress;
import dev.siprec.sip.ServerInvite;
import dev.siprec.sip.ServerRequest;
import dev.siprec.sip.SipHandler;
import dev.siprec.sip.message.SipParseException;
import dev.siprec.sip.message.SipRequest;
import dev.siprec.sip.sdp.MediaDescription;
import dev.siprec.sip.sdp.RtpMap;
import dev.siprec.sip.sdp.SdpParseException;
import dev.siprec.sip.sdp.SessionDescription;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIPREC on top of the SIP stack (RFC 7866): turns INVITEs into recording sessions
 * (body split, SDP answer, RTP ports, metadata, channel mapping) and ends each session
 * exactly once, whatever ends it.
 */
final class RecordingSessionManager implements SipHandler {

    private static final Logger log = LoggerFactory.getLogger(RecordingSessionManager.class);
    private final RecorderAnswer.CodecSupport decodable; // what config.codecs decodes

    static final int FRAME_MILLIS = 20;
    private final SiprecServer.Builder config;
    private final EventLoopGroup group;
    private final RtpPortPool ports;
    private final MetadataParser metadataParser = new MetadataParser();
    private final Map<String, ManagedSession> active = new ConcurrentHashMap<>();
    private final AtomicLong metadataErrors = new AtomicLong();
    private final AtomicLong metadataRepaired = new AtomicLong();

    private final java.util.concurrent.Executor delivery;

    RecordingSessionManager(SiprecServer.Builder config, EventLoopGroup group, RtpPortPool ports,
                            java.util.concurrent.Executor delivery) {
        this.config = config;
        this.decodable = f -> config.codecs.isSupported(f.encoding(), f.clockRate(), f.channels());
        this.group = group;
        this.ports = ports;
        this.delivery = delivery;
        this.admission = new Admission(config.maxSessions, config.maxSessionRate, config.maxStreams,
                config.memoryHeadroom);
    }

    final Admission admission;
    final ServerMetrics.Totals counters = new ServerMetrics.Totals();
    /** Set by {@link SiprecServer#drain}: new sessions get 503, the current ones go on. */
    volatile boolean draining;

    @Override
    public String unavailable() {
        return draining ? "Draining: not taking new sessions" : admission.unavailable(active.size());
    }

    @Override
    public String load() {
        return "sessions=" + active.size() + ";max=" + admission.maxSessions() + ";rtp-ports-free=" + ports.available();
    }

    /** Every active session, for the metrics' live part. */
    java.util.Collection<ManagedSession> activeView() {
        return active.values();
    }

    int rtpPorts() {
        return ports.size();
    }

    /**
     * Frames a session may queue for its listener: as configured, and never fewer than the
     * largest playout delay plus two, because a session's end delivers what it held back for
     * the delay at once (a listener that keeps up must not lose the end of a recording).
     */
    int deliveryQueueFrames() {
        long frames = config.deliveryQueueMillis / FRAME_MILLIS;
        return (int) Math.max(frames, config.maxJitterMillis / FRAME_MILLIS + 2);
    }

    List<ManagedSession> activeSessions() {
        return new ArrayList<>(active.values());
    }

    int rtpPortsInUse() {
        return ports.size() - ports.available();
    }

    long metadataRepaired() {
        return metadataRepaired.get();
    }

    long metadataErrors() {
        return metadataErrors.get();
    }

    @Override
    public void onInvite(ServerInvite invite) {
        SessionMdc.run(invite.request().callId(), null, () -> handleInvite(invite));
    }

    @Override
    public void onReInvite(Dialog dialog, ServerInvite invite) {
        SessionMdc.run(dialog.callId(), sessionId(dialog), () -> handleReInvite(dialog, invite));
    }

    @Override
    public void onUpdate(Dialog dialog, ServerRequest update) {
        SessionMdc.run(dialog.callId(), sessionId(dialog), () -> handleUpdate(dialog, update));
    }

    @Override
    public void onSessionExpired(Dialog dialog) {
        SessionMdc.run(dialog.callId(), sessionId(dialog), () -> handleSessionExpired(dialog));
    }

    @Override
    public void onBye(Dialog dialog, SipRequest bye) {
        SessionMdc.run(dialog.callId(), sessionId(dialog), () -> handleBye(dialog, bye));
    }

    @Override
    public void onCancel(ServerInvite invite) {
        SessionMdc.run(invite.request().callId(), sessionId(invite.attachment()), () -> handleCancel(invite));
    }

    @Override
    public void onAckTimeout(Dialog dialog) {
        SessionMdc.run(dialog.callId(), sessionId(dialog), () -> handleAckTimeout(dialog));
    }

    @Override
    public void onAck(Dialog dialog, SipRequest ack) {
        SessionMdc.run(dialog.callId(), sessionId(dialog), () -> handleAck(dialog, ack));
    }

    private static String sessionId(Dialog dialog) {
        return sessionId(dialog.attachment());
    }

    private static String sessionId(Object attachment) {
        return attachment instanceof ManagedSession s ? s.id() : null;
    }

    /**
     * A new INVITE, in steps: refuse at once what we cannot take (draining, overload), read the
     * request (SIPREC or not, body parts), negotiate the offer, read the metadata, map streams
     * to channels, set the media up, then bind the ports and answer. Each step that refuses
     * answers the INVITE itself and returns null (or true).
     */
    private void handleInvite(ServerInvite invite) {
        if (refusedAtOnce(invite)) {
            return;
        }
        RecordingRequest request = recordingRequest(invite);
        if (request == null) {
            return;
        }
        Offer offer = negotiate(invite, request);
        if (offer == null) {
            return;
        }
        MetadataRead metadata = readMetadata(invite, request, offer);
        if (metadata == null) {
            return;
        }
        List<RecordedChannel> channels = mapChannels(metadata.metadata(), offer.received(), offer.sdp());
        ManagedSession session = newSession(invite, request, offer, metadata, channels);
        int[] legOf = setUpMedia(invite, session, offer, channels);
        bindAndAnswer(invite, session, offer, channels, legOf);
    }

    /** What the INVITE asks for: whether it is a recording session, its body's parts. */
    private record RecordingRequest(SipRequest sip, InviteBody body, boolean siprec, boolean lateOffer) {
    }

    /** The SRC's offer and what we answer to each of its m-lines; {@code received} are the accepted ones. */
    private record Offer(SessionDescription sdp, List<NegotiatedStream> negotiated, List<NegotiatedStream> received) {
    }

    /** The metadata as read (or as Cisco's headers give it), and what was wrong with it, if anything. */
    private record MetadataRead(RecordingMetadata metadata, String problem) {
    }

    /** Draining or overloaded: 503 with Retry-After at once, before anything is parsed. */
    private boolean refusedAtOnce(ServerInvite invite) {
        if (draining) {
            // RFC 3261 §21.5.4: the SBC tries the next SRS of its group (RFC 3263 §4.3)
            counters.refused.increment();
            invite.reject(503, "Draining: not taking new sessions", "Retry-After", "60");
            return true;
        }
        // admission first: an overloaded server answers at once and keeps the calls it has
        String refused = admission.refuse(active.size());
        if (refused != null) {
            counters.refused.increment();
            invite.reject(503, refused, "Retry-After", refused.startsWith("Too many new") ? "1" : "5");
            return true;
        }
        return false;
    }

    /** Splits the body and decides whether this is a recording session we take; null when refused. */
    private RecordingRequest recordingRequest(ServerInvite invite) {
        SipRequest request = invite.request();
        InviteBody body;
        try {
            body = InviteBody.of(request);
        } catch (SipParseException e) {
            invite.reject(e.statusCode(), e.reason());
            return null;
        }
        boolean siprec = isRecordingSession(request, body, config.detection);
        if (!siprec && config.nonRecording == SiprecServer.NonRecording.REJECT) {
            invite.reject(403, "Not a SIPREC recording session (RFC 7866)");
            return null;
        }
        // no offer in the INVITE (CUCM's built-in bridge sends no body at all): ours goes in the
        // 200 OK, the SRC's answer comes in the ACK (LateOffer). A SIPREC body with metadata but no
        // SDP part is a broken request instead (RFC 7866 §6.1 asks for the offer beside it): 488.
        boolean lateOffer = body.sdp() == null && body.metadata() == null;
        if (body.sdp() == null && body.metadata() != null) {
            invite.reject(488, "No SDP offer beside the recording metadata", "Warning",
                    "399 siprec \"SDP offer required with the metadata\"");
            return null;
        }
        if (lateOffer && config.srtp == SiprecServer.Srtp.REQUIRED) {
            invite.reject(488, "No SDP offer in the INVITE, and SRTP is required", "Warning",
                    "399 siprec \"SDP offer with SRTP required\"");
            return null;
        }
        return new RecordingRequest(request, body, siprec, lateOffer);
    }

    /** Parses the offer and chooses what we receive on each m-line; null when refused (400, 488, 503). */
    private Offer negotiate(ServerInvite invite, RecordingRequest request) {
        SessionDescription offer;
        try {
            offer = SessionDescription.parse(request.lateOffer() ? LateOffer.VIRTUAL_OFFER
                    : new String(request.body().sdp(), StandardCharsets.UTF_8));
        } catch (SdpParseException e) {
            invite.reject(400, "Malformed SDP: " + e.getMessage());
            return null;
        }
        List<NegotiatedStream> negotiated = RecorderAnswer.negotiate(offer, decodable, config.srtp);
        List<NegotiatedStream> received = new ArrayList<>();
        for (NegotiatedStream n : negotiated) {
            if (n.accepted()) {
                received.add(n);
            }
        }
        String tooMany = admission.refuseStreams(received.size());
        if (tooMany != null) {
            invite.reject(503, tooMany, "Retry-After", "60");
            return null;
        }
        if (received.isEmpty()) {
            String why = negotiated.stream().map(NegotiatedStream::declined).filter(java.util.Objects::nonNull)
                    .filter(r -> !r.startsWith("no codec")).findFirst().orElse(null);
            if (why != null) { // an SRTP matter: say which
                invite.reject(488, "Not acceptable: " + why, "Warning", "305 siprec \"" + why.replace('"', '\'') + "\"");
            } else {
                invite.reject(488, "No audio stream offers a codec we decode ("
                        + String.join(", ", config.codecs.encodings()) + ")",
                        "Warning", "305 siprec \"Incompatible media format\"");
            }
            return null;
        }
        return new Offer(offer, negotiated, received);
    }

    /**
     * Reads the RS-Metadata (repairing what real SRCs get wrong) or, without participants,
     * Cisco's headers; null when malformed metadata is refused (400).
     */
    private MetadataRead readMetadata(ServerInvite invite, RecordingRequest request, Offer offer) {
        RecordingMetadata metadata = RecordingMetadata.EMPTY;
        String problem = null;
        List<String> repairs = new ArrayList<>(request.body().repairs());
        String callId = request.sip().callId();
        if (request.body().metadata() != null) {
            try {
                metadata = metadataParser.parse(request.body().metadata(), repairs);
                if (!repairs.isEmpty()) { // read, but only after repairs: say so
                    metadataRepaired.incrementAndGet();
                    problem = "repaired: " + String.join("; ", repairs);
                    log.info("call {}: metadata {}", callId, problem);
                }
            } catch (MetadataException e) {
                metadataErrors.incrementAndGet();
                problem = e.getMessage();
                log.warn("call {}: {}; recording without metadata", callId, problem);
                if (config.rejectMalformedMetadata) {
                    invite.reject(400, "Malformed recording metadata");
                    return null;
                }
            }
        }
        if (metadata.participants().isEmpty()) {
            RecordingMetadata cisco = CiscoNetworkRecording.participants(request.sip(), offer.sdp());
            if (cisco != null) { // Cisco network-based recording: the parties come in headers
                metadata = cisco;
            }
        }
        return new MetadataRead(metadata, problem);
    }

    /** The session, on the loop that will run it; from here on this INVITE's log lines name it. */
    private ManagedSession newSession(ServerInvite invite, RecordingRequest request, Offer offer,
                                      MetadataRead metadata, List<RecordedChannel> channels) {
        EventLoop loop = group.next();
        ManagedSession session = new ManagedSession(UUID.randomUUID().toString(), request.sip(), invite.transport(),
                invite.remoteAddress(), loop, config.listener, metadata.metadata(), metadata.problem(), channels,
                config.sampleRate, request.siprec(), delivery, deliveryQueueFrames());
        org.slf4j.MDC.put(SessionMdc.SESSION_ID, session.id()); // the rest of this INVITE's lines
        session.onHold = !request.lateOffer() && allOnHold(offer.received());
        session.awaitingAnswer = request.lateOffer();
        return session;
    }

    /**
     * One media leg per stream, in channel order (a stereo stream kept as two channels has one
     * leg that feeds its channel and the next); the session now owns them and is active.
     *
     * @return the leg of each channel
     */
    private int[] setUpMedia(ServerInvite invite, ManagedSession session, Offer offer, List<RecordedChannel> channels) {
        List<MediaSession.LegSpec> legs = new ArrayList<>();
        int[] legOf = new int[channels.size()];
        for (int c = 0; c < channels.size(); c++) {
            RecordedChannel ch = channels.get(c);
            if (isRightChannel(channels, c)) {
                legOf[c] = legOf[c - 1];
                continue;
            }
            NegotiatedStream n = offer.negotiated().get(ch.mLineIndex());
            int right = c + 1 < channels.size() && isRightChannel(channels, c + 1) ? c + 1 : -1;
            legOf[c] = legs.size();
            legs.add(legSpec(ch.index(), n.codec(), n.telephoneEvent(), n.comfortNoise(), right, n.alternates()));
        }
        session.media = new MediaSession(session.loop(), legs,
                new MediaSession.Settings(config.sampleRate, channels.size(), FRAME_MILLIS, config.jitterMillis,
                        config.maxJitterMillis, config.latchSources, config.receiverReports),
                new dev.siprec.media.FrameSink() {
                    @Override
                    public void onFrame(long position, short[] samples, int samplesPerChannel, int channelCount,
                                        long concealedChannels, long[] arrivalNanos) {
                        session.onFrame(position, samples, samplesPerChannel, concealedChannels, arrivalNanos);
                    }

                    @Override
                    public void onTelephoneEvent(int channel, int event, long position, int durationMillis) {
                        session.onTelephoneEvent(channel, event, position, durationMillis);
                    }
                }, System::nanoTime, config.codecs);
        session.media.allowSources(config.allowRtp);
        invite.attachment(session);
        session.inviteTransaction = invite;
        session.fatal = fatal;
        session.media.onFatalError(fatal);
        session.stopper(stopped -> end(stopped, EndReason.STOPPED));
        session.snapshotter(this::requestSnapshot);
        active.put(session.id(), session);
        return legOf;
    }

    /**
     * Binds the legs' ports, registers the streams and answers on the session's loop; no port
     * left gives 503.
     */
    private void bindAndAnswer(ServerInvite invite, ManagedSession session, Offer offer,
                               List<RecordedChannel> channels, int[] legOf) {
        SipRequest request = invite.request();
        List<NegotiatedStream> negotiated = offer.negotiated();
        String address = advertisedAddress(request);
        InetAddress bindAddress;
        try {
            bindAddress = config.mediaAddress != null ? config.mediaAddress : InetAddress.getByName("0.0.0.0");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        session.media.bind(bindAddress, ports).whenCompleteAsync((bound, error) -> {
            if (error != null) {
                log.warn("call {}: {}", request.callId(), error.getMessage());
                invite.reject(503, "No RTP port available", "Retry-After", "5");
                end(session, EndReason.SETUP_FAILED);
                return;
            }
            int[] byMLine = registerStreams(session, channels, negotiated, legOf, bound);
            long sessionId = ThreadLocalRandom.current().nextLong(1L << 40);
            session.answer = LocalAnswer.first(offer.sdp(), negotiated, byMLine, address, sessionId, config.codecs);
            if (config.answerDelayMillis > 0) {
                session.loop().schedule(() -> answer(invite, session), config.answerDelayMillis, TimeUnit.MILLISECONDS);
            } else {
                answer(invite, session);
            }
        }, session.loop());
    }

    /**
     * The streams on their bound ports: keys for SRTP, which leg feeds which channel, the
     * source address latching prefers and where the latch probe goes.
     *
     * @return the port of each m-line (0 where declined)
     */
    private int[] registerStreams(ManagedSession session, List<RecordedChannel> channels,
                                  List<NegotiatedStream> negotiated, int[] legOf, int[] bound) {
        int[] byMLine = new int[negotiated.size()];
        for (int ci = 0; ci < channels.size(); ci++) {
            if (isRightChannel(channels, ci)) {
                continue; // fed by the leg of the channel before it
            }
            RecordedChannel c = channels.get(ci);
            NegotiatedStream n = negotiated.get(c.mLineIndex());
            int leg = legOf[ci];
            byMLine[c.mLineIndex()] = bound[leg];
            ManagedSession.ReceivedStream stream = new ManagedSession.ReceivedStream(c.label(), leg, c.index(),
                    bound[leg], c.mLineIndex());
            Sdes.Choice crypto = n.crypto();
            if (crypto != null) {
                stream.crypto = crypto;
                session.media.secure(leg, crypto.inbound(), crypto.outbound());
            }
            if (ci + 1 < channels.size() && isRightChannel(channels, ci + 1)) {
                stream.rightChannel = ci + 1;
            }
            session.addStream(stream);
            session.media.preferSource(leg, sourceAddress(n)); // media latching prefers the SDP's address
            if (config.latchProbe && n.remote() != null && !n.remote().isHold() && n.remotePort() > 0) {
                session.probeTargets.put(leg, InetSocketAddress.createUnresolved(n.remote().address(), n.remotePort()));
            }
        }
        return byMLine;
    }

    /** RFC 7866 §6.1.1 and what real SRCs send instead (see {@link SiprecServer.Detection}). */
    static boolean isRecordingSession(SipRequest request, InviteBody body, SiprecServer.Detection detection) {
        boolean required = request.hasOptionTag("Require", "siprec");
        boolean srcTag = false;
        boolean looseTag = false;
        for (String contact : request.headerElements("Contact")) {
            NameAddress c = NameAddress.parse(contact);
            srcTag |= c.hasParam("+sip.src");
            String uri = c.uri().toLowerCase(java.util.Locale.ROOT);
            looseTag |= c.hasParam("src") || c.hasParam("+sip-src") || uri.contains(";+sip.src")
                    || uri.contains(";src") || uri.contains(";+sip-src");
        }
        if (detection == SiprecServer.Detection.STRICT) {
            return required && srcTag;
        }
        return required || srcTag || looseTag || request.hasOptionTag("Supported", "siprec")
                || body.metadata() != null;
    }

    /** Runs on the session's loop: the timeline starts, then the 200 OK goes out. */
    private void answer(ServerInvite invite, ManagedSession session) {
        if (session.isEnded()) {
            // stopped or shut down before the answer (a CANCEL already got its 487)
            invite.reject(480, "Recording stopped");
            return;
        }
        session.media.start(); // before the 200: the SRC may send RTP the moment it has our answer
        Dialog dialog = invite.accept("application/sdp", session.answer.body(),
                session);
        if (dialog == null) {
            end(session, invite.isCancelled() ? EndReason.CANCELLED : EndReason.SETUP_FAILED);
            return;
        }
        session.dialog = dialog;
        counters.started(session);
        session.fireStarted(); // answered: the application hears of it from here on
        session.watch(config.mediaTimeoutMillis, config.holdTimeoutMillis, config.maxDurationMillis,
                reason -> end(session, reason));
        session.probeTargets.forEach((leg, target) -> {
            try { // resolved here, off the SIP path's hot part; an SRC gives an IP address anyway
                session.media.probe(leg, new InetSocketAddress(InetAddress.getByName(target.getHostString()),
                        target.getPort()));
            } catch (UnknownHostException e) {
                log.debug("call {}: no probe to {}: {}", session.sipCallId(), target, e.getMessage());
            }
        });
    }

    /**
     * Whether the SRC has every accepted stream on hold: it says it will not send
     * ({@code inactive}, {@code recvonly}: RFC 3264 §8.4) or gives the hold address.
     */
    static boolean allOnHold(List<NegotiatedStream> streams) {
        boolean any = false;
        for (NegotiatedStream n : streams) {
            if (!n.accepted()) {
                continue;
            }
            any = true;
            boolean held = n.offerDirection() == dev.siprec.sip.sdp.Direction.INACTIVE
                    || n.offerDirection() == dev.siprec.sip.sdp.Direction.RECVONLY
                    || (n.remote() != null && n.remote().isHold());
            if (!held) {
                return false;
            }
        }
        return any;
    }

    /** The unicast address the offer gives for a stream's media, or null (none, hold, a host name). */
    static InetAddress sourceAddress(NegotiatedStream n) {
        InetAddress a = n.remote() == null || n.remote().isHold() ? null : literalAddress(n.remote().address());
        return a == null || a.isAnyLocalAddress() || a.isMulticastAddress() ? null : a;
    }

    /** An IP address written as a literal, or null (a host name is never looked up here). */
    static InetAddress literalAddress(String text) {
        byte[] bytes = io.netty.util.NetUtil.createByteArrayFromIpAddressString(text);
        try {
            return bytes == null ? null : InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** A stereo stream's second channel: it follows the first and names the same m-line. */
    static boolean isRightChannel(List<RecordedChannel> channels, int c) {
        return channels.get(c).stereoRight();
    }

    /** Whether a stream is recorded on two channels: asked for, and the offer says it is stereo. */
    private boolean keptStereo(NegotiatedStream n, SessionDescription offer) {
        if (!config.keepStereo || n.codec().channels() != 2 || !n.codec().encoding().equalsIgnoreCase("opus")) {
            return false;
        }
        String fmtp = offer.media().get(n.index()).fmtp(n.codec().payloadType());
        if (fmtp == null) {
            return false;
        }
        for (String param : fmtp.split(";")) {
            String[] kv = param.trim().split("=", 2);
            if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("sprop-stereo") && kv[1].trim().equals("1")) {
                return true;
            }
        }
        return false;
    }

    private List<RecordedChannel> mapChannels(RecordingMetadata metadata, List<NegotiatedStream> received,
                                              SessionDescription offer) {
        List<ChannelMapper.Stream> streams = new ArrayList<>();
        for (NegotiatedStream n : received) {
            streams.add(new ChannelMapper.Stream(n.index(), n.label()));
        }
        ChannelMapper.Mapping mapping = config.channelMapper.map(metadata, streams);
        validate(mapping, streams.size());
        List<RecordedChannel> channels = new ArrayList<>();
        for (int c = 0; c < mapping.order().size(); c++) {
            NegotiatedStream n = received.get(mapping.order().get(c));
            RecordingMetadata.Stream ms = n.label() == null ? null : metadata.streamByLabel(n.label());
            if (ms == null) { // metadata made from Cisco headers names its streams by m-line
                ms = metadata.streams().stream()
                        .filter(st -> (CiscoNetworkRecording.STREAM_PREFIX + n.index()).equals(st.id()))
                        .findFirst().orElse(null);
            }
            List<RecordingMetadata.Participant> senders = voicesOf(metadata, ms, received.size());
            RecordingMetadata.Participant sender = senders.isEmpty() ? null : senders.get(0);
            String codec = n.codec().encoding() + "/" + n.codec().clockRate();
            channels.add(new RecordedChannel(channels.size(), n.index(), n.label(), ms == null ? null : ms.id(), sender,
                    codec, mapping.rules().get(c), senders));
            if (keptStereo(n, offer)) {
                channels.add(new RecordedChannel(channels.size(), n.index(), n.label(), ms == null ? null : ms.id(),
                        sender, codec, mapping.rules().get(c) + "+stereo-right", senders, true));
            }
        }
        return channels;
    }

    /**
     * Whose voices a stream carries: its senders per the metadata, the caller first when a
     * vendor hint names one. A recording of one stream that the metadata does not tie to
     * anyone (a mixed m-line without a label) carries everyone.
     */
    static List<RecordingMetadata.Participant> voicesOf(RecordingMetadata metadata, RecordingMetadata.Stream ms,
                                                        int streams) {
        List<RecordingMetadata.Participant> senders = new ArrayList<>(
                ms == null || ms.id() == null ? List.of() : metadata.sendersOf(ms.id()));
        if (senders.isEmpty() && streams == 1) {
            for (RecordingMetadata.Participant p : metadata.participants()) {
                if (p.id() != null) {
                    senders.add(p);
                }
            }
        }
        if (senders.size() > 1) {
            dev.siprec.core.metadata.CallerHint hint = dev.siprec.core.metadata.CallerHint.of(metadata);
            if (hint != null) {
                senders.sort(java.util.Comparator.comparing(p -> !hint.participantId().equals(p.id())));
            }
        }
        return senders;
    }

    private static void validate(ChannelMapper.Mapping mapping, int streams) {
        boolean[] seen = new boolean[streams];
        if (mapping.order().size() != streams || mapping.rules().size() != streams) {
            throw new IllegalStateException("ChannelMapper must place each of the " + streams + " streams once");
        }
        for (int i : mapping.order()) {
            if (i < 0 || i >= streams || seen[i]) {
                throw new IllegalStateException("ChannelMapper returned an invalid order " + mapping.order());
            }
            seen[i] = true;
        }
    }

    /** The address the SRC should send RTP to. */
    private String advertisedAddress(SipRequest request) {
        if (config.mediaAddress != null && !config.mediaAddress.isAnyLocalAddress()) {
            return config.mediaAddress.getHostAddress();
        }
        String host = request.requestUriHost();
        try {
            InetAddress a = InetAddress.getByName(host);
            if (!a.isAnyLocalAddress()) {
                return a.getHostAddress();
            }
        } catch (UnknownHostException e) {
            log.debug("Request-URI host {} does not resolve", host);
        }
        return InetAddress.getLoopbackAddress().getHostAddress();
    }

    private void handleReInvite(Dialog dialog, ServerInvite invite) {
        // a re-INVITE without an offer gets our current SDP as the offer of its 2xx
        reoffer(dialog, invite.request(), (code, reason) -> invite.reject(code, reason),
                sdp -> invite.accept("application/sdp", sdp.getBytes(StandardCharsets.UTF_8)), true);
    }

    /**
     * A request inside a session that may carry a new offer and new metadata: a re-INVITE or an
     * UPDATE (RFC 3311), one path for both. The offer is answered once the streams it adds are
     * bound (the transaction waits; 100 was sent); {@code accept} gets the answer, or null when
     * there was no offer and {@code currentWithoutOffer} is false (an UPDATE that refreshes the
     * session or carries metadata alone).
     */
    private void reoffer(Dialog dialog, SipRequest request, java.util.function.BiConsumer<Integer, String> reject,
                         java.util.function.Consumer<String> accept, boolean currentWithoutOffer) {
        ManagedSession session = (ManagedSession) dialog.attachment();
        if (session == null || session.isEnded()) {
            reject.accept(481, "Call/Transaction Does Not Exist");
            return;
        }
        InviteBody body;
        try {
            body = InviteBody.of(request);
        } catch (SipParseException e) {
            reject.accept(e.statusCode(), e.reason());
            return;
        }
        CompletableFuture<String> answer = CompletableFuture.completedFuture(
                currentWithoutOffer ? session.answer.text() : null);
        if (body.sdp() != null) {
            try {
                answer = reanswer(session, SessionDescription.parse(new String(body.sdp(), StandardCharsets.UTF_8)));
            } catch (SdpParseException e) {
                reject.accept(400, "Malformed SDP: " + e.getMessage());
                return;
            }
        }
        if (body.metadata() != null) {
            applyMetadata(session, body.metadata(), request.callId());
        }
        answer.whenComplete((sdp, error) -> {
            if (error != null) {
                reject.accept(500, "Cannot set up the offered streams");
            } else {
                accept.accept(sdp);
            }
        });
    }

    /**
     * A complete answer to a re-offer (RFC 3264 §8), directions mirrored. Streams are matched
     * to what we receive by label (by m-line index when the SRC uses no labels), so their ports
     * stay put even if the SRC reorders its m-lines. A stream the offer drops or declines (port
     * 0) is closed and frees its channel; a new label takes a free channel (a transfer replaces
     * one party's stream by another's), and is declined when none is free: a recording's
     * channels do not change.
     */
    private CompletableFuture<String> reanswer(ManagedSession session, SessionDescription offer) {
        MediaSession media = session.media;
        if (media == null) { // ended meanwhile: its media is released
            return CompletableFuture.failedFuture(new IllegalStateException("session ended"));
        }
        List<NegotiatedStream> negotiated = new ArrayList<>(RecorderAnswer.negotiate(offer, decodable, config.srtp));
        session.onHold = allOnHold(negotiated); // (hold and resume come as re-offers)
        int count = negotiated.size();
        int[] byMLine = new int[count];
        List<CompletableFuture<?>> binds = new ArrayList<>();
        synchronized (session) {
            List<ManagedSession.ReceivedStream> active = session.activeStreams();
            ManagedSession.ReceivedStream[] match = new ManagedSession.ReceivedStream[count];
            java.util.Set<ManagedSession.ReceivedStream> kept = new java.util.HashSet<>();
            for (int i = 0; i < count; i++) {
                NegotiatedStream n = negotiated.get(i);
                for (ManagedSession.ReceivedStream r : active) {
                    boolean same = n.label() != null ? n.label().equals(r.label)
                            : r.label == null && r.mLine == i;
                    if (same && !kept.contains(r)) {
                        match[i] = r;
                        break;
                    }
                }
                if (match[i] != null && n.accepted()) {
                    kept.add(match[i]);
                    match[i].mLine = i;
                    media.preferSource(match[i].leg, sourceAddress(n)); // it may have moved
                    byMLine[i] = match[i].port;
                    negotiated.set(i, keepKeys(media, keepCodec(session, media, offer, n, match[i]), match[i], binds));
                }
            }
            java.util.TreeSet<Integer> freeChannels = new java.util.TreeSet<>();
            for (int c = 0; c < session.channels().size(); c++) {
                freeChannels.add(c);
            }
            for (ManagedSession.ReceivedStream r : active) {
                if (kept.contains(r)) {
                    freeChannels.remove(r.channel);
                    freeChannels.remove(r.rightChannel);
                } else {
                    session.removeStream(r); // dropped or declined by the SRC
                }
            }
            for (int i = 0; i < count; i++) {
                NegotiatedStream n = negotiated.get(i);
                if (!n.accepted() || byMLine[i] != 0) {
                    continue;
                }
                Integer channel = freeChannels.pollFirst();
                if (channel == null) {
                    log.info("call {}: no free channel for the new stream {}; declined", session.sipCallId(), n.label());
                    negotiated.set(i, declined(n));
                    continue;
                }
                int mLine = i;
                binds.add(media.addStream(legSpec(channel, n.codec(), n.telephoneEvent(), n.comfortNoise(), -1,
                                n.alternates()))
                        .thenCompose(r -> (n.crypto() == null ? CompletableFuture.completedFuture((Void) null)
                                : media.secure(r[0], n.crypto().inbound(), n.crypto().outbound())).thenApply(v -> r))
                        .thenAccept(r -> {
                            byMLine[mLine] = r[1];
                            media.preferSource(r[0], sourceAddress(n));
                            ManagedSession.ReceivedStream added = new ManagedSession.ReceivedStream(n.label(), r[0],
                                    channel, r[1], mLine);
                            added.crypto = n.crypto();
                            session.addStream(added);
                            session.channelTakenOver(channel, mLine, n.label(),
                                    n.codec().encoding() + "/" + n.codec().clockRate());
                        }));
            }
        }
        media.relatchSources(); // after a re-offer the SRC may send from elsewhere
        return CompletableFuture.allOf(binds.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            synchronized (session) {
                session.answer = session.answer.next(offer, negotiated, byMLine, config.codecs);
                return session.answer.text();
            }
        });
    }

    /**
     * SRTP across a re-offer (RFC 4568 §7.1.4): the same key from the SRC keeps the stream as it
     * is and our answer repeats our key; a new key (or suite) re-keys the stream, which carries
     * on the SRC's rollover counter; our key stays unless the suite changed. A stream that
     * moved between RTP and SRTP is keyed or un-keyed to match.
     */
    private static NegotiatedStream keepKeys(MediaSession media, NegotiatedStream n,
                                             ManagedSession.ReceivedStream stream,
                                             List<CompletableFuture<?>> keyed) {
        Sdes.Choice before = stream.crypto;
        Sdes.Choice now = n.crypto();
        if (now == null) {
            if (before != null) {
                keyed.add(media.secure(stream.leg, null, null));
                stream.crypto = null;
            }
            return n;
        }
        Sdes.Choice answered = now;
        if (before != null && before.outbound().suite() == now.inbound().suite()) {
            answered = now.withOutbound(before.outbound());
        }
        if (before == null || !before.inbound().equals(now.inbound()) || answered.outbound() != before.outbound()) {
            keyed.add(media.secure(stream.leg, answered.inbound(), answered.outbound())); // before the answer
        }
        stream.crypto = answered;
        return new NegotiatedStream(n.index(), n.label(), n.accepted(), n.codec(), n.telephoneEvent(),
                n.comfortNoise(), n.offerDirection(), n.answerDirection(), n.remote(), n.remotePort(), answered, null,
                n.alternates());
    }

    private static NegotiatedStream declined(NegotiatedStream n) {
        return new NegotiatedStream(n.index(), n.label(), false, null, null, null, n.offerDirection(), n.answerDirection(),
                n.remote(), n.remotePort());
    }

    /**
     * RFC 3264 §8.3.2: a re-offer may change codecs. Keep the stream's current codec when it is
     * still offered (its payload type number may have changed); otherwise switch the stream's
     * decoder to the newly negotiated one.
     */
    private static NegotiatedStream keepCodec(ManagedSession session, MediaSession media, SessionDescription offer,
                                              NegotiatedStream n,
                                              ManagedSession.ReceivedStream stream) {
        MediaSession.LegSpec now = media.streamSpec(stream.leg);
        String current = now.encoding() + "/" + now.clockRate();
        MediaDescription m = offer.media().get(n.index());
        RtpMap chosen = n.codec();
        for (String f : m.formats()) {
            RtpMap map = parsePt(f) < 0 ? null : m.rtpMap(parsePt(f));
            if (map != null && current.equalsIgnoreCase(map.encoding() + "/" + map.clockRate())) {
                chosen = map;
                break;
            }
        }
        RtpMap cn = RecorderAnswer.comfortNoise(m, chosen.clockRate());
        RtpMap dtmf = RecorderAnswer.telephoneEvent(m, chosen.clockRate());
        List<RtpMap> others = new ArrayList<>();
        if (n.codec() != null && n.codec().payloadType() != chosen.payloadType()) {
            others.add(n.codec());
        }
        for (RtpMap a : n.alternates()) {
            if (a.payloadType() != chosen.payloadType()) {
                others.add(a);
            }
        }
        MediaSession.LegSpec wanted = legSpec(stream.channel, chosen, dtmf, cn, stream.rightChannel, others);
        if (!wanted.equals(now)) {
            media.changeCodec(stream.leg, wanted);
            if (!now.encoding().equalsIgnoreCase(chosen.encoding()) || now.clockRate() != chosen.clockRate()) {
                session.codecChanged(stream.channel, chosen.encoding() + "/" + chosen.clockRate());
            }
        }
        return new NegotiatedStream(n.index(), n.label(), true, chosen, dtmf, cn, n.offerDirection(),
                n.answerDirection(), n.remote(), n.remotePort(), n.crypto(), null, others);
    }

    private static MediaSession.LegSpec legSpec(int channel, RtpMap codec, RtpMap telephoneEvent, RtpMap comfortNoise,
                                                int rightChannel, List<RtpMap> alternates) {
        List<MediaSession.LegSpec.Format> formats = new ArrayList<>(alternates.size());
        for (RtpMap a : alternates) {
            formats.add(new MediaSession.LegSpec.Format(a.payloadType(), a.encoding(), a.clockRate(), a.channels()));
        }
        return new MediaSession.LegSpec(channel, codec.payloadType(), codec.encoding(), codec.clockRate(),
                codec.channels(), telephoneEvent == null ? -1 : telephoneEvent.payloadType(),
                comfortNoise == null ? -1 : comfortNoise.payloadType(), rightChannel, formats);
    }

    private static int parsePt(String f) {
        try {
            return Integer.parseInt(f);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void handleUpdate(Dialog dialog, ServerRequest update) {
        // RFC 3311: an offer gets an answer; metadata alone or a bare session refresh gets 200
        reoffer(dialog, update.request(), (code, reason) -> update.reject(code, reason), sdp -> {
            if (sdp != null) {
                update.accept("application/sdp", sdp.getBytes(StandardCharsets.UTF_8));
            } else {
                update.accept(null, null);
            }
        }, false);
    }

    private void applyMetadata(ManagedSession session, byte[] xml, String callId) {
        try {
            List<String> repairs = new ArrayList<>();
            session.updateMetadata(metadataParser.parse(xml, repairs), null);
            if (!repairs.isEmpty()) {
                metadataRepaired.incrementAndGet();
                log.info("call {}: metadata update repaired: {}", callId, String.join("; ", repairs));
            }
        } catch (MetadataException e) {
            metadataErrors.incrementAndGet();
            log.warn("call {}: metadata update unreadable: {}", callId, e.getMessage());
            session.updateMetadata(null, e.getMessage());
        }
    }

    /** RFC 7866 snapshot request by UPDATE; the snapshot may come in the 2xx or in a later request. */
    private CompletableFuture<RecordingMetadata> requestSnapshot(ManagedSession session) {
        CompletableFuture<RecordingMetadata> result = new CompletableFuture<>();
        // on the session's loop: after answer(), so the dialog of an answered session is known
        session.loop().execute(() -> {
            Dialog dialog = session.dialog;
            if (dialog == null || session.isEnded()) {
                result.completeExceptionally(new IllegalStateException("session not established"));
                return;
            }
            session.awaitSnapshot(result);
            dialog.update("application/rs-metadata-request",
                    "SRS requests a complete metadata snapshot".getBytes(StandardCharsets.UTF_8),
                    "Content-Disposition", "recording-session").whenComplete((response, error) -> {
                        if (error != null) {
                            result.completeExceptionally(error);
                        } else if (response.statusCode() >= 300) {
                            result.completeExceptionally(new IllegalStateException("the SRC answered "
                                    + response.statusCode() + " " + response.reasonPhrase()
                                    + " to the snapshot request"));
                        } else {
                            try {
                                InviteBody body = InviteBody.of(response);
                                if (body.metadata() != null) {
                                    applyMetadata(session, body.metadata(), dialog.callId());
                                }
                            } catch (SipParseException e) {
                                log.warn("call {}: unreadable body in the answer to a snapshot request: {}",
                                        dialog.callId(), e.reason());
                            }
                        }
                    });
        });
        return result;
    }

    // what a fatal error on a server thread does (SiprecServer stops the server)
    volatile java.util.function.Consumer<Throwable> fatal = cause -> { };

    @Override
    public void onFatalError(Throwable cause) {
        fatal.accept(cause);
    }

    private void handleSessionExpired(Dialog dialog) {
        if (dialog.attachment() instanceof ManagedSession session) {
            log.warn("call {}: session timer expired; ending the session", dialog.callId());
            end(session, EndReason.SESSION_EXPIRED);
        }
    }

    @Override
    public void onAck(Dialog dialog) {
        // the session is confirmed; nothing changes for the recording
    }

    private void handleAck(Dialog dialog, SipRequest ack) {
        if (dialog.attachment() instanceof ManagedSession session && session.awaitingAnswer) {
            session.awaitingAnswer = false;
            takeLateAnswer(session, ack);
        }
        onAck(dialog);
    }

    /**
     * The SRC's answer to the offer of our 2xx, from the ACK (RFC 3261 §13.2.1, plain SDP or
     * multipart with metadata): each stream takes the first codec the SRC answered (the others
     * it answered stay switchable), the address it gives and its label; a stream it declined
     * is closed; metadata applies as an update. An ACK without an answer leaves nothing to
     * record: the session ends with a BYE (SETUP_FAILED).
     */
    private void takeLateAnswer(ManagedSession session, SipRequest ack) {
        InviteBody body = null;
        SessionDescription answer = null;
        try {
            body = InviteBody.of(ack);
            if (body.sdp() != null) {
                answer = SessionDescription.parse(new String(body.sdp(), StandardCharsets.UTF_8));
            }
        } catch (SipParseException | SdpParseException e) {
            log.warn("call {}: unreadable answer in the ACK: {}", session.sipCallId(), e.getMessage());
        }
        if (answer == null) {
            log.warn("call {}: no SDP answer in the ACK to our offer; ending the session", session.sipCallId());
            end(session, EndReason.SETUP_FAILED);
            return;
        }
        MediaSession media = session.media;
        if (media == null || session.isEnded()) {
            return; // ended meanwhile (a CANCEL, a shutdown): nothing left to set up
        }
        java.util.Map<Integer, String> labels = new java.util.HashMap<>();
        boolean any = false;
        synchronized (session) {
            for (ManagedSession.ReceivedStream r : session.activeStreams()) {
                MediaDescription m = r.mLine < answer.media().size() ? answer.media().get(r.mLine) : null;
                List<RtpMap> codecs = new ArrayList<>();
                if (m != null) {
                    for (String f : m.formats()) {
                        RtpMap map = parsePt(f) < 0 ? null : m.rtpMap(parsePt(f));
                        if (map != null && !map.isTelephoneEvent() && !map.isComfortNoise()
                                && decodable.supports(map)) {
                            codecs.add(map);
                        }
                    }
                }
                dev.siprec.sip.sdp.Direction d = m == null ? null : answer.effectiveDirection(m);
                if (m == null || m.port() == 0 || codecs.isEmpty() || d == dev.siprec.sip.sdp.Direction.INACTIVE
                        || d == dev.siprec.sip.sdp.Direction.RECVONLY) {
                    session.removeStream(r); // declined, or nothing it would send that we decode
                    continue;
                }
                any = true;
                RtpMap chosen = codecs.get(0);
                media.changeCodec(r.leg, legSpec(r.channel, chosen, RecorderAnswer.telephoneEvent(m, chosen.clockRate()),
                        RecorderAnswer.comfortNoise(m, chosen.clockRate()), r.rightChannel,
                        codecs.subList(1, codecs.size())));
                session.codecChanged(r.channel, chosen.encoding() + "/" + chosen.clockRate());
                dev.siprec.sip.sdp.Connection c = answer.effectiveConnection(m);
                InetAddress from = c == null || c.isHold() ? null : literalAddress(c.address());
                media.preferSource(r.leg, from == null || from.isAnyLocalAddress() ? null : from);
                if (m.label() != null) {
                    labels.put(r.mLine, m.label());
                }
            }
        }
        if (!any) {
            log.warn("call {}: the SRC's answer in the ACK keeps no stream; ending the session", session.sipCallId());
            end(session, EndReason.SETUP_FAILED);
            return;
        }
        session.labelStreams(labels);
        if (body.metadata() != null) {
            applyMetadata(session, body.metadata(), session.sipCallId());
        }
    }

    private void handleBye(Dialog dialog, SipRequest bye) {
        if (dialog.attachment() instanceof ManagedSession session) {
            end(session, EndReason.BYE);
        }
    }

    private void handleCancel(ServerInvite invite) {
        if (invite.attachment() instanceof ManagedSession session) {
            end(session, EndReason.CANCELLED);
        }
    }

    private void handleAckTimeout(Dialog dialog) {
        if (dialog.attachment() instanceof ManagedSession session) {
            log.warn("call {}: no ACK for our 200 OK; ending the session", dialog.callId());
            end(session, EndReason.ACK_TIMEOUT);
        }
    }

    void end(ManagedSession session, EndReason reason) {
        if (session.end(reason)) {
            session.ended().whenComplete((r, e) -> active.remove(session.id()));
        }
    }
}
