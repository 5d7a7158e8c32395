package dev.siprec.core;

import dev.siprec.codecs.registry.CodecRegistry;
import dev.siprec.sip.sdp.Connection;
import dev.siprec.sip.sdp.Direction;
import dev.siprec.sip.sdp.MediaDescription;
import dev.siprec.sip.sdp.RtpMap;
import dev.siprec.sip.sdp.SessionDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SIPREC answer policy (RFC 7866 §8.1.1): RFC 3264 answers for a receive-only recorder.
 * One answer m-line per offered m-line in the same order; audio over RTP/AVP (and AVPF) is
 * accepted when it offers a codec we decode, answered {@code recvonly} with its label echoed;
 * everything else is declined with port 0. The codec's own parameters come from the codec
 * module ({@link Codecs#answerParameters}); the SDP model is siprec-sip's.
 */
final class RecorderAnswer {

    /** Which offered payload formats this recorder can decode. */
    @FunctionalInterface
    interface CodecSupport {
        /** Whether a payload format (encoding, clock, channels) can be decoded. */
        boolean supports(RtpMap format);
    }

    private RecorderAnswer() {
    }

    /**
     * Negotiates every m-line of an offer: for each audio m-line, the first offered format we
     * can decode, plus telephone-event and comfort noise (at the codec's clock rate) when offered.
     */
    static List<NegotiatedStream> negotiate(SessionDescription offer, CodecSupport support) {
        return negotiate(offer, support, SiprecServer.Srtp.OPTIONAL);
    }

    /**
     * As {@link #negotiate(SessionDescription, CodecSupport)}, under an SRTP policy: an
     * RTP/SAVP(F) m-line is taken with the strongest of its {@code a=crypto} lines we support
     * (RFC 4568 §7.1.1) unless SRTP is off; a plain RTP/AVP(F) one is declined when SRTP is
     * required. A declined audio stream says why.
     */
    static List<NegotiatedStream> negotiate(SessionDescription offer, CodecSupport support, SiprecServer.Srtp srtp) {
        List<NegotiatedStream> out = new ArrayList<>(offer.media().size());
        for (int i = 0; i < offer.media().size(); i++) {
            MediaDescription m = offer.media().get(i);
            Direction offered = offer.effectiveDirection(m);
            RtpMap codec = null;
            Sdes.Choice crypto = null;
            String declined = null;
            boolean secure = isSecureRtpProfile(m.proto());
            boolean usable = m.isRtpAudio() && (isPlainRtpProfile(m.proto()) || secure) && m.port() != 0;
            if (usable && secure && srtp == SiprecServer.Srtp.OFF) {
                usable = false;
                declined = "SRTP is off on this recorder";
            } else if (usable && !secure && srtp == SiprecServer.Srtp.REQUIRED) {
                usable = false;
                declined = "this recorder requires SRTP (RTP/SAVP with a=crypto)";
            } else if (usable && secure) {
                Sdes.Outcome o = Sdes.choose(m);
                crypto = o.choice();
                if (crypto == null) {
                    usable = false;
                    declined = o.reason();
                }
            }
            List<RtpMap> alternates = new ArrayList<>(2);
            if (usable) {
                for (String f : m.formats()) {
                    int pt = parsePt(f);
                    if (pt < 0) {
                        continue;
                    }
                    RtpMap map = m.rtpMap(pt);
                    if (map == null || map.isTelephoneEvent() || map.isComfortNoise() || !support.supports(map)) {
                        continue;
                    }
                    if (codec == null) {
                        codec = map;
                    } else {
                        alternates.add(map); // every codec we decode is answered (RFC 3264 §6.1)
                    }
                }
            }
            boolean accepted = codec != null;
            if (usable && !accepted) {
                declined = "no codec offered that this recorder decodes";
            }
            Direction answer = !accepted ? Direction.INACTIVE : answerDirection(offered);
            RtpMap cn = accepted ? comfortNoise(m, codec.clockRate()) : null;
            RtpMap dtmf = accepted ? telephoneEvent(m, codec.clockRate()) : null;
            out.add(new NegotiatedStream(i, m.label(), accepted, codec, dtmf, cn, offered, answer,
                    offer.effectiveConnection(m), m.port(), accepted ? crypto : null, declined,
                    accepted ? alternates : List.of()));
        }
        return out;
    }

    /**
     * The offered RFC 4733 telephone-event format for a codec clock rate, or {@code null}.
     * Events share the RTP clock of the audio they accompany (RFC 4733 §2.1), so an offer with
     * Opus may carry telephone-event/48000 beside telephone-event/8000: the one at the codec's
     * clock is chosen, else the first offered.
     */
    static RtpMap telephoneEvent(MediaDescription m, int clockRate) {
        return offered(m, clockRate, RtpMap::isTelephoneEvent, true);
    }

    /** The offered telephone-event at exactly {@code clockRate}, or null. */
    private static RtpMap telephoneEventAt(MediaDescription m, int clockRate) {
        RtpMap te = telephoneEvent(m, clockRate);
        return te != null && te.clockRate() == clockRate ? te : null;
    }

    /**
     * The offered RFC 3389 comfort-noise format for a codec clock rate, or {@code null}. CN shares
     * the RTP clock of the codec it accompanies (RFC 3389 §5), so only a CN at that rate fits.
     */
    static RtpMap comfortNoise(MediaDescription m, int clockRate) {
        return offered(m, clockRate, RtpMap::isComfortNoise, false);
    }

    /** The first offered format of a kind at {@code clockRate}; else, if allowed, the first at any rate. */
    private static RtpMap offered(MediaDescription m, int clockRate, java.util.function.Predicate<RtpMap> kind,
                                  boolean anyClock) {
        RtpMap first = null;
        for (String f : m.formats()) {
            int pt = parsePt(f);
            RtpMap map = pt < 0 ? null : m.rtpMap(pt);
            if (map != null && kind.test(map)) {
                if (map.clockRate() == clockRate) {
                    return map;
                }
                if (first == null && anyClock) {
                    first = map;
                }
            }
        }
        return first;
    }

    /**
     * The answer to {@code offer}.
     *
     * @param negotiated the result of {@link #negotiate} for this offer
     * @param localPorts our RTP port per m-line index (ignored for declined streams)
     * @param address the address we receive on
     * @param sessionId o= session id; {@code version} o= version (RFC 3264 §8: +1 per change)
     */
    static SessionDescription answer(SessionDescription offer, List<NegotiatedStream> negotiated,
                                            int[] localPorts, String address, long sessionId, long version) {
        return answer(offer, negotiated, localPorts, address, sessionId, version, CodecRegistry.defaults());
    }

    /** As above, with the fmtp parameters of the codecs in {@code codecs}. */
    static SessionDescription answer(SessionDescription offer, List<NegotiatedStream> negotiated,
                                            int[] localPorts, String address, long sessionId, long version,
                                            CodecRegistry registry) {
        String addrType = address.indexOf(':') >= 0 ? "IP6" : "IP4";
        SessionDescription a = new SessionDescription()
                .origin("siprec " + sessionId + " " + version + " IN " + addrType + " " + address)
                .sessionName("siprec")
                .connection(new Connection(addrType, address));
        for (NegotiatedStream n : negotiated) {
            MediaDescription offered = offer.media().get(n.index());
            if (!n.accepted()) {
                // RFC 3264 §6: a rejected stream keeps its media and formats, with port 0
                MediaDescription declined = new MediaDescription(offered.media(), 0, offered.proto(),
                        offered.formats().isEmpty() ? List.of("0") : List.of(offered.formats().get(0)));
                if (n.label() != null) {
                    declined.attribute("label", n.label());
                }
                a.media().add(declined);
                continue;
            }
            // every codec we decode in the offer's order, then one telephone-event per clock rate
            List<RtpMap> codecs = new ArrayList<>(1 + n.alternates().size());
            codecs.add(n.codec());
            codecs.addAll(n.alternates());
            List<RtpMap> events = new ArrayList<>(2);
            for (RtpMap c : codecs) {
                RtpMap te = c == n.codec() ? n.telephoneEvent() : telephoneEventAt(offered, c.clockRate());
                if (te != null && events.stream().noneMatch(e -> e.payloadType() == te.payloadType())) {
                    events.add(te);
                }
            }
            List<String> formats = new ArrayList<>(codecs.size() + events.size() + 1);
            codecs.forEach(c -> formats.add(Integer.toString(c.payloadType())));
            events.forEach(e -> formats.add(Integer.toString(e.payloadType())));
            if (n.comfortNoise() != null) {
                formats.add(Integer.toString(n.comfortNoise().payloadType()));
            }
            MediaDescription m = new MediaDescription("audio", localPorts[n.index()], offered.proto(), formats);
            for (RtpMap c : codecs) {
                m.attribute("rtpmap", c.format());
                String parameters = registry.answerParameters(c.encoding(), offered.fmtp(c.payloadType()));
                if (parameters != null) {
                    m.attribute("fmtp", c.payloadType() + " " + parameters);
                }
            }
            for (RtpMap te : events) {
                m.attribute("rtpmap", te.format());
                String fmtp = offered.fmtp(te.payloadType());
                m.attribute("fmtp", te.payloadType() + " " + (fmtp != null ? fmtp : "0-15"));
            }
            if (n.comfortNoise() != null) {
                m.attribute("rtpmap", n.comfortNoise().format());
            }
            if (n.crypto() != null) {
                m.attribute("crypto", n.crypto().answerLine()); // RFC 4568 §5.1.2: the offer's tag, our key
            }
            if (offered.attributeValue("rtcp-mux") != null) {
                m.attribute("rtcp-mux", null); // RFC 5761 §5.1.1: we take RTCP on the RTP port
            }
            String ptime = offered.attributeValue("ptime");
            if (ptime != null && !ptime.isEmpty()) {
                m.attribute("ptime", ptime.trim());
            }
            if (n.label() != null) {
                m.attribute("label", n.label()); // echoed: SRCs match streams by label (RFC 7866 §8.1.1)
            }
            m.attribute(n.answerDirection().attribute(), null);
            a.media().add(m);
        }
        return a;
    }

    /** RFC 3264 §6.1 for a receive-only party: never answer inactive to a stream that sends. */
    static Direction answerDirection(Direction offered) {
        switch (offered) {
            case SENDONLY:
            case SENDRECV:
                return Direction.RECVONLY;
            default:
                return Direction.INACTIVE;
        }
    }

    private static boolean isSecureRtpProfile(String proto) {
        String p = proto.toUpperCase(Locale.ROOT);
        return p.equals("RTP/SAVP") || p.equals("RTP/SAVPF");
    }

    private static boolean isPlainRtpProfile(String proto) {
        String p = proto.toUpperCase(Locale.ROOT);
        return p.equals("RTP/AVP") || p.equals("RTP/AVPF");
    }

    private static int parsePt(String f) {
        try {
            int pt = Integer.parseInt(f);
            return pt >= 0 && pt <= 127 ? pt : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
