package io.lvs4j.api.internal;

import io.lvs4j.api.RealServer;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The writes to a {@link RealServer} that only lvs4j's engine makes: connection bookkeeping (the forwarding engine),
 * ejection (outlier detection) and drain (the keepalived runtime's operator holds). An application reads these through
 * {@link RealServer}'s public methods and cannot write them, so it cannot corrupt the counters the schedulers compare.
 * Not API.
 */
public final class RealServerEngine {

    /** What {@link RealServer} gives this class; implemented only inside {@link RealServer}. */
    public interface Access {
        /** See {@link RealServerEngine#connectionOpened}. */
        void connectionOpened(RealServer realServer);

        /** See {@link RealServerEngine#inactiveConnectionOpened}. */
        void inactiveConnectionOpened(RealServer realServer);

        /** See {@link RealServerEngine#connectionActivated}. */
        void connectionActivated(RealServer realServer);

        /** See {@link RealServerEngine#connectionDeactivated}. */
        void connectionDeactivated(RealServer realServer);

        /** See {@link RealServerEngine#connectionClosed}. */
        void connectionClosed(RealServer realServer, boolean wasActive);

        /** See {@link RealServerEngine#setEjected}. */
        void setEjected(RealServer realServer, boolean ejected);

        /** See {@link RealServerEngine#setDraining}. */
        void setDraining(RealServer realServer, boolean draining);
    }

    // a constant, so that the JIT inlines each write on the forwarding path
    private static final Access ACCESS = load();

    private RealServerEngine() {
    }

    private static Access load() {
        try {
            Class.forName(RealServer.class.getName(), true, RealServer.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
        return Slot.installed();
    }

    /**
     * Holds the access between {@link RealServer}'s initialiser and this class's: a class of its own, so that
     * installing does not initialise {@link RealServerEngine} while {@link RealServer} is still being initialised.
     */
    public static final class Slot {
        private static @Nullable Access access; // guarded by Slot.class

        private Slot() {
        }

        /**
         * Called once by {@link RealServer}'s class initialiser.
         *
         * @throws IllegalStateException when called again, or with an implementation from outside {@link RealServer}
         */
        public static synchronized void install(Access implementation) {
            Objects.requireNonNull(implementation, "implementation");
            if (access != null || implementation.getClass().getNestHost() != RealServer.class) {
                throw new IllegalStateException("only RealServer installs its engine access, once");
            }
            access = implementation;
        }

        static synchronized Access installed() {
            Access a = access;
            if (a == null) {
                throw new IllegalStateException("RealServer did not install its engine access");
            }
            return a;
        }
    }

    /**
     * Records a new active connection: the active counter and the connection statistic go up and the upper threshold
     * is checked.
     */
    public static void connectionOpened(RealServer realServer) {
        ACCESS.connectionOpened(realServer);
    }

    /**
     * Records a new inactive connection (a UDP flow, or a TCP connection not yet established); the upper threshold is
     * checked.
     */
    public static void inactiveConnectionOpened(RealServer realServer) {
        ACCESS.inactiveConnectionOpened(realServer);
    }

    /** Moves one connection from inactive to active, as IPVS does when a TCP connection becomes established. */
    public static void connectionActivated(RealServer realServer) {
        ACCESS.connectionActivated(realServer);
    }

    /** Moves one connection from active to inactive, as IPVS does when a TCP connection starts to close. */
    public static void connectionDeactivated(RealServer realServer) {
        ACCESS.connectionDeactivated(realServer);
    }

    /**
     * Records the end of a connection that was counted as active ({@code wasActive}) or inactive, and clears the
     * overload flag when the lower threshold rule allows.
     */
    public static void connectionClosed(RealServer realServer, boolean wasActive) {
        ACCESS.connectionClosed(realServer, wasActive);
    }

    /**
     * Ejects the server from new connections (passive outlier detection), or lets it back; publishes
     * {@code RealServerEvent.EjectionChanged}.
     */
    public static void setEjected(RealServer realServer, boolean ejected) {
        ACCESS.setEjected(realServer, ejected);
    }

    /** Starts or ends an operator's drain; publishes {@code RealServerEvent.DrainChanged}. */
    public static void setDraining(RealServer realServer, boolean draining) {
        ACCESS.setDraining(realServer, draining);
    }
}
