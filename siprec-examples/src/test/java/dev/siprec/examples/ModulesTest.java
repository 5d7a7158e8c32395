package dev.siprec.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.testing.Await;
import dev.siprec.testing.UdpSrc;
import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The library as named modules, as an application on the module path uses it: the module
 * declarations resolve with the jars the library depends on, core exports its API alone, the
 * SIP stack and the media path export to core only, and a recorder started from the module
 * layer answers a SIPREC call (Netty, Woodstox behind StAX, the codecs' service loading, all
 * in module mode). The other tests run the same code on the class path.
 */
class ModulesTest {

    /** What the library's modules need: our modules, Netty, SLF4J, Woodstox and StAX2, Micrometer. */
    private static Path[] modulePath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of)
                .filter(p -> {
                    String s = p.toString().replace('\\', '/');
                    String name = p.getFileName().toString();
                    return s.matches(".*/siprec-(codecs|sip|media|core|micrometer)/target/classes/?")
                            || name.matches("siprec-(codecs|sip|media|core|micrometer)-[^/]*\\.jar")
                            || name.matches("(netty-|slf4j-api|woodstox-core|stax2-api|micrometer-(core|commons|observation)"
                                    + "|HdrHistogram|LatencyUtils|jspecify).*\\.jar");
                })
                .toArray(Path[]::new);
    }

    private static Configuration resolve(String... roots) {
        return ModuleLayer.boot().configuration().resolve(ModuleFinder.of(modulePath()), ModuleFinder.of(),
                Set.of(roots));
    }

    private static ModuleDescriptor descriptor(Configuration c, String name) {
        return c.findModule(name).orElseThrow().reference().descriptor();
    }

    @Test
    void coreExportsItsApiAloneAndTheStackAndMediaExportToCoreOnly() {
        Configuration c = resolve("dev.siprec.core", "dev.siprec.micrometer");
        assertThat(descriptor(c, "dev.siprec.core").exports()).allMatch(e -> !e.isQualified())
                .extracting(ModuleDescriptor.Exports::source)
                .containsExactlyInAnyOrder("dev.siprec.core", "dev.siprec.core.metadata");
        for (String internal : List.of("dev.siprec.sip", "dev.siprec.media")) {
            ModuleDescriptor d = descriptor(c, internal);
            assertThat(d.exports()).as(internal).isNotEmpty()
                    .allMatch(e -> e.targets().equals(Set.of("dev.siprec.core")));
            assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
                    .as("every package of %s exported to core", internal).isEqualTo(d.packages());
        }
        ModuleDescriptor codecs = descriptor(c, "dev.siprec.codecs");
        assertThat(codecs.exports()).extracting(ModuleDescriptor.Exports::source)
                .contains("dev.siprec.codecs", "dev.siprec.codecs.registry");
        assertThat(codecs.uses()).containsExactly("dev.siprec.codecs.AudioCodec");
        assertThat(descriptor(c, "dev.siprec.micrometer").exports()).extracting(ModuleDescriptor.Exports::source)
                .containsExactly("dev.siprec.micrometer");
    }

    @Test
    void aRecorderStartedFromTheModuleLayerRecordsACall() throws Exception {
        Configuration c = resolve("dev.siprec.core");
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(c, ClassLoader.getPlatformClassLoader());
        ClassLoader loader = layer.findLoader("dev.siprec.core");
        Class<?> serverClass = loader.loadClass("dev.siprec.core.SiprecServer");
        assertThat(serverClass.getModule().getName()).isEqualTo("dev.siprec.core");
        Class<?> transport = loader.loadClass("dev.siprec.core.Transport");
        Class<?> listenerType = loader.loadClass("dev.siprec.core.RecordingListener");
        Method metadata = loader.loadClass("dev.siprec.core.RecordingSession").getMethod("metadata");
        Method participants = loader.loadClass("dev.siprec.core.metadata.RecordingMetadata").getMethod("participants");
        List<String> heard = new CopyOnWriteArrayList<>();
        List<Object> parties = new CopyOnWriteArrayList<>();
        Object listener = Proxy.newProxyInstance(loader, new Class<?>[] {listenerType}, (proxy, m, args) -> {
            heard.add(m.getName());
            if (m.getName().equals("onSessionStarted")) {
                parties.addAll((List<?>) participants.invoke(metadata.invoke(args[0])));
            }
            return null;
        });
        Object builder = serverClass.getMethod("builder").invoke(null);
        Class<?> builderClass = builder.getClass();
        @SuppressWarnings({"unchecked", "rawtypes"})
        Object udp = Enum.valueOf((Class) transport, "UDP");
        builderClass.getMethod("sip", transport, InetSocketAddress.class)
                .invoke(builder, udp, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        builderClass.getMethod("rtpPortRange", int.class, int.class).invoke(builder, 47000, 47099);
        builderClass.getMethod("listener", listenerType).invoke(builder, listener);
        AutoCloseable server = (AutoCloseable) builderClass.getMethod("start").invoke(builder);
        try {
            Method addresses = serverClass.getMethod("sipAddresses", transport);
            InetSocketAddress sip = (InetSocketAddress) ((List<?>) addresses.invoke(server, udp)).get(0);
            try (UdpSrc src = new UdpSrc(sip)) {
                assertThat(UdpSrc.status(src.invite())).isEqualTo(200);
                src.streamTones(25, 440, 1000);
                assertThat(src.bye()).isEqualTo(200);
            }
            Await.until("the session ended", Duration.ofSeconds(5), () -> heard.contains("onSessionEnded"));
            assertThat(heard).contains("onSessionStarted", "onAudio");
            // the metadata was read (Woodstox, found through StAX in module mode): Alice and Bob
            assertThat(parties).hasSize(2);
        } finally {
            server.close();
        }
    }
}
