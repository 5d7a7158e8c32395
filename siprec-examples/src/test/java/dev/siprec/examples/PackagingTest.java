package dev.siprec.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The BOM names every library module, and the license ships with the sources. */
class PackagingTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theBomManagesEveryLibraryModule() throws Exception {
        String parent = Files.readString(ROOT.resolve("pom.xml"));
        String bom = Files.readString(ROOT.resolve("siprec-bom/pom.xml"));
        List<String> libraries = new ArrayList<>();
        Matcher m = Pattern.compile("<module>(siprec-[a-z]+)</module>").matcher(parent);
        while (m.find()) {
            if (!m.group(1).equals("siprec-bom") && !m.group(1).equals("siprec-examples")) {
                libraries.add(m.group(1));
            }
        }
        assertThat(libraries).contains("siprec-core", "siprec-micrometer");
        for (String module : libraries) {
            assertThat(bom).as(module).contains("<artifactId>" + module + "</artifactId>");
        }
        assertThat(bom).doesNotContain("<parent>"); // an import brings siprec's versions only
    }

    @Test
    void theLicenseIsApache2InTheRepositoryAndThePoms() throws Exception {
        assertThat(Files.readString(ROOT.resolve("LICENSE"))).contains("Apache License", "Version 2.0, January 2004");
        assertThat(Files.readString(ROOT.resolve("pom.xml"))).contains("<name>Apache License, Version 2.0</name>");
    }
}
