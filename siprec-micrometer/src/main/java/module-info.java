/**
 * Optional: a recorder's metrics ({@code SiprecServer.metrics()}) as Micrometer meters
 * ({@link dev.siprec.micrometer.SiprecMetrics}), so that siprec-core keeps its three runtime
 * dependencies.
 */
module dev.siprec.micrometer {
    requires transitive dev.siprec.core;
    requires transitive micrometer.core; // its MeterBinder and MeterRegistry are in our API

    exports dev.siprec.micrometer;
}
