package dev.siprec.benchmarks;

import dev.siprec.core.metadata.MetadataException;
import dev.siprec.core.metadata.MetadataParser;
import dev.siprec.core.metadata.RecordingMetadata;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.w3c.dom.Document;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

/** Parsing a 4 KB RS-Metadata document (RFC 7865) with the streaming StAX parser. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MetadataParserBenchmark {

    final MetadataParser parser = new MetadataParser();
    final byte[] document = Messages.metadata4k().getBytes(StandardCharsets.UTF_8);

    final DocumentBuilderFactory dom = domFactory();

    @Benchmark
    public RecordingMetadata parse4k() throws MetadataException {
        return parser.parse(document);
    }

    /**
     * Reference: the JDK's own XML parser building a DOM of the same document, configured as
     * safely (no DTD). It builds no model at all, so it is a floor for "just read the XML".
     */
    @Benchmark
    public Document jdkDomReference() throws Exception {
        return dom.newDocumentBuilder().parse(new ByteArrayInputStream(document));
    }

    private static DocumentBuilderFactory domFactory() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }
}
