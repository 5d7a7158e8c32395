package dev.siprec.benchmarks;

/** Realistic SIPREC messages for the benchmarks, written for this project. */
final class Messages {

    private Messages() {
    }

    /** An RFC 7865 document of about 4 KB: 2 participants, 2 streams, associations, extension data. */
    static String metadata4k() {
        StringBuilder sb = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <recording xmlns="urn:ietf:params:xml:ns:recording:1" xmlns:apkt="http://acmepacket.com/siprec/extensiondata">
                  <datamode>complete</datamode>
                  <group group_id="7+OTCyoxTmqmqyA/1weDAg==">
                    <associate-time>2026-11-27T10:00:00Z</associate-time>
                  </group>
                  <session session_id="hVpd7YQgRW2nD22h7q60JQ==">
                    <sipSessionID>ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2</sipSessionID>
                    <group-ref>7+OTCyoxTmqmqyA/1weDAg==</group-ref>
                    <start-time>2026-11-27T10:00:00.123Z</start-time>
                    <extensiondata><apkt:ucid encoding="hex">00FA080018803B5F4A1B2C</apkt:ucid><apkt:callerOrig>true</apkt:callerOrig></extensiondata>
                  </session>
                  <participant participant_id="srfBElmCRp2QB23b7Mpk0w==">
                    <nameID aor="sip:+15551230001@carrier.example.com"><name xml:lang="en">Alice Caller</name></nameID>
                    <extensiondata><apkt:callingParty>true</apkt:callingParty></extensiondata>
                  </participant>
                  <participant participant_id="zSfPoSvdSDCmU3A3TRDxAw==">
                    <nameID aor="sip:2000@contact-center.example.net"><name xml:lang="en">Bob Agent</name></nameID>
                    <extensiondata><apkt:callingParty>false</apkt:callingParty></extensiondata>
                  </participant>
                  <stream stream_id="UAAMm5GRQKSCMVvLyl4rFw==" session_id="hVpd7YQgRW2nD22h7q60JQ=="><label>1</label></stream>
                  <stream stream_id="i1Pz3to5hGk8fuXl+PbwCw==" session_id="hVpd7YQgRW2nD22h7q60JQ=="><label>2</label></stream>
                  <sessionrecordingassoc session_id="hVpd7YQgRW2nD22h7q60JQ=="><associate-time>2026-11-27T10:00:00Z</associate-time></sessionrecordingassoc>
                  <participantsessionassoc participant_id="srfBElmCRp2QB23b7Mpk0w==" session_id="hVpd7YQgRW2nD22h7q60JQ=="><associate-time>2026-11-27T10:00:00Z</associate-time></participantsessionassoc>
                  <participantsessionassoc participant_id="zSfPoSvdSDCmU3A3TRDxAw==" session_id="hVpd7YQgRW2nD22h7q60JQ=="><associate-time>2026-11-27T10:00:00Z</associate-time></participantsessionassoc>
                  <participantstreamassoc participant_id="srfBElmCRp2QB23b7Mpk0w=="><send>UAAMm5GRQKSCMVvLyl4rFw==</send><recv>i1Pz3to5hGk8fuXl+PbwCw==</recv></participantstreamassoc>
                  <participantstreamassoc participant_id="zSfPoSvdSDCmU3A3TRDxAw=="><send>i1Pz3to5hGk8fuXl+PbwCw==</send><recv>UAAMm5GRQKSCMVvLyl4rFw==</recv></participantstreamassoc>
                """);
        // pad with extension data to about 4 KB, as SBCs that add headers to the metadata do
        int i = 0;
        while (sb.length() < 4000) {
            sb.append("  <extensiondata><apkt:header label=\"X-Custom-").append(i++)
                    .append("\"><value>value-of-a-custom-header-carried-to-the-recorder</value></apkt:header></extensiondata>\n");
        }
        sb.append("</recording>\n");
        return sb.toString();
    }

    /** A SIPREC INVITE over UDP, about 1.9 KB with its multipart body, as an SBC sends it. */
    static String invite() {
        String sdp = "v=0\r\no=- 1234567 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
                + "m=audio 16384 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=label:1\r\na=sendonly\r\n"
                + "m=audio 16386 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=label:2\r\na=sendonly\r\n";
        String md = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<recording xmlns=\"urn:ietf:params:xml:ns:recording:1\">"
                + "<datamode>complete</datamode><session session_id=\"s1\"/>"
                + "<participant participant_id=\"p1\"><nameID aor=\"sip:alice@example.com\"/></participant>"
                + "<participant participant_id=\"p2\"><nameID aor=\"sip:bob@example.net\"/></participant>"
                + "<stream stream_id=\"a\" session_id=\"s1\"><label>1</label></stream>"
                + "<stream stream_id=\"b\" session_id=\"s1\"><label>2</label></stream>"
                + "<participantstreamassoc participant_id=\"p1\"><send>a</send></participantstreamassoc>"
                + "<participantstreamassoc participant_id=\"p2\"><send>b</send></participantstreamassoc></recording>";
        String body = "--unique-boundary-1\r\nContent-Type: application/sdp\r\n\r\n" + sdp
                + "\r\n--unique-boundary-1\r\nContent-Type: application/rs-metadata+xml\r\n"
                + "Content-Disposition: recording-session\r\n\r\n" + md + "\r\n--unique-boundary-1--\r\n";
        return "INVITE sip:srs@192.0.2.20:5060 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1---f8c0e8b2c5d3a0e1;rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:acmeSrc@192.0.2.10>;tag=a6c85cf-1794fe8\r\n"
                + "To: <sip:192.0.2.20>\r\n"
                + "Call-ID: 5ac1e0b5-3c4a-4b0e-9f35-2d2c0e1a7b11@192.0.2.10\r\n"
                + "CSeq: 1987654321 INVITE\r\n"
                + "Contact: <sip:acmeSrc@192.0.2.10:5060;transport=udp>;+sip.src\r\n"
                + "Supported: timer, replaces, 100rel\r\nRequire: siprec\r\n"
                + "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO\r\n"
                + "Session-Expires: 1800\r\nMin-SE: 90\r\nUser-Agent: ExampleSBC/8.4\r\n"
                + "P-Asserted-Identity: \"Alice Caller\" <sip:+15551230001@carrier.example.com>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=unique-boundary-1\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }
}
