package dev.siprec.examples;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;

/**
 * SIGTERM handling without a shutdown hook, so that the recorder can drain and a second SIGTERM
 * can cut the drain short (a JVM in shutdown ignores further signals). Uses the JDK's
 * {@code sun.misc.Signal} (module jdk.unsupported) by reflection, and reports when it is absent.
 */
final class Signals {

    private Signals() {
    }

    /** Runs {@code handler} on each SIGTERM instead of exiting; false when this JVM cannot. */
    static boolean onTerm(Runnable handler) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> signalHandler = Class.forName("sun.misc.SignalHandler");
            InvocationHandler call = (proxy, method, args) -> {
                if (method.getName().equals("handle")) {
                    handler.run();
                    return null;
                }
                return method.getName().equals("hashCode") ? System.identityHashCode(proxy)
                        : method.getName().equals("equals") ? proxy == args[0] : "SIGTERM handler";
            };
            Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {signalHandler}, call);
            Object term = signal.getConstructor(String.class).newInstance("TERM");
            signal.getMethod("handle", signal, signalHandler).invoke(null, term, proxy);
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }
}
