package dev.siprec.core;

import static dev.siprec.testing.Signals.firstSound;
import static dev.siprec.testing.Signals.power;
import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.core.metadata.MetadataChange;
import dev.siprec.core.metadata.RecordingMetadata;
import dev.siprec.sip.message.SipResponse;
import dev.siprec.sip.sdp.Direction;
import dev.siprec.sip.sdp.MediaDescription;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One recording per SRC vendor flavour, shaped after the facts in the project kit's
 * vendor-notes.md (messages written here; no vendor file is copied): the INVITE with the
 * vendor's quirks, the SDP answer checked field by field, RTP on every stream (a tone per
 * m-line: 440 Hz on the first, 1000 Hz on the second), the mid-call event the vendor really
 * sends, and which stream lands on which channel.
 */
class VendorFlavourTest {

    static final double[] TONES = {440, 1000};

    /**
     * A vendor flavour.
     *
     * @param name the vendor and variant
     * @param contact our Contact header value for the SRC ({@code %P} = its port), null for the default
     * @param require whether the INVITE carries Require: siprec
     * @param headers extra header lines
     * @param contentType the INVITE's Content-Type
     * @param body the INVITE body ({@code %SDP%} and {@code %MD%} are replaced)
     * @param sdp the SDP offer ({@code %P1}/{@code %P2} = offered ports)
     * @param metadata the RS-Metadata
     * @param answerDirections expected direction per answered m-line
     * @param answerPt expected first payload type per m-line
     * @param midCall the vendor's mid-call request (method, content type, body), or null
     * @param midCallDirections expected directions in the answer to it (null: not checked)
     * @param afterMidCallSendTones whether RTP flows after the mid-call event (it resumed or started)
     * @param channelMLines which m-line must be on each channel, in channel order
     */
    record Flavour(String name, String contact, boolean require, String headers, String contentType, String body,
                   String sdp, String metadata, List<Direction> answerDirections, List<String> answerPt,
                   String[] midCall, List<Direction> midCallDirections, boolean afterMidCallSendTones,
                   List<Integer> channelMLines) {
        @Override
        public String toString() {
            return name;
        }
    }

