package dev.siprec.sip.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultipartBodyTest {

    static List<BodyPart> parse(String contentType, String body) throws SipParseException {
        return MultipartBody.parse(body.getBytes(StandardCharsets.UTF_8), MediaType.parse(contentType).param("boundary"));
    }

    @Test
    void splitsAnOracleStyleBodyWithSpaceBeforeBoundaryAndNoPartDisposition() throws Exception {
        List<BodyPart> parts = parse("multipart/mixed; boundary=unique-boundary-1",
                "--unique-boundary-1\r\n"
                + "Content-Type: application/sdp\r\n\r\n"
                + "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n"
                + "\r\n--unique-boundary-1\r\n"
                + "Content-Type: application/rs-metadata+xml\r\n"
                + "Content-Disposition: recording-session\r\n\r\n"
                + "<recording/>\r\n"
                + "--unique-boundary-1--\r\n");
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).contentType().is("application/sdp")).isTrue();
        assertThat(parts.get(0).text()).isEqualTo("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n");
        assertThat(parts.get(1).disposition()).isEqualTo("recording-session");
        assertThat(parts.get(1).text()).isEqualTo("<recording/>");
    }

    @Test
    void quotedBoundarySpacesAroundEqualsPreambleEpilogueBareLfAndNoSpaceAfterColon() throws Exception {
        List<BodyPart> parts = parse("multipart/mixed;boundary = \"a b:c\"",
                "This is the preamble.\n"
                + "--a b:c\n"
                + "Content-Disposition:recording-session\n"
                + "Content-Type:application/rs-metadata\n\n"
                + "<x/>\n"
                + "--a b:c\n"
                + "Content-Type:application/gtd\n\n"
                + "IAM,\n"
                + "--a b:c\n"
                + "Content-Type:application/sdp\n\n"
                + "v=0\n"
                + "--a b:c--\n"
                + "epilogue");
        assertThat(parts).extracting(p -> p.contentType().essence())
                .containsExactly("application/rs-metadata", "application/gtd", "application/sdp");
        assertThat(parts.get(0).text()).isEqualTo("<x/>");
        assertThat(parts.get(2).text()).isEqualTo("v=0");
    }

    @Test
    void aBoundaryStringInsideContentDoesNotSplitUnlessAtLineStart() throws Exception {
        List<BodyPart> parts = parse("multipart/mixed;boundary=XX",
                "--XX\r\nContent-Type: text/plain\r\n\r\nmentions --XX inline\r\n--XX--");
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).text()).isEqualTo("mentions --XX inline");
    }

    @Test
    void missingBoundaryOrDelimiterIsA400() {
        SipParseException noBoundary = catchThrowableOfType(SipParseException.class,
                () -> parse("multipart/mixed", "--x\r\n\r\nabc\r\n--x--"));
        assertThat(noBoundary.statusCode()).isEqualTo(400);
        assertThat(noBoundary.reason()).contains("boundary");
        SipParseException noDelimiter = catchThrowableOfType(SipParseException.class,
                () -> parse("multipart/mixed;boundary=zz", "no parts here"));
        assertThat(noDelimiter.reason()).contains("no delimiter");
    }

    @Test
    void aLastPartWithoutItsCloseDelimiterIsTakenAndTheRepairSaid() throws Exception {
        // as in Sonus and ProComm captures: the metadata part runs to the end of the body
        String body = "--sonus\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n\r\n--sonus\r\n"
                + "Content-Type: application/rs-metadata+xml\r\n\r\n<recording xmlns='urn:ietf:params:xml:ns:recording:1'/>\r\n";
        java.util.List<String> repairs = new java.util.ArrayList<>();
        List<BodyPart> parts = MultipartBody.parse(body.getBytes(StandardCharsets.UTF_8), "sonus", repairs);
        assertThat(parts).hasSize(2);
        assertThat(parts.get(1).contentType().is("application/rs-metadata+xml")).isTrue();
        assertThat(parts.get(1).text()).isEqualTo("<recording xmlns='urn:ietf:params:xml:ns:recording:1'/>");
        assertThat(repairs).singleElement().asString().contains("no close delimiter")
                .contains("application/rs-metadata+xml");
        // a whole body says nothing
        repairs.clear();
        MultipartBody.parse((body + "--sonus--\r\n").getBytes(StandardCharsets.UTF_8), "sonus", repairs);
        assertThat(repairs).isEmpty();
        // cut short inside the part's headers: what is there is still a part (no Content-Type)
        repairs.clear();
        List<BodyPart> cut = MultipartBody.parse("--b\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n--b\r\nContent-Ty"
                .getBytes(StandardCharsets.UTF_8), "b", repairs);
        assertThat(cut).hasSize(2);
        assertThat(repairs).hasSize(1);
    }
}
