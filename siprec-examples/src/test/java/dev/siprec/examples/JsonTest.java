package dev.siprec.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The side files' JSON: escaping (RFC 8259 §7) and layout. */
class JsonTest {

    @Test
    void escapesQuotesBackslashesAndControlCharactersAndCopiesTheRest() {
        assertThat(Json.write("plain <xml a=\"1\">é</xml>")).isEqualTo("\"plain <xml a=\\\"1\\\">é</xml>\"\n");
        assertThat(Json.write("a\\b\r\n\tc\u0001")).isEqualTo("\"a\\\\b\\r\\n\\tc\\u0001\"\n");
        assertThat(Json.write("\"")).isEqualTo("\"\\\"\"\n");
        assertThat(Json.write("")).isEqualTo("\"\"\n");
    }

    @Test
    void nestsMapsAndListsWithTwoSpaceIndents() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "x");
        m.put("n", 3);
        m.put("list", List.of(true, Map.of()));
        assertThat(Json.write(m)).isEqualTo("{\n  \"id\": \"x\",\n  \"n\": 3,\n  \"list\": [\n    true,\n    {}\n  ]\n}\n");
    }
}
