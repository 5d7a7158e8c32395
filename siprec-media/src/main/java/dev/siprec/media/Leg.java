package dev.siprec.media;

import dev.siprec.codecs.AudioDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One received stream of a {@link MediaSession}: RTP in, PCM on the session timeline out.
 *
 * <p>Timing: the first packet of a source anchors its RTP clock to the session timeline at
 * its arrival time; later packets are placed by timestamp from that anchor (32-bit wrap is
 * followed through an extended timestamp). A new SSRC, or a timestamp that lands more than
 * {@link #RESYNC_MILLIS} away from the arrival time, re-anchors. Decoded audio is written into a
 * ring at its timeline position; {@link #fill} reads one frame and clears it, so anything not
 * written is silence and the legs can never slide against each other.
 *
 * <p>Buffer ownership: each datagram is released by {@link SimpleChannelInboundHandler} (its
 * socket's {@link RtpReceiver});
 * the jitter buffer holds one more reference to it, indices narrowed to the payload, until it
 * is decoded or cleared.
 * Everything runs on the session's event loop.
 */
final class Leg {

    private static final Logger log = LoggerFactory.getLogger(Leg.class);
    static final int RESYNC_MILLIS = 1000;
    // what a jitter-buffer slot holds
    private static final int AUDIO = 0;
    private static final int EVENT = 1;
    private static final int NOISE = 2;

    MediaSession.LegSpec spec;
    private final MediaSession session;
    private AudioDecoder decoder;
    private final int outputRate;
    // made with the other large buffers on the first valid packet (ensureBuffers)
    private JitterBuffer jitter;
    private final RtpPacket rtp = new RtpPacket();
    private final RtcpPacket rtcp = new RtcpPacket();
    private final int ringSize;
    private final byte[] scratch = new byte[2048];
    private short[] pcm;
    // one output per recorded channel: the stream's, and the next one's while a stereo stream
    // is recorded as two channels (the right side; kept, not drained, while it is down-mixed)
    private final ChannelOutput[] outputs = new ChannelOutput[2];
    private int outputCount; // 0 until the first valid packet, then 1 or 2
    private short[] secondSide; // the right side of a stereo block, split from the interleaved decode
    Channel channel;
    Channel rtcpChannel;
    boolean rtcpBinding; // the RTCP socket is being bound (MediaSession.rtcpWanted)
    int port = -1;
    boolean removed; // the SRC removed the stream (a re-offer); its audio so far stays

    private boolean synced;
    private final SourceSequence sequence = new SourceSequence();
    private long anchorExtTs;
    private long anchorPos;
    private boolean anchorPlayed; // audio placed by the current source's anchor has been played

    // Placement. A packet's nominal position comes from its timestamp and the anchor; its
    // audio lands at nominal + shift. The shift follows where the least delayed packets put
    // the leg (ClockTracker: a sender clock that runs fast or slow moves that steadily), plus
    // what sender reports ask; it changes only through the time scaler, which stretches or
    // compresses the audio by a few percent, so the audio never jumps. While the leg is where
    // it should be, audio is placed as decoded (bit-exact) and the scaler only keeps history.
    private final ClockTracker clock;
    private long shift;
    private boolean scaling;
    private long cursor; // while scaling: where the scaler's next output goes on the timeline
    private double speed; // while scaling: output samples per input sample, minus 1
    private long alignment; // moved later by sender reports (MediaSession.senderReport)
    private long lastArrivalPos;
    // far enough from its place to start correcting, and close enough to stop
    private final double startError;
    private final double stopError;
    static final double MAX_CORRECTION = 0.05; // a 2% clock error, and catching up after a stall
    static final double SLOPE_START = 3e-4;
    static final double SLOPE_STOP = 2e-4;

    private long playedEnd = Long.MIN_VALUE; // timeline position just after the last decoded packet
    private boolean codecNoise; // the codec continues its own comfort noise until the next packet
    private long received;
    private long concealedFrames;
    // RFC 3550 A.8: J += (|D| - J) / 16, with D the change in relative transit time, in RTP units
    private long lost;
    private long late;
    private long duplicate;
    private long invalid;
    private long comfortNoisePackets;
    private long rtcpPackets;

    // RTCP we send (RFC 3550 §6.4.2): where the source's RTCP comes from decides where ours goes
    private ReceptionReport report;
    private java.net.InetSocketAddress lastSender; // of RTP (latched or not)
    private java.net.InetSocketAddress rtcpSender; // of RTCP on the RTCP port
    private boolean rtcpMuxed; // RTCP arrived on the RTP port (RFC 5761)
    private long nextReportNanos = Long.MIN_VALUE;
    private long reportsSent;
    // the last sender report of the current source: its RTP and NTP times of one instant
    private long srNtp;
    private long srRtp; // extended, in this leg's timestamp space
    private boolean hasSr;

    // RFC 3389 comfort noise: from a CN packet's position until the next audio packet
    private boolean noise;
    private long noiseCursor; // timeline position up to which noise has been written
    private long noiseEnd = Long.MAX_VALUE; // where the source said BYE
    private int noiseAmplitude; // peak of the uniform noise, in 16-bit linear units
    private int noiseSeed = 0x2545F491;

    /**
     * A leg whose audio may be written up to {@code aheadMillis} past the frame being delivered:
     * the largest playout delay, plus the 1 s a timestamp may run ahead before it re-anchors.
     */
    Leg(MediaSession session, MediaSession.LegSpec spec, AudioDecoder decoder, int outputRate, int aheadMillis) {
        this.session = session;
        this.spec = spec;
        this.decoder = decoder;
        this.outputRate = outputRate;
        // a power of two above that (64 KB at 16 kHz with the default delays, not 128 KB for 2 s)
        this.ringSize = Integer.highestOneBit((int) ((long) outputRate * aheadMillis / 1000)) << 1;
        this.clock = new ClockTracker(outputRate);
        this.startError = outputRate / 500.0; // 2 ms
        this.stopError = outputRate / 4000.0; // 0.25 ms
        use(decoder);
    }

    private void use(AudioDecoder d) {
        this.decoder = d;
        if (outputCount > 0) {
            tune();
        }
    }

    /** The conversion and scaling state for the current decoder (on the first packet, and on a codec change). */
    private void tune() {
        AudioDecoder d = decoder;
        int maxSamples = d.maxSamplesPerChannel(scratch.length) * d.channels();
        this.pcm = new short[maxSamples];
        outputs[0].tune(d.sampleRate(), outputRate, maxSamples);
        if (spec.rightChannel() >= 0 && d.channels() == 2) {
            if (outputs[1] == null) {
                outputs[1] = new ChannelOutput(ringSize);
            }
            outputs[1].tune(d.sampleRate(), outputRate, maxSamples);
            secondSide = new short[maxSamples / 2];
            outputCount = 2;
        } else {
            outputCount = 1;
        }
    }

    /**
     * Makes the large buffers on the first valid packet: the jitter buffer, the ring, the
     * converter and the time scaler (together about 150 KB at 16 kHz), so that a stream that
     * never sends costs no more than its socket.
     */
    private void ensureBuffers() {
        if (outputCount == 0) {
            jitter = new JitterBuffer(512);
            outputs[0] = new ChannelOutput(ringSize);
            tune();
        }
    }

    private long otherPayloadType;
    private long formatSwitches;
    // the decoders of the answered formats this stream has used, by payload type: an SRC that
    // switches back and forth keeps their state and costs no allocation after the first switch
    private java.util.Map<Integer, AudioDecoder> decoders;

    /**
     * A packet of another answered format: what is buffered is decoded with the current
     * decoder, then the stream decodes with the one for {@code f}. The timeline goes on (the
     * formats share the RTP clock, as the offers we have seen do); a format with another RTP
     * clock rate starts its own timing anchor, as a new source would. On the loop.
     */
    private void switchFormat(MediaSession.LegSpec.Format f) {
        if (decoders == null) {
            decoders = new java.util.HashMap<>(4);
        }
        decoders.put(spec.payloadType(), decoder);
        AudioDecoder next = decoders.get(f.payloadType());
        if (next == null) {
            next = session.newDecoder(f, spec.rightChannel());
        } else {
            next.reset();
        }
        boolean sameClock = f.clockRate() == spec.clockRate();
        drainAll();
        spec = spec.switchedTo(f);
        use(next);
        formatSwitches++;
        if (!sameClock) {
            synced = false;
        }
    }

    /** Packets of a payload type not answered for the stream (dropped; not malformed). */
    long otherPayloadType() {
        return otherPayloadType;
    }

    /**
     * The SRC changed this stream's codec or payload type (a re-offer, RFC 3264 §8.3.2): decode
     * with the new one from now on; what is buffered was sent with the old one and is decoded so.
     */
    void retune(MediaSession.LegSpec newSpec, AudioDecoder newDecoder) {
        drainAll();
        this.spec = newSpec;
        decoders = null; // a re-offer may give a payload type another codec: no decoder kept by number
        use(newDecoder);
        synced = false; // the new payload starts its own timing anchor
    }

    /**
     * Receives the stream's RTP socket. One per socket: a handler that is not sharable can be
     * added to one pipeline only, and a port that turns out to be taken costs a socket (the
     * next port gets a new receiver).
     */
    final class RtpReceiver extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            long now = session.clockNanos();
            if (refusedByAccessControl(packet.sender())) {
                return;
            }
            if (!unprotect(packet.content(), false)) {
                return;
            }
            if (!acceptSource(packet.sender(), now, packet.content())) {
                otherSource++;
                return;
            }
            lastSender = packet.sender();
            onPacket(packet.content(), now);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("RTP socket error on port {}: {}", port, cause.toString());
            if (cause instanceof VirtualMachineError) {
                session.fatal(cause);
            }
        }
    }

    private final SourceLatch latch = new SourceLatch();
    private long otherSource;

    /** Whether the stream takes a datagram from {@code sender} ({@link SourceLatch}). */
    private boolean acceptSource(java.net.InetSocketAddress sender, long now, ByteBuf content) {
        if (!session.latchSources() || sender == null) {
            return true;
        }
        if (latch.fromOwner(sender, now)) {
            return true;
        }
        if (RtcpPacket.isRtcp(content)) {
            return latch.isFree(); // RTCP is taken from the owner, and claims nothing
        }
        return claims(content) && latch.takeOver(sender, now, port);
    }

    /** Access control, before anything else: a datagram from outside the allowed networks is dropped and counted. */
    private boolean refusedByAccessControl(java.net.InetSocketAddress sender) {
        if (sender != null && !session.allowsSource(sender.getAddress())) {
            otherSource++;
            return true;
        }
        return false;
    }

    /** Whether a datagram may claim the stream: valid RTP with a payload type of this stream. */
    private boolean claims(ByteBuf content) {
        if (rtp.wrap(content) != null) {
            return false;
        }
        int pt = rtp.payloadType();
        return pt == spec.payloadType() || pt == spec.telephoneEventPayloadType() || spec.isComfortNoise(pt)
                || spec.alternate(pt) != null;
    }

    /**
     * The SRC's SDP names {@code address} for this stream: a valid packet from it takes the stream
     * from any other sender at once (null: no preference).
     */
    void preferSource(java.net.InetAddress address) {
        latch.prefer(address);
    }

    /** Forgets the latched sender: the next packet's sender owns the stream. */
    void relatch() {
        latch.release();
    }

    /** Handles one datagram's content; does not take ownership of {@code content}. */
    void onPacket(ByteBuf content, long arrivalNanos) {
        if (!session.isRunning()) {
            return; // before the answer or after the end: not part of the recording
        }
        lastActivityNanos = arrivalNanos; // RTP or RTCP from the stream's source: it is alive
        if (RtcpPacket.isRtcp(content)) {
            rtcpMuxed = true;
            onRtcp(content, arrivalNanos);
            return;
        }
        String problem = rtp.wrap(content);
        if (problem != null) {
            invalid++;
            log.debug("port {}: dropped datagram: {}", port, problem);
            return;
        }
        int pt = rtp.payloadType();
        boolean comfortNoise = pt != spec.payloadType() && spec.isComfortNoise(pt);
        if (pt != spec.payloadType() && pt != spec.telephoneEventPayloadType() && !comfortNoise) {
            MediaSession.LegSpec.Format other = spec.alternate(pt);
            if (other == null) {
                otherPayloadType++;
                log.debug("port {}: dropped packet with payload type {} not answered", port, pt);
                return;
            }
            switchFormat(other); // RFC 3264 §6.1: the SRC may send any payload type we answered
        }
        boolean event = pt == spec.telephoneEventPayloadType();
        if (event && rtp.payloadLength() < 4) {
            invalid++; // RFC 4733 §2.3: an event payload is 4 octets
            return;
        }
        if (comfortNoise) {
            if (rtp.payloadLength() < 1) {
                invalid++; // RFC 3389 §3: the payload starts with the noise level
                return;
            }
            comfortNoisePackets++;
        }
        received++; // valid: everything received from here on is played, or counted as late or duplicate
        if (outputCount == 0) {
            ensureBuffers();
            session.rtcpWanted(this);
        }
        session.wake();
        long arrivalPos = session.positionAt(arrivalNanos);
        int seq = rtp.sequenceNumber();
        int ts = rtp.timestamp();
        if (!synced || rtp.ssrc() != sequence.ssrc()) {
            if (synced) {
                drainAll(); // the old source's audio still plays; then the new one takes over
            }
            synced = true;
            anchorPlayed = false; // (the buffer is empty here: drained above, or never filled)
            hasSr = false;
            sequence.start(rtp.ssrc(), seq, ts); // a new source: its transit times start afresh
            anchorExtTs = sequence.extendTs(ts);
            anchorPos = arrivalPos;
            decoder.reset();
            for (ChannelOutput o : outputs) {
                if (o != null) {
                    o.reset();
                }
            }
            noise = false;
            codecNoise = false;
            noiseEnd = Long.MAX_VALUE;
            playedEnd = Long.MIN_VALUE;
            // its own timing: placed as it arrives, measured afresh (drainAll ended any scaling)
            shift = 0;
            alignment = 0;
            clock.reset();
        }
        long extSeq = sequence.extendSeq(seq);
        int ssrc = sequence.ssrc();
        if (report != null) {
            if (!report.isSource(ssrc)) {
                report.newSource(ssrc, extSeq);
            }
            report.received();
        }
        long extTs = sequence.extendTs(ts);
        sequence.received(extSeq, ts, extTs);
        if (!event) { // event packets repeat their start timestamp: no transit time to compare
            sequence.transit(arrivalNanos, extTs, spec.clockRate());
        }
        // the nominal position: where the timestamp puts the packet; its audio goes to + shift
        long position = anchorPos + (extTs - anchorExtTs) * outputRate / spec.clockRate();
        long resync = (long) RESYNC_MILLIS * outputRate / 1000;
        // (event packets all carry their event's start timestamp: a long tone is not a jump)
        if (!event && Math.abs(position + shift - arrivalPos) > resync) {
            // a timestamp jump with no matching gap in time (source restart): follow arrival time
            anchorExtTs = extTs;
            anchorPos = arrivalPos - shift;
            position = anchorPos;
            clock.reset(); // a new anchor: measure afresh (the shift stays: no jump in the audio)
            clock.add(arrivalPos, shift);
        } else if (!event && !anchorPlayed && position + shift > arrivalPos) {
            // Earlier than the anchor says: the packet that set the anchor was held up in the
            // network longer than this one. Nothing of this source has played yet, so move the
            // anchor, and what the buffer holds, back to the quicker packet; the leg then sits
            // where its least delayed packet puts it, as the other legs do.
            long early = position + shift - arrivalPos;
            anchorPos -= early;
            position -= early;
            jitter.shiftPositions(-early);
            clock.reset();
            clock.add(arrivalPos, shift);
        } else if (!event) {
            clock.add(arrivalPos, arrivalPos - position);
        }
        lastArrivalPos = arrivalPos;
        if (event) {
            events.onPacket(content, rtp.payloadIndex(), extTs, position + shift); // where its moment plays
        }
        // Zero copy, zero allocation: the jitter buffer holds the datagram's own buffer, retained,
        // with its indices narrowed to the payload (the datagram is ours alone; its handler only
        // releases it when we return). An event packet takes its sequence number as an empty
        // payload: no false loss is counted for it, and its time is not decoded as speech.
        int from = rtp.payloadIndex();
        ByteBuf payload = content.retain().setIndex(from, from + (event ? 0 : rtp.payloadLength()));
        switch (jitter.insert(extSeq, position, payload, event ? EVENT : comfortNoise ? NOISE : AUDIO, arrivalNanos)) {
            case DUPLICATE:
                duplicate++;
                break;
            case LATE:
                late++;
                session.packetLate(Math.max(0, session.nextFramePosition() - (position + shift)));
                break;
            default:
                break;
        }
    }

    // the span of the timeline concealment wrote that is not yet all delivered
    private long concealFrom;
    private long concealTo = Long.MIN_VALUE;
    private long fillArrival;

    /**
     * Clock reading when the oldest audio packet decoded by the last {@link #fill} arrived, or
     * {@code Long.MIN_VALUE} when it decoded none.
     */
    long fillArrivalNanos() {
        return fillArrival;
    }

    /**
     * Decodes every packet due before {@code end} and writes samples {@code [start, end)} of
     * this leg into channel {@link MediaSession.LegSpec#channel()} of {@code out}.
     *
     * @return whether any of {@code [start, end)} came from loss concealment
     */
    boolean fill(long start, long end, short[] out, int channels) {
        fillArrival = Long.MIN_VALUE;
        if (outputCount == 0) {
            return false; // nothing received yet: silence, which the frame already holds
        }
        // A packet's converted audio lands the converter's delay before its place: one that
        // starts up to that delay after this frame's end still has its first samples in this
        // frame. Left for the next fill, those samples would miss their frame for good, a hole
        // at every packet boundary whenever packets start just after a frame's end. While
        // scaling, the scaler holds a few samples back until the next block: take that too.
        long due = end - shift + latency() + (scaling ? TimeScaler.HALF : 0); // a nominal position
        while (jitter.peekPosition() < due) {
            long position = jitter.peekPosition();
            ByteBuf payload = jitter.pop();
            long missing = jitter.lostOnLastPop();
            lost += missing;
            try {
                int kind = jitter.kindOfLastPop();
                if (kind == NOISE) {
                    startNoise(payload.getUnsignedByte(payload.readerIndex()), position, start);
                } else if (kind == AUDIO) {
                    anchorPlayed = true;
                    if (noise) {
                        writeNoise(position + shift, start);
                        noise = false;
                    } else if (missing > 0 && playedEnd != Long.MIN_VALUE) {
                        // counted here, once per lost packet, even when a frame delivered before
                        // this packet played has already concealed all of the gap
                        concealedFrames += missing;
                        concealGap(position, start, payload);
                    } else if (codecNoise) {
                        fillCodecSilence(position, start);
                    }
                    decodeAt(payload, position, start);
                    codecNoise = decoder.continuesNoise();
                    long arrived = jitter.arrivalOfLastPop();
                    if (fillArrival == Long.MIN_VALUE || arrived - fillArrival < 0) {
                        fillArrival = arrived; // the oldest audio in the frame: its latency is the frame's
                    }
                } // EVENT: its time is covered by the audio the SRC sends beside it, or by silence
            } finally {
                payload.release();
            }
        }
        if (noise) {
            writeNoise(end, start);
            noise = noiseEnd > end;
        } else if (jitter.gapBeforeNext()) {
            // a lost packet's span starts in this frame: conceal the part due now, not only
            // when the next packet plays (by then this frame would have gone out with a hole);
            // when the packet after the loss is here already, the whole span is recovered from
            // it at once (a codec with in-band FEC uses it, RFC 6716 §4.2.4)
            ByteBuf next = jitter.peekKind() == AUDIO ? jitter.peekPayload() : null;
            if (next != null) {
                concealGap(jitter.peekPosition(), start, next);
            } else {
                concealGap(Math.min(jitter.peekPosition(), due), start, null);
            }
        } else if (codecNoise) {
            fillCodecSilence(Math.min(jitter.peekPosition(), due), start);
        }
        outputs[0].drainInto(start, end, out, channels, spec.channel());
        if (outputCount == 2) {
            outputs[1].drainInto(start, end, out, channels, spec.rightChannel());
        }
        return concealTo > start && concealFrom < end;
    }

    /**
     * Lost packets (a sequence gap, not a timestamp gap: silence suppression is not loss) are
     * replaced by the codec's own concealment over exactly the span they would have covered.
     */
    private void concealGap(long position, long windowStart, ByteBuf next) {
        if (playedEnd == Long.MIN_VALUE || position <= playedEnd) {
            return;
        }
        long span = position - playedEnd; // output samples
        int codecSamples = (int) Math.min(span * decoder.sampleRate() / outputRate, pcm.length / decoder.channels());
        if (codecSamples <= 0) {
            return;
        }
        int length = next == null ? 0 : next.readableBytes();
        if (next != null && length <= scratch.length && codecSamples * outputRate / decoder.sampleRate() == span) {
            // the span ends where next begins (not cut short by the output buffer): recover
            next.getBytes(next.readerIndex(), scratch, 0, length);
            decoder.recover(scratch, 0, length, codecSamples, pcm, 0);
        } else {
            decoder.conceal(codecSamples, pcm, 0);
        }
        long from = playedEnd + shift - latency();
        writeAt(playedEnd, windowStart, pcm, codecSamples);
        long to = playedEnd + shift - latency();
        // one span is enough: spans not yet delivered merge (a frame between two is over-flagged)
        concealFrom = concealTo <= windowStart ? from : Math.min(concealFrom, from);
        concealTo = Math.max(concealTo, to);
    }

    /**
     * Discontinuous transmission that the codec fills itself (G.729 Annex B after a SID frame):
     * the decoder's comfort noise from the end of the last packet up to {@code position}, which
     * is not loss and is not flagged as concealment.
     */
    private void fillCodecSilence(long position, long windowStart) {
        int capacity = pcm.length / decoder.channels();
        while (playedEnd != Long.MIN_VALUE && position > playedEnd) {
            int codecSamples = (int) Math.min((position - playedEnd) * decoder.sampleRate() / outputRate, capacity);
            if (codecSamples <= 0) {
                return;
            }
            decoder.fillSilence(codecSamples, pcm, 0);
            writeAt(playedEnd, windowStart, pcm, codecSamples);
        }
    }

    /**
     * A comfort-noise packet (RFC 3389 §3): the SRC stopped sending speech; play noise at the
     * signalled level from here until the next audio packet. The level byte is the noise power
     * in -dBov, where 0 dBov is a full-scale square wave. The optional spectral coefficients are
     * not used: the noise is white. Lost packets across the silence are not concealed: there was
     * no speech to conceal.
     */
    private void startNoise(int levelByte, long position, long windowStart) {
        if (noise) {
            writeNoise(position + shift, windowStart); // a level update: the old level plays up to here
        } else {
            flushScaler(windowStart); // the audio before the silence ends as it was
            noiseCursor = position + shift;
        }
        int dBov = levelByte & 0x7F;
        double rms = 32767.0 * Math.pow(10, -dBov / 20.0);
        noiseAmplitude = (int) Math.min(32767, Math.round(rms * Math.sqrt(3))); // uniform: rms = peak / sqrt 3
        noise = true;
        playedEnd = Long.MIN_VALUE;
    }

    /** Writes comfort noise from the noise cursor up to {@code until}, never past the source's BYE. */
    private void writeNoise(long until, long windowStart) {
        until = Math.min(until, noiseEnd);
        long from = Math.max(noiseCursor, windowStart);
        long to = Math.min(until, windowStart + outputs[0].capacity());
        int seed = noiseSeed;
        for (long p = from; p < to; p++) {
            seed ^= seed << 13; // xorshift32: cheap, allocation-free, good enough for noise
            seed ^= seed >>> 17;
            seed ^= seed << 5;
            short sample = (short) ((long) (seed >> 16) * noiseAmplitude >> 15);
            for (int c = 0; c < outputCount; c++) {
                outputs[c].set(p, sample);
            }
        }
        noiseSeed = seed;
        noiseCursor = Math.max(noiseCursor, until);
    }

    private void decodeAt(ByteBuf payload, long position, long windowStart) {
        int length = payload.readableBytes();
        if (length > scratch.length) {
            invalid++;
            return;
        }
        payload.getBytes(payload.readerIndex(), scratch, 0, length);
        int n = decoder.decode(scratch, 0, length, pcm, 0);
        if (n < 0) {
            invalid++;
            return;
        }
        steer(windowStart);
        bridgeSmallGap(position, windowStart);
        if (!writeAt(position, windowStart, pcm, n)) {
            // its frame was already delivered: late, and (as one skipped on arrival) not played
            late++;
            lost++;
            session.packetLate(windowStart - position);
        }
    }

    /**
     * A gap of up to 2 ms between the last decoded audio and this packet (a slow sender's drift
     * correction, or rounding in rate conversion) is bridged by holding the last sample rather
     * than left as a click of silence.
     */
    private void bridgeSmallGap(long position, long windowStart) {
        if (scaling || playedEnd == Long.MIN_VALUE || position <= playedEnd || position - playedEnd > outputRate / 500) {
            return; // (while scaling, such a gap is closed by the scaler: see writeAt)
        }
        long from = playedEnd + shift - latency();
        long to = position + shift - latency();
        if (from - 1 < windowStart) {
            return; // the last sample was already delivered
        }
        for (int c = 0; c < outputCount; c++) {
            outputs[c].hold(from, to);
        }
    }

    /**
     * Converts {@code n} decoded samples that start at nominal position {@code position} and
     * writes them into the ring: at {@code position + shift} as they are, or through the time
     * scaler at its cursor while the leg is moving.
     *
     * @return false when all of it belongs to frames already delivered
     */
    private boolean writeAt(long position, long windowStart, short[] decoded, int n) {
        if (decoder.channels() == 2 && outputCount == 2) {
            // recorded as two channels: the left side stays in decoded, the right one is split off
            for (int i = 0; i < n; i++) {
                secondSide[i] = decoded[2 * i + 1];
                decoded[i] = decoded[2 * i];
            }
            outputs[1].convert(secondSide, n);
        } else if (decoder.channels() == 2) { // one channel of the recording: fold stereo to mono
            for (int i = 0; i < n; i++) {
                decoded[i] = (short) ((decoded[2 * i] + decoded[2 * i + 1]) >> 1);
            }
        }
        int m = outputs[0].convert(decoded, n);
        int latency = latency(); // the filter delays its output by a constant: shift it back
        if (!scaling) {
            playedEnd = position + m;
            for (int c = 0; c < outputCount; c++) {
                outputs[c].remember(m);
            }
            return place(position + shift - latency, windowStart, m, false);
        }
        // while scaling, a gap of up to 2 ms (a small timestamp gap) is closed, not kept
        boolean contiguous = playedEnd != Long.MIN_VALUE && position >= playedEnd
                && position - playedEnd <= outputRate / 500;
        if (!contiguous) {
            flushScaler(windowStart);
            cursor = position + shift - latency;
        }
        int o = outputs[0].scale(m, speed);
        if (outputCount == 2) {
            outputs[1].scale(m, speed); // the same input length and speed: the same output length
        }
        playedEnd = position + m;
        boolean inTime = place(cursor, windowStart, o, true);
        cursor += o;
        shift = Math.round(cursor + outputs[0].held() - (playedEnd - latency));
        return inTime;
    }

    /** The rate converter's delay, the same on every output. */
    private int latency() {
        return outputs[0].latency();
    }

    /**
     * Writes {@code n} samples (of every output: the converted ones, or the scaled ones) at
     * timeline position {@code at}.
     *
     * @return false when all of it belongs to frames already delivered
     */
    private boolean place(long at, long windowStart, int n, boolean scaledOnes) {
        if (n == 0) {
            return true;
        }
        if (at + n <= windowStart) {
            return false;
        }
        for (int c = 0; c < outputCount; c++) {
            outputs[c].place(at, windowStart, n, scaledOnes);
        }
        return true;
    }

    /**
     * Chooses how the next block is placed: as it is while the leg sits within 2 ms of where its
     * least delayed packets (and sender reports) put it and the sender's clock keeps ours;
     * otherwise through the scaler, at the clock's slope plus what closes the distance in half
     * a second (at most 5%), until the leg is within 0.25 ms and the clocks agree again.
     */
    private void steer(long windowStart) {
        double target = clock.envelope(session.positionAt(jitter.arrivalOfLastPop())) + alignment;
        double slope = clock.slope();
        double error = target - shift;
        if (!scaling) {
            if (playedEnd == Long.MIN_VALUE || (Math.abs(error) <= startError && Math.abs(slope) <= SLOPE_START)) {
                return;
            }
            scaling = true;
            cursor = playedEnd + shift - latency(); // where the next block would have gone
        } else if (Math.abs(error) < stopError && Math.abs(slope) < SLOPE_STOP) {
            flushScaler(windowStart);
            scaling = false;
            return;
        }
        speed = Math.max(-MAX_CORRECTION, Math.min(MAX_CORRECTION, slope + error / (0.5 * outputRate)));
    }

    /**
     * While scaling, writes what the scaler holds (the end of the audio before a gap, or before
     * placing audio as it is again); the shift is then a whole number of samples.
     */
    private void flushScaler(long windowStart) {
        if (!scaling || playedEnd == Long.MIN_VALUE) {
            return;
        }
        int o = outputs[0].flushScaler();
        if (outputCount == 2) {
            outputs[1].flushScaler();
        }
        place(cursor, windowStart, o, true);
        cursor += o;
        shift = cursor - (playedEnd - latency());
    }

    private final TelephoneEvents events = new TelephoneEvents(this::telephoneEvent);

    private void telephoneEvent(int code, long position, int duration) {
        session.telephoneEvent(spec.channel(), code, position, (int) (duration * 1000L / spec.clockRate()));
    }

    /**
     * An RTCP compound packet on the RTP port (RFC 5761 multiplexing, which we answer when
     * offered). Valid ones are counted; a BYE from the current source (RFC 3550 §6.6) ends it:
     * what it sent still plays, comfort noise stops (the rest is silence) and the stream is free
     * for the next sender to latch.
     */
    private void onRtcp(ByteBuf content, long arrivalNanos) {
        String problem = rtcp.wrap(content);
        if (problem != null) {
            invalid++;
            log.debug("port {}: dropped RTCP datagram: {}", port, problem);
            return;
        }
        rtcpPackets++;
        while (rtcp.next()) {
            if (rtcp.type() == RtcpPacket.SR && rtcp.hasSenderInfo() && synced && rtcp.ssrc() == sequence.ssrc()) {
                if (report != null) {
                    report.senderReport(rtcp.ssrc(), rtcp.ntpTimestamp(), arrivalNanos);
                }
                // extend its timestamp next to the stream's (a report may trail the packets)
                srRtp = sequence.extendTs(rtcp.rtpTimestamp());
                srNtp = rtcp.ntpTimestamp();
                hasSr = true;
                session.senderReport(arrivalNanos);
            }
            if (synced && rtcp.byeIncludes(sequence.ssrc())) {
                log.debug("port {}: RTCP BYE from SSRC {}", port, Integer.toUnsignedString(sequence.ssrc()));
                noiseEnd = Math.min(noiseEnd, session.positionAt(arrivalNanos));
                relatch();
            }
        }
    }

    /** Decodes everything held into the ring (on a source change), so no received audio is dropped. */
    private void drainAll() {
        if (jitter == null) {
            return; // nothing was ever received
        }
        long windowStart = session.nextFramePosition();
        while (jitter.size() > 0) {
            long position = jitter.peekPosition();
            ByteBuf payload = jitter.pop();
            lost += jitter.lostOnLastPop();
            try {
                if (jitter.kindOfLastPop() == AUDIO) {
                    decodeAt(payload, position, windowStart);
                }
            } finally {
                payload.release();
            }
        }
        jitter.clear();
        flushScaler(windowStart); // the old source's audio ends as it was; the next starts in place
        scaling = false;
    }

    /** Closes the stream's RTP and RTCP sockets. */
    void closeSockets() {
        if (channel != null) {
            channel.close();
            channel = null;
        }
        if (rtcpChannel != null) {
            rtcpChannel.close();
            rtcpChannel = null;
        }
    }

    /**
     * Receives RTCP on the port after the stream's RTP port (RFC 3550 §11). Datagrams are
     * released by {@link SimpleChannelInboundHandler}. RTCP comes from the SRC's own odd port,
     * so a latched stream checks the sender's address only.
     */
    final class RtcpReceiver extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            if (!session.isRunning()) {
                return;
            }
            if (refusedByAccessControl(packet.sender())) {
                return;
            }
            if (session.latchSources() && packet.sender() != null
                    && !latch.ownerHostOrFree(packet.sender().getAddress())) {
                otherSource++;
                return;
            }
            if (!RtcpPacket.isRtcp(packet.content())) {
                invalid++;
                log.debug("RTCP port of {}: dropped a datagram that is not RTCP", port);
                return;
            }
            if (!unprotect(packet.content(), true)) {
                return;
            }
            rtcpSender = packet.sender();
            onRtcp(packet.content(), session.clockNanos());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("RTCP socket error for RTP port {}: {}", port, cause.toString());
            if (cause instanceof VirtualMachineError) {
                session.fatal(cause);
            }
        }
    }

    /** Sends receiver reports from now on, as {@code ourSsrc} with {@code cname}. */
    void reportAs(int ourSsrc, String cname) {
        report = new ReceptionReport(ourSsrc, cname);
    }

    /**
     * Sends a receiver report when one is due: every 5 s on average, randomised between 0.5
     * and 1.5 times that (RFC 3550 §6.2, §6.3.5), the first half an interval after the first
     * packet. It goes where the source's RTCP comes from: the RTP sender when multiplexed, the
     * RTCP sender otherwise, or by default the port after the RTP sender's (§11).
     */
    void maybeReport(long nowNanos) {
        if (report == null || lastSender == null || channel == null) {
            return;
        }
        if (nextReportNanos == Long.MIN_VALUE) {
            nextReportNanos = nowNanos + REPORT_INTERVAL_NANOS / 2;
            return;
        }
        if (nowNanos < nextReportNanos) {
            return;
        }
        double spread = 0.5 + java.util.concurrent.ThreadLocalRandom.current().nextDouble();
        nextReportNanos = nowNanos + (long) (REPORT_INTERVAL_NANOS * spread);
        io.netty.channel.Channel via;
        java.net.InetSocketAddress to;
        if (rtcpMuxed) {
            via = channel;
            to = lastSender;
        } else if (rtcpSender != null && rtcpChannel != null) {
            via = rtcpChannel;
            to = rtcpSender;
        } else {
            via = rtcpChannel != null ? rtcpChannel : channel;
            to = new java.net.InetSocketAddress(lastSender.getAddress(), lastSender.getPort() + 1);
        }
        ByteBuf out = via.alloc().buffer(64);
        report.write(out, sequence.highestExtSeq(), sequence.jitter(), nowNanos);
        srtp.protectRtcp(out);
        via.writeAndFlush(new DatagramPacket(out, to)); // the channel releases it once written
        reportsSent++;
    }

    static final long REPORT_INTERVAL_NANOS = 5_000_000_000L;

    /** Receiver reports sent so far. */
    long reportsSent() {
        return reportsSent;
    }

    /**
     * Sends a header-only RTP packet to {@code to} from this stream's socket, for an SRC behind
     * a NAT or a media relay that waits for a packet from us before it sends (symmetric RTP,
     * RFC 4961). Nothing is decoded from it.
     *
     * @return false when the stream has already received, or has no socket
     */
    boolean probe(java.net.InetSocketAddress to, int ourSsrc, int seq) {
        if (received > 0 || channel == null) {
            return false;
        }
        ByteBuf out = channel.alloc().buffer(12);
        out.writeByte(0x80).writeByte(spec.payloadType() & 0x7F).writeShort(seq).writeInt(0).writeInt(ourSsrc);
        channel.writeAndFlush(new DatagramPacket(out, to));
        return true;
    }

    /**
     * Where this stream's RTP clock puts NTP time {@code ntp} on the session timeline, from
     * the current source's last sender report; {@code Long.MIN_VALUE} without one.
     */
    long positionOfNtp(long ntp) {
        if (!hasSr) {
            return Long.MIN_VALUE;
        }
        // NTP is 32.32 fixed point seconds; the difference is small, so the product fits
        double seconds = (ntp - srNtp) / 4294967296.0;
        double rtp = srRtp + seconds * spec.clockRate();
        // where the leg is headed (the scaler may still be gliding there)
        double target = clock.envelope(lastArrivalPos) + alignment;
        return anchorPos + Math.round((rtp - anchorExtTs) * outputRate / spec.clockRate() + target);
    }

    /** NTP time of the current source's last sender report, if any ({@code hasSr}). */
    long lastSrNtp() {
        return srNtp;
    }

    boolean hasSenderReport() {
        return hasSr;
    }

    /**
     * Moves this stream later on the timeline by {@code samples}: another stream's sender
     * reports say this one runs ahead. The target moves; the scaler glides the audio there.
     */
    void shiftLater(long samples) {
        alignment += samples;
        alignedBySenderReports += samples;
    }

    private long alignedBySenderReports; // samples moved so far (tests, logs)

    long alignedBySenderReports() {
        return alignedBySenderReports;
    }

    /** Whether audio placed by the current anchor has played (before that, arrival moves it). */
    boolean anchorPlayed() {
        return anchorPlayed;
    }

    long lastActivityNanos = Long.MIN_VALUE; // the last RTP or RTCP taken on this stream

    /**
     * Whether this leg has nothing left to play and nothing that plays by itself: no packet
     * held, no noise or concealment running, no scaling under way, everything decoded already
     * delivered, and no packet for {@code quietNanos}. Its frames are silence until its next
     * packet. On the loop.
     */
    boolean quiet(long nowNanos, long quietNanos) {
        if (outputCount == 0) {
            return true; // never received anything
        }
        long next = session.nextFramePosition();
        return jitter.size() == 0 && !noise && !codecNoise && !scaling && concealTo <= next
                && (playedEnd == Long.MIN_VALUE || playedEnd + shift <= next)
                && nowNanos - lastActivityNanos > quietNanos;
    }

    /** Releases everything held. */
    void close() {
        if (jitter != null) {
            jitter.clear();
        }
    }

    /** RFC 3550 interarrival jitter in milliseconds. */
    double jitterMillis() {
        return sequence.jitter() * 1000 / spec.clockRate();
    }

    StreamStats stats() {
        return new StreamStats(received, lost, late, duplicate, invalid, concealedFrames,
                jitterMillis(), otherSource, comfortNoisePackets, rtcpPackets, outputCount == 0 ? 0 : outputs[0].samplesDropped(),
                outputCount == 0 ? 0 : outputs[0].samplesInserted(), unauthenticated, otherPayloadType, formatSwitches);
    }

    private final SrtpStage srtp = new SrtpStage();
    private long unauthenticated;

    /** Keys or re-keys the stream ({@link SrtpStage#key}); null parameters turn SRTP off. On the loop. */
    void secure(dev.siprec.media.srtp.SrtpParameters inbound, dev.siprec.media.srtp.SrtpParameters outbound) {
        srtp.key(inbound, outbound);
    }

    /**
     * Unprotects an SRTP or (multiplexed) SRTCP datagram in place; false, counted, when it is
     * to be dropped. True at once for plain RTP.
     */
    private boolean unprotect(ByteBuf content, boolean rtcpOnly) {
        dev.siprec.media.srtp.SrtpContext.Result r = srtp.unprotect(content, rtcpOnly || RtcpPacket.isRtcp(content));
        switch (r) {
            case OK:
                return true;
            case REPLAYED:
                duplicate++;
                return false;
            case MALFORMED:
                invalid++;
                return false;
            default:
                if (unauthenticated++ == 0) { // once per stream: the counter tells the rest
                    log.warn("port {}: dropped an SRTP packet that failed authentication ({}); counted in "
                            + "packetsUnauthenticated", port, r);
                }
                return false;
        }
    }
}
