package dev.siprec.core;

/**
 * Counters of one received RTP stream (or of the streams that fed one channel).
 *
 * @param packetsReceived valid RTP packets received for this stream (any payload type)
 * @param packetsLost sequence numbers not received by their playout time: never received, or
 *     received too late (those are also in {@code packetsLate})
 * @param packetsLate packets that arrived after their playout time (dropped)
 * @param packetsDuplicate packets received twice (dropped)
 * @param packetsInvalid datagrams that were not valid RTP, or had a payload type not negotiated, or
 *     a payload the decoder rejected (dropped)
 * @param framesConcealed frames produced by the codec's concealment for lost packets
 * @param jitterMillis interarrival jitter estimate of RFC 3550 §6.4.1 / A.8, in milliseconds
 * @param packetsOtherSource datagrams refused for their sender (dropped): from an address the
 *     access control does not allow, or not from the sender the stream latched to, or not valid
 *     RTP of the stream's payload types before it latched
 * @param packetsComfortNoise RFC 3389 comfort-noise packets received (part of
 *     {@code packetsReceived}; the silence they describe is played as noise, not counted as loss)
 * @param packetsRtcp valid RTCP compound packets received on the stream's port (RFC 5761
 *     multiplexing; not part of {@code packetsReceived})
 * @param samplesDropped output samples taken out by time scaling, to follow a sender whose
 *     clock runs fast or to move the stream earlier (the audio is compressed, never cut)
 * @param samplesInserted output samples added by time scaling, to follow a sender whose clock
 *     runs slow or to move the stream later (the audio is stretched, never padded)
 * @param packetsUnauthenticated SRTP or SRTCP packets whose authentication tag did not verify
 *     (tampered, or under another key), or that came after the key's lifetime (dropped; a
 *     replayed one counts as a duplicate)
 * @param packetsOtherPayloadType well-formed RTP packets of a payload type not answered for the
 *     stream (dropped; {@code packetsInvalid} counts malformed ones)
 * @param formatSwitches how often the SRC switched among the payload formats answered for the
 *     stream (RFC 3264 §6.1); the decoder follows each switch
 */
public record StreamStats(long packetsReceived, long packetsLost, long packetsLate, long packetsDuplicate,
                          long packetsInvalid, long framesConcealed, double jitterMillis, long packetsOtherSource,
                          long packetsComfortNoise, long packetsRtcp, long samplesDropped, long samplesInserted,
                          long packetsUnauthenticated, long packetsOtherPayloadType, long formatSwitches) {

    /** All zero. */
    public static final StreamStats EMPTY = new StreamStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /**
     * The counters of two streams that fed the same channel one after the other: counts add up,
     * the jitter is the worse of the two.
     */
    public StreamStats plus(StreamStats o) {
        return new StreamStats(packetsReceived + o.packetsReceived, packetsLost + o.packetsLost,
                packetsLate + o.packetsLate, packetsDuplicate + o.packetsDuplicate,
                packetsInvalid + o.packetsInvalid, framesConcealed + o.framesConcealed,
                Math.max(jitterMillis, o.jitterMillis), packetsOtherSource + o.packetsOtherSource,
                packetsComfortNoise + o.packetsComfortNoise, packetsRtcp + o.packetsRtcp,
                samplesDropped + o.samplesDropped, samplesInserted + o.samplesInserted,
                packetsUnauthenticated + o.packetsUnauthenticated, packetsOtherPayloadType + o.packetsOtherPayloadType,
                formatSwitches + o.formatSwitches);
    }

    /** The media layer's counters as the API's. */
    static StreamStats of(dev.siprec.media.StreamStats m) {
        return new StreamStats(m.packetsReceived(), m.packetsLost(), m.packetsLate(), m.packetsDuplicate(),
                m.packetsInvalid(), m.framesConcealed(), m.jitterMillis(), m.packetsOtherSource(),
                m.packetsComfortNoise(), m.packetsRtcp(), m.samplesDropped(), m.samplesInserted(),
                m.packetsUnauthenticated(), m.packetsOtherPayloadType(), m.formatSwitches());
    }
}