    static String multipart(String boundary, String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            sb.append("--").append(boundary).append("\r\n").append(p).append("\r\n");
        }
        return sb.append("--").append(boundary).append("--\r\n").toString();
    }

    static String rfcMetadata(String ns, String prefix, String extraTop, String p1, String p2, String l1, String l2) {
        String t = prefix.isEmpty() ? "" : prefix + ":";
        String xmlns = prefix.isEmpty() ? "xmlns='" + ns + "'" : "xmlns:" + prefix + "='" + ns + "'";
        return "<?xml version='1.0' encoding='UTF-8'?>\r\n<" + t + "recording " + xmlns + ">"
                + "<" + t + "datamode>complete</" + t + "datamode>" + extraTop
                + "<" + t + "session session_id='sess'><" + t + "sipSessionID>abc;remote=def</" + t + "sipSessionID></"
                + t + "session>"
                + "<" + t + "participant participant_id='p1'><" + t + "nameID aor='" + p1 + "'/></" + t + "participant>"
                + "<" + t + "participant participant_id='p2'><" + t + "nameID aor='" + p2 + "'/></" + t + "participant>"
                + "<" + t + "stream stream_id='s1' session_id='sess'><" + t + "label>" + l1 + "</" + t + "label></" + t
                + "stream>"
                + "<" + t + "stream stream_id='s2' session_id='sess'><" + t + "label>" + l2 + "</" + t + "label></" + t
                + "stream>"
                + "<" + t + "participantstreamassoc participant_id='p1'><" + t + "send>s1</" + t + "send><" + t
                + "recv>s2</" + t + "recv></" + t + "participantstreamassoc>"
                + "<" + t + "participantstreamassoc participant_id='p2'><" + t + "send>s2</" + t + "send><" + t
                + "recv>s1</" + t + "recv></" + t + "participantstreamassoc>"
                + "</" + t + "recording>";
    }

    static String twoStreams(String head, String codecs, String rtpmaps, String l1, String l2, String direction1,
                             String direction2, String extraMedia) {
        return head
                + "m=audio %P1 RTP/AVP " + codecs + "\r\n" + rtpmaps + (l1 == null ? "" : "a=label:" + l1 + "\r\n")
                + direction1 + extraMedia
                + "m=audio %P2 RTP/AVP " + codecs + "\r\n" + rtpmaps + (l2 == null ? "" : "a=label:" + l2 + "\r\n")
                + direction2 + extraMedia;
    }

    static final String PCMU = "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n";
    static final String SENDONLY = "a=sendonly\r\n";
    static final String INACTIVE = "a=inactive\r\n";
    static final List<Direction> RECV2 = List.of(Direction.RECVONLY, Direction.RECVONLY);
    static final List<Direction> INACTIVE2 = List.of(Direction.INACTIVE, Direction.INACTIVE);
    static final String STD_BODY = "Content-Type: application/sdp\r\n\r\n%SDP%\r\n"
            + "--B\r\nContent-Type: application/rs-metadata+xml\r\nContent-Disposition: recording-session\r\n\r\n%MD%";

    static Stream<Flavour> flavours() {
        String session = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n";
        String rfc = "urn:ietf:params:xml:ns:recording:1";
        String old = "urn:ietf:params:xml:ns:recording";
        return Stream.of(
            // Oracle/Acme: space before boundary, large labels, pre-RFC namespace, id=/session=, send inline,
            // apkt:callingParty on the second participant; re-INVITE with SDP and metadata after answer
            new Flavour("Oracle/Acme", "<sip:acmeSrc@127.0.0.1:%P>;+sip.src", true, "MIME-Version: 1.0\r\n",
                    "multipart/mixed; boundary=unique-boundary-1",
                    multipart("unique-boundary-1", "Content-Type: application/sdp\r\n\r\n%SDP%",
                            "Content-Type: application/rs-metadata+xml\r\nContent-Disposition: recording-session\r\n\r\n%MD%"),
                    twoStreams(session, "0 101", PCMU, "16777219", "16777220", SENDONLY, SENDONLY, "")
                            .replace("a=label:16777220\r\na=sendonly\r\n", "a=label:16777220\r\na=sendonly\r\na=maxptime:150\r\n"),
                    "<recording xmlns='" + old + "' xmlns:apkt='http://acmepacket.com/siprec/extensiondata'>"
                            + "<dataMode>complete</dataMode><session id='S1'/>"
                            + "<participant id='A' session='S1'><nameID aor='sip:agent@cc.example'/><send>ST1</send>"
                            + "<extensiondata><apkt:callingParty>false</apkt:callingParty></extensiondata></participant>"
                            + "<participant id='B' session='S1'><nameID aor='sip:+15551230001@carrier'/><send>ST2</send>"
                            + "<extensiondata><apkt:callingParty>true</apkt:callingParty></extensiondata></participant>"
                            + "<stream id='ST1' session='S1'><label>16777219</label><mode>separate</mode></stream>"
                            + "<stream id='ST2' session='S1'><label>16777220</label><mode>separate</mode></stream>"
                            + "</recording>",
                    RECV2, List.of("0", "0"), new String[] {"INVITE", "same", null}, RECV2, true, List.of(1, 0)),
            // Cisco CUBE: media-level c=, CN offered, an initial a=inactive flipped to sendonly by re-INVITE, a gtd part
            new Flavour("Cisco CUBE", null, true, "Supported: timer,resource-priority,replaces,sdp-anat\r\nMin-SE: 1800\r\n"
                    + "Cisco-Guid: 1234-5678\r\n", "multipart/mixed;boundary=uniqueBoundary",
                    multipart("uniqueBoundary", "Content-Type: application/sdp\r\nContent-Disposition: session;handling=required\r\n\r\n%SDP%",
                            "Content-Disposition: recording-session\r\nContent-Type: application/rs-metadata+xml\r\n\r\n%MD%",
                            "Content-Type: application/gtd\r\nContent-Disposition: signal;handling=optional\r\n\r\nIAM,\r\nPRN,isdn*,,NET5*,"),
                    twoStreams("v=0\r\no=CiscoSystemsSIP-GW-UserAgent 5370 9597 IN IP4 127.0.0.1\r\ns=SIP Call\r\nt=0 0\r\n",
                            "0 101 19", PCMU + "a=rtpmap:19 CN/8000\r\na=ptime:20\r\nc=IN IP4 127.0.0.1\r\n", "1", "2", INACTIVE,
                            INACTIVE, ""),
                    rfcMetadata(rfc, "", "", "sip:caller@pstn", "sip:agent@cc", "1", "2"),
                    INACTIVE2, List.of("0", "0"), new String[] {"INVITE", "sendonly", null}, RECV2, true, List.of(0, 1)),
            // AudioCodes legacy: ;src, old namespace with ac:, inline send, rs-metadata without +xml, Opus offered
            // first (and taken: the SRC's first choice)
            new Flavour("AudioCodes legacy", "<sip:src@127.0.0.1:%P>;src", false, "User-Agent: Mediant VE SBC/v.7.20A\r\n"
                    + "x-audc-call-id: 0A1B2C\r\n", "multipart/mixed;boundary=boundary_ac1a2b",
                    multipart("boundary_ac1a2b", "Content-Type: application/sdp\r\n\r\n%SDP%",
                            "Content-Type: application/rs-metadata\r\nContent-Disposition: recording-session\r\n\r\n%MD%"),
                    twoStreams("v=0\r\no=AudiocodesGW 1 1 IN IP4 127.0.0.1\r\ns=SBC-Call\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n",
                            "111 8 0 96", "a=rtpmap:111 OPUS/48000/2\r\na=fmtp:111 maxplaybackrate=8000\r\n"
                                    + "a=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:96 telephone-event/8000\r\n"
                                    + "a=fmtp:96 0-15,16\r\na=ptime:20\r\n", "1", "2", SENDONLY, SENDONLY, ""),
                    "<recording xmlns='" + old + "' xmlns:ac='http://AudioCodes'><group id='00FA1B'/>"
                            + "<session id='3A2B1C'><group-ref>00FA1B</group-ref></session>"
                            + "<participant id='1' session='3A2B1C'><nameID aor='sip:100@ac'/><send>11</send><recv>12</recv></participant>"
                            + "<participant id='2' session='3A2B1C'><nameID aor='sip:200@ac'/><send>12</send><recv>11</recv></participant>"
                            + "<stream id='11' session='3A2B1C'><label>1</label></stream>"
                            + "<stream id='12' session='3A2B1C'><label>2</label></stream></recording>",
                    RECV2, List.of("111", "111"), null, null, true, List.of(0, 1)),
            // AudioCodes RFC format: pause by a=inactive re-INVITE, then resume
            new Flavour("AudioCodes RFC 7865", "<sip:src@127.0.0.1:%P>;+sip.src", true, "", "multipart/mixed;boundary=B",
                    multipart("B", STD_BODY), twoStreams(session, "8 0 101", "a=rtpmap:8 PCMA/8000\r\n" + PCMU, "1", "2",
                            SENDONLY, SENDONLY, ""),
                    rfcMetadata(rfc, "", "", "sip:100@ac", "sip:200@ac", "1", "2"),
                    RECV2, List.of("8", "8"), new String[] {"INVITE", "inactive", null}, INACTIVE2, false, List.of(0, 1)),
            // Ribbon: tns: prefix, old namespace, callData in the group naming the caller, who sends label 2;
            // no session-level c=, label before rtpmap; timers
            new Flavour("Ribbon/Sonus", "\"SIPREC-SRC\" <sip:src@127.0.0.1:%P>;+sip.src", true,
                    "Supported: timer,100rel\r\nSession-Expires: 1800\r\nMin-SE: 90\r\n"
                            + "Accept: application/sdp, application/rs-metadata-request\r\n",
                    "multipart/mixed;boundary=sonus-content-delim",
                    multipart("sonus-content-delim", "Content-Type: application/sdp\r\nContent-Disposition: session; handling=required\r\n\r\n%SDP%",
                            "Content-Type: application/rs-metadata+xml\r\nContent-Disposition: recording-session\r\n\r\n%MD%"),
                    ("v=0\r\no=Sonus_UAC 1 1 IN IP4 127.0.0.1\r\ns=SIP Media Capabilities\r\nt=0 0\r\n"
                            + "m=audio %P1 RTP/AVP 0 101\r\nc=IN IP4 127.0.0.1\r\na=label:1\r\n" + PCMU + "a=sendonly\r\na=maxptime:20\r\n"
                            + "m=audio %P2 RTP/AVP 0 101\r\nc=IN IP4 127.0.0.1\r\na=label:2\r\n" + PCMU + "a=sendonly\r\na=maxptime:20\r\n"),
                    rfcMetadata(old, "tns", "<tns:group group_id='g1'><callData xmlns='urn:ietf:params:xml:ns:callData'>"
                            + "<fromhdr>&lt;sip:+15551230001@carrier&gt;;tag=1</fromhdr><tohdr>sip:2000@pbx</tohdr>"
                            + "<callid>abc</callid></callData></tns:group>", "2000@pbx", "+15551230001@carrier", "1", "2"),
                    RECV2, List.of("0", "0"), new String[] {"UPDATE", "none", null}, null, true, List.of(1, 0)),
            // Avaya SBCE: +sip.src inside the URI, labels 10/20, a placeholder participant; the real ones by UPDATE
            new Flavour("Avaya SBCE", "<sip:127.0.0.1:%P;transport=udp;+sip.src>", true,
                    "User-to-User: 00FA080019001234567890;encoding=hex\r\nSupported: replaces, 100rel\r\n",
                    "multipart/mixed;boundary=foobar", multipart("foobar", STD_BODY.replace("--B", "--foobar")),
                    twoStreams(session, "8 101", "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n", "10", "20",
                            SENDONLY, SENDONLY, ""),
                    "<recording xmlns='" + rfc + "'><dataMode>complete</dataMode><session session_id='00FA08'/>"
                            + "<participant participant_id='dummy'><nameID aor='sip:ASBCE@asbce.com'/></participant>"
                            + "<stream stream_id='' session_id='00FA08'><label>20</label></stream>"
                            + "<participantstreamassoc participant_id='dummy'/></recording>",
                    RECV2, List.of("8", "8"), new String[] {"UPDATE", "application/rs-metadata",
                        rfcMetadata(rfc, "", "", "sip:+15551230001@carrier", "sip:agent@cc", "10", "20")}, null, true,
                    List.of(0, 1)),
            // BroadWorks dual stream: ;src, no Require, metadata first, pre-RFC schema, termCall; pause by c=0.0.0.0
            new Flavour("BroadWorks", "<sip:src@127.0.0.1:%P>;src", false, "X-BroadWorks-Correlation-Info: 1234\r\n",
                    "multipart/mixed;boundary=UniqueBroadWorksBoundary",
                    multipart("UniqueBroadWorksBoundary", "Content-Type:application/rs-metadata+xml\r\n"
                            + "Content-Disposition:recording-session\r\n\r\n%MD%", "Content-Type:application/sdp\r\n\r\n%SDP%"),
                    twoStreams(session, "8 0 101", "a=rtpmap:8 PCMA/8000\r\n" + PCMU, "1", "2", SENDONLY, SENDONLY, ""),
                    "<recording_metadata xmlns='urn:ietf:params:xml:ns:siprec'><dataMode>complete</dataMode>"
                            + "<session id='urn:uuid:s' group='urn:uuid:g'/>"
                            + "<participant id='urn:uuid:agent' session='urn:uuid:s'><aor>sip:4001@as</aor><send><id>urn:uuid:m1</id></send></participant>"
                            + "<participant id='urn:uuid:caller' session='urn:uuid:s'><aor>tel:+1555</aor><send><id>urn:uuid:m2</id></send></participant>"
                            + "<stream id='urn:uuid:m1' session='urn:uuid:s'><label>1</label><mode>separate</mode></stream>"
                            + "<stream id='urn:uuid:m2' session='urn:uuid:s'><label>2</label><mode>separate</mode></stream>"
                            + "<extensiondata id='e' parent='urn:uuid:s'><broadWorksRecordingMetadata xmlns='http://schema.broadsoft.com/broadworksCallRecording'>"
                            + "<userID>4001@as</userID><callType><termCall/></callType></broadWorksRecordingMetadata></extensiondata>"
                            + "</recording_metadata>",
                    RECV2, List.of("8", "8"), new String[] {"INVITE", "hold0", null}, RECV2, false, List.of(1, 0)),
            // Metaswitch: one mixed m-line, no direction attribute, G.729 first (and chosen), bare-number AoRs, stream id=
            new Flavour("Metaswitch", null, true, "Organization: Metaswitch Networks\r\nSupported: resource-priority, siprec, 100rel\r\n",
                    "multipart/mixed;boundary=metaswitch-boundary", multipart("metaswitch-boundary",
                            STD_BODY.replace("--B", "--metaswitch-boundary").replace("rs-metadata+xml", "rs-metadata")),
                    session + "m=audio %P1 RTP/AVP 18 0 8\r\na=rtpmap:18 G729/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=label:1\r\n",
                    "<recording id='r1' xmlns='" + old + "'><datamode>complete</datamode><session session_id='s'/>"
                            + "<participant participant_id='a'><nameID aor='5551230001'/></participant>"
                            + "<participant participant_id='b'><nameID aor='2000'/></participant>"
                            + "<stream id='m' session_id='s'><label>1</label></stream>"
                            + "<participantstreamassoc participant_id='a'><send>m</send><recv>m</recv></participantstreamassoc>"
                            + "<participantstreamassoc participant_id='b'><send>m</send><recv>m</recv></participantstreamassoc>"
                            + "<extensiondata><metaswitchRecordingMetadata><callType>terminating</callType>"
                            + "<recordedParty>2000</recordedParty></metaswitchRecordingMetadata></extensiondata></recording>",
                    List.of(Direction.RECVONLY), List.of("18"), null, null, true, List.of(0)),
            // OpenSIPS 2.x: no c= line at all, o= with 0.0.0.0, no participantstreamassoc, no +sip.src
            new Flavour("OpenSIPS 2.x", "<sip:src@127.0.0.1:%P>", true, "", "multipart/mixed;boundary=OSS-unique-boundary-42",
                    multipart("OSS-unique-boundary-42", STD_BODY.replace("--B", "--OSS-unique-boundary-42")),
                    twoStreams("v=0\r\no=- 1700000000 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n", "0 101", PCMU, "1", "2",
                            SENDONLY, SENDONLY, "a=maxptime:150\r\n"),
                    "<recording xmlns='" + rfc + "'><datamode>complete</datamode><group group_id='g'/>"
                            + "<session session_id='s'><sipSessionID>call-id-1</sipSessionID></session>"
                            + "<participant participant_id='a'><nameID aor='sip:test_user@localhost'><name>test_user;lang=en-US;id=22</name></nameID></participant>"
                            + "<participant participant_id='b'><nameID aor='sip:other@localhost'/></participant>"
                            + "<stream stream_id='x' session_id='s'><label>1</label></stream>"
                            + "<stream stream_id='y' session_id='s'><label>2</label></stream></recording>",
                    RECV2, List.of("0", "0"), new String[] {"INVITE", "inactive", null}, INACTIVE2, false, List.of(0, 1)),
            // OpenSIPS 3.x B2B: labels 0 and 1, Contact with a space before the tag, a=rtcp and odd attributes
            new Flavour("OpenSIPS 3.x", "<sip:src@127.0.0.1:%P>; +sip.src", true, "", "multipart/mixed;boundary=OSS-unique-boundary-42",
                    multipart("OSS-unique-boundary-42", STD_BODY.replace("--B", "--OSS-unique-boundary-42")),
                    twoStreams(session, "0 101", PCMU, "0", "1", SENDONLY, SENDONLY, "a=rtcp:9999\r\na=3gOoBTC\r\n"),
                    rfcMetadata(rfc, "", "", "sip:alice@x", "sip:bob@x", "0", "1"),
                    RECV2, List.of("0", "0"), null, null, true, List.of(0, 1)),
            // SEMS: labels a_leg/b_leg, an extra a=direction:both, rs-metadata without +xml
            new Flavour("SEMS", null, true, "", "multipart/mixed;boundary=B",
                    multipart("B", STD_BODY.replace("rs-metadata+xml", "rs-metadata")),
                    twoStreams("v=0\r\no=sems 1 1 IN IP4 127.0.0.1\r\ns=session\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n", "8 101",
                            "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=direction:both\r\n", "a_leg", "b_leg",
                            SENDONLY, SENDONLY, ""),
                    rfcMetadata(rfc, "", "", "sip:a@x", "sip:b@x", "a_leg", "b_leg"),
                    RECV2, List.of("8", "8"), null, null, true, List.of(0, 1)),
            // NetSapiens: netsapiensExtension under <recording> names the caller (p2)
            new Flavour("NetSapiens", null, true, "", "multipart/mixed;boundary=B", multipart("B", STD_BODY),
                    twoStreams(session, "0 101", PCMU, "1", "2", SENDONLY, SENDONLY, ""),
                    rfcMetadata(rfc, "", "<group group_id='g'/>", "sip:agent@ns", "sip:caller@ns", "1", "2")
                            .replace("</recording>", "<netsapiensExtension xmlns='http://schema.netsapiens.com/netsapiensSipRec' version='1.1'>"
                                    + "<groupSeq>1</groupSeq><callingParty participant_id='p2'/><calledParty participant_id='p1'/>"
                                    + "</netsapiensExtension></recording>"),
                    RECV2, List.of("0", "0"), null, null, true, List.of(1, 0)),
            // FreeSWITCH mod_siprec: one mixed m-line without a label; pause by a=inactive
            new Flavour("FreeSWITCH mod_siprec", "<sip:src@127.0.0.1:%P>;+sip.src", true, "", "multipart/mixed;boundary=B",
                    multipart("B", STD_BODY), session + "m=audio %P1 RTP/AVP 0 101\r\n" + PCMU + SENDONLY,
                    "<recording xmlns='" + rfc + "'><datamode>complete</datamode><session session_id='s'/>"
                            + "<participant participant_id='a'><nameID aor='sip:1000@fs'/></participant>"
                            + "<stream stream_id='m' session_id='s'/>"
                            + "<participantstreamassoc participant_id='a'><send>m</send></participantstreamassoc></recording>",
                    List.of(Direction.RECVONLY), List.of("0"), new String[] {"INVITE", "inactive", null},
                    List.of(Direction.INACTIVE), false, List.of(0)),
            // jambonz: no +sip.src, SDP part with handling=required, jb: extension data; pause by inactive
            new Flavour("jambonz", "<sip:src@127.0.0.1:%P>", true, "", "multipart/mixed;boundary=uniqueBoundary",
                    multipart("uniqueBoundary", "Content-Type: application/sdp\r\nContent-Disposition: session;handling=required\r\n\r\n%SDP%",
                            "Content-Type: application/rs-metadata+xml\r\nContent-Disposition: recording-session\r\n\r\n%MD%"),
                    twoStreams(session, "0 101", PCMU, "1", "2", SENDONLY, SENDONLY, ""),
                    rfcMetadata(rfc, "", "", "sip:caller@jb", "sip:agent@jb", "1", "2").replace("</recording>",
                            "<extensiondata xmlns:jb='http://jambonz.org/siprec'><jb:callsid>cs-1</jb:callsid>"
                                    + "<jb:direction>inbound</jb:direction></extensiondata></recording>"),
                    RECV2, List.of("0", "0"), new String[] {"INVITE", "inactive", null}, INACTIVE2, false, List.of(0, 1)));
    }

    /** Records the audio of the session per channel. */
    static final class Recorder implements RecordingListener {
        final Map<String, short[][]> audio = new ConcurrentHashMap<>();
        final Map<String, Integer> written = new ConcurrentHashMap<>();
        final List<MetadataChange> changes = new CopyOnWriteArrayList<>();
        volatile RecordingSession last;

        /** The session most recently started (see {@link TestSrc#started}). */
        RecordingSession last() throws InterruptedException {
            return TestSrc.started(() -> last);
        }

        @Override
        public void onSessionStarted(RecordingSession s) {
            last = s;
            audio.put(s.id(), new short[s.channels().size()][8000 * 20]);
            written.put(s.id(), 0);
        }

        @Override
        public void onAudio(RecordingSession s, AudioFrame f) {
            short[][] a = audio.get(s.id());
            int at = written.get(s.id());
            for (int c = 0; c < f.channels(); c++) {
                for (int i = 0; i < f.samplesPerChannel() && at + i < a[c].length; i++) {
                    a[c][at + i] = f.sample(c, i);
                }
            }
            written.put(s.id(), at + f.samplesPerChannel());
        }

        @Override
        public void onMetadataUpdated(RecordingSession s, RecordingMetadata m, MetadataChange change) {
            changes.add(change);
        }

        @Override
        public void onSessionEnded(RecordingSession s, EndReason r) {
        }
    }

    final Recorder recorder = new Recorder();
    SiprecServer server;

    @BeforeEach
    void start() throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = SiprecServer.builder().sip(Transport.UDP, any).rtpPortRange(45000, 45999).sampleRate(8000)
                .listener(recorder).threads(2).jitterDelay(Duration.ofMillis(200)).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavours")
    void recordsTheVendorsCallOnTheRightChannels(Flavour f) throws Exception {
        try (TestSrc src = new TestSrc(server.sipAddresses(Transport.UDP).get(0), false)) {
            String sdp = f.sdp().replace("%P1", "30000").replace("%P2", "30002");
            String body = f.body().replace("%SDP%", sdp).replace("%MD%", f.metadata());
            String contact = f.contact() == null ? null : f.contact().replace("%P", Integer.toString(src.localPort()));
            src.send(src.vendorRequest("INVITE", 1, "z9hG4bK-v1-" + src.callId.hashCode(), f.contentType(), body, contact,
                    f.require(), f.headers()));
            SipResponse ok = src.receiveFinal("INVITE");
            assertThat(ok.statusCode()).as("answer to %s", f.name()).isEqualTo(200);
            assertThat(ok.contentType().essence()).isEqualTo("application/sdp"); // never multipart (jambonz)
            src.toTag = ok.to().tag();
            src.takeAnswerOf(ok);
            List<MediaDescription> m = src.answer.media();
            assertThat(m).hasSize(f.answerDirections().size());
            for (int i = 0; i < m.size(); i++) {
                assertThat(m.get(i).port()).as("m-line %d port", i).isPositive();
                assertThat(m.get(i).formats().get(0)).as("m-line %d codec", i).isEqualTo(f.answerPt().get(i));
                assertThat(m.get(i).direction()).as("m-line %d direction", i).isEqualTo(f.answerDirections().get(i));
                String offeredLabel = labelOf(sdp, i);
                assertThat(m.get(i).label()).as("m-line %d label echoed", i).isEqualTo(offeredLabel);
            }
            src.ack();
            RecordingSession session = recorder.last();
            assertThat(session.siprec()).isTrue();
            int streams = m.size();
            int pt = Integer.parseInt(f.answerPt().get(0));
            if (f.midCall() != null) {
                if (!f.afterMidCallSendTones() || !f.answerDirections().get(0).equals(Direction.INACTIVE)) {
                    send(src, streams, pt, 25); // audio before the event
                }
                midCall(src, f, sdp);
                if (f.afterMidCallSendTones()) {
                    send(src, streams, pt, 25);
                }
            } else {
                send(src, streams, pt, 25);
            }
            TestSrc.awaitPlayedOut(session, () -> recorder.written.getOrDefault(session.id(), 0));
            src.bye();
        }
        RecordingSession s = recorder.last();
        s.ended().get(10, TimeUnit.SECONDS);
        short[][] a = recorder.audio.get(s.id());
        assertThat(a).hasNumberOfRows(f.channelMLines().size());
        for (int c = 0; c < f.channelMLines().size(); c++) {
            double expected = TONES[f.channelMLines().get(c)];
            double other = expected == TONES[0] ? TONES[1] : TONES[0];
            int from = firstSound(a[c]);
            assertThat(from).as("%s: channel %d has audio", f.name(), c).isGreaterThanOrEqualTo(0);
            String codec = f.answerPt().get(f.channelMLines().get(c));
            if (codec.equals("18") || codec.equals("111")) {
                continue; // speech, not a tone: audio on the channel is what can be checked
            }
            from += 200;
            assertThat(power(a[c], from, 2400, expected, 8000)).as("%s: channel %d carries %s Hz", f.name(), c, expected)
                    .isGreaterThan(100 * power(a[c], from, 2400, other, 8000));
        }
    }

    static String labelOf(String sdp, int mline) {
        String[] sections = sdp.split("m=audio ");
        for (String line : sections[mline + 1].split("\r\n")) {
            if (line.startsWith("a=label:")) {
                return line.substring(8);
            }
        }
        return null;
    }

    /** 20 ms packets of the m-line's tone to every answered stream, in real time. */
    static void send(TestSrc src, int streams, int pt, int packets) throws Exception {
        TestSrc.Payloads[] legs = new TestSrc.Payloads[streams];
        if (pt == 111) { // no Opus encoder here: CELT full-band 20 ms frames of random bits decode to noise
            java.util.Random random = new java.util.Random(7866);
            for (int i = 0; i < streams; i++) {
                legs[i] = (k, packet, offset) -> {
                    packet[offset] = (byte) 0xF8; // TOC: config 31 (CELT FB 20 ms), mono, one frame
                    for (int j = 1; j < 120; j++) {
                        packet[offset + j] = (byte) random.nextInt();
                    }
                    return 120;
                };
            }
            src.timestampStep = 960; // 20 ms at Opus's 48 kHz RTP clock
            src.stream(packets, pt, legs);
            return;
        }
        if (pt == 18) { // G.729 has no tone encoder here: two frames of an ITU test sequence per packet
            java.util.List<byte[]> frames = dev.siprec.testing.G729Itu.toRtp(dev.siprec.testing.G729Itu.resource("tstseq5.bit"));
            for (int i = 0; i < streams; i++) {
                legs[i] = (k, packet, offset) -> {
                    System.arraycopy(frames.get(2 * k % 44), 0, packet, offset, 10);
                    System.arraycopy(frames.get((2 * k + 1) % 44), 0, packet, offset + 10, 10);
                    return 20;
                };
            }
            src.stream(packets, pt, legs);
            return;
        }
        for (int i = 0; i < streams; i++) {
            double hz = TONES[i];
            legs[i] = (k, packet, offset) -> {
                for (int j = 0; j < 160; j++) {
                    int v = (int) (8000 * Math.sin(2 * Math.PI * hz * (160.0 * k + j) / 8000));
                    packet[offset + j] = pt == 8 ? dev.siprec.codecs.g711.G711.linearToAlaw(v) : dev.siprec.codecs.g711.G711.linearToUlaw(v);
                }
                return 160;
            };
        }
        src.stream(packets, pt, legs);
    }

    /** The vendor's mid-call request and what its answer must say. */
    void midCall(TestSrc src, Flavour f, String sdp) throws Exception {
        String[] e = f.midCall();
        SipResponse r;
        switch (e[1]) {
            case "same": // Oracle: SDP and metadata again once the callee answered
                src.cseq++;
                src.send(src.vendorRequest("INVITE", src.cseq, "z9hG4bK-v2-" + src.callId.hashCode(), f.contentType(),
                        f.body().replace("%SDP%", sdp).replace("%MD%", f.metadata()), null, f.require(), ""));
                r = src.receiveFinal("INVITE");
                src.takeAnswerOf(r);
                src.ack();
                break;
            case "sendonly":
                r = src.reInvite(sdp.replace(INACTIVE, SENDONLY));
                break;
            case "inactive":
                r = src.reInvite(sdp.replace(SENDONLY, INACTIVE));
                break;
            case "hold0": // BroadWorks pause: plain SDP, c=0.0.0.0, no direction attribute
                r = src.reInvite(sdp.replace("c=IN IP4 127.0.0.1", "c=IN IP4 0.0.0.0").replace(SENDONLY, ""));
                break;
            case "none": // a session refresh without a body
                r = src.update(null, null, "Supported: timer\r\nSession-Expires: 1800\r\n");
                assertThat(r.header("Session-Expires")).isEqualTo("1800;refresher=uac");
                break;
            default: // a metadata-only UPDATE with this content type (Avaya: the real participants)
                r = src.update(e[1], e[2], "");
                // the listener hears of it on the session's loop, possibly after the 200 went out
                dev.siprec.testing.Await.until("the metadata change heard", java.time.Duration.ofSeconds(2),
                        () -> !recorder.changes.isEmpty());
                break;
        }
        assertThat(r.statusCode()).as("%s mid-call %s", f.name(), e[0]).isEqualTo(200);
        if (f.midCallDirections() != null) {
            assertThat(src.answer.media()).extracting(MediaDescription::direction)
                    .containsExactlyElementsOf(f.midCallDirections());
        }
    }
}
