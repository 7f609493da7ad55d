package io.lvs4j.failover.zookeeper;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.zookeeper.Environment;
import org.apache.zookeeper.client.ZKClientConfig;
import org.jspecify.annotations.Nullable;

/**
 * How to reach a ZooKeeper ensemble and where lvs4j keeps its nodes in it. Immutable; build with
 * {@link #builder(String)}.
 *
 * <p>The session timeout is the failover's main trade: a director that dies is replaced after about one session
 * timeout (its ephemeral election node lives that long), and a director cut off from the ensemble stops serving after
 * about two thirds of it (when the client declares the connection suspended), well before its session can expire and
 * another director win. Shorter is faster takeover and more false takeovers on a slow network or a long GC pause;
 * the ensemble bounds it to 2..20 ticks ({@code tickTime}, 2 s by default, so 4..40 s) unless configured otherwise.
 */
public final class ZooKeeperConfig {

    /** The default session timeout: 6 s. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(6);
    /** The default connection timeout: 3 s. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(3);
    /** The default root of lvs4j's nodes: {@value}. */
    public static final String DEFAULT_NAMESPACE = "lvs4j";

    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    private final String connectString;
    private final String namespace;
    private final Duration sessionTimeout;
    private final Duration connectionTimeout;
    private final Duration retryBaseSleep;
    private final Duration retryMaxSleep;
    private final int retryMaxAttempts;

    private ZooKeeperConfig(Builder b) {
        this.connectString = b.connectString;
        this.namespace = b.namespace;
        this.sessionTimeout = b.sessionTimeout;
        this.connectionTimeout = b.connectionTimeout;
        this.retryBaseSleep = b.retryBaseSleep;
        this.retryMaxSleep = b.retryMaxSleep;
        this.retryMaxAttempts = b.retryMaxAttempts;
    }

    /** Starts a builder for the ensemble at {@code connectString}, e.g. {@code zk1:2181,zk2:2181,zk3:2181}. */
    public static Builder builder(String connectString) {
        return new Builder(connectString);
    }

    /** The ensemble's {@code HOST:PORT,...}. */
    public String connectString() {
        return connectString;
    }

    /** The root under which every lvs4j node lives (Curator's namespace), without a leading slash. */
    public String namespace() {
        return namespace;
    }

    /** The session timeout asked of the ensemble. */
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    /** How long a connection attempt may take. */
    public Duration connectionTimeout() {
        return connectionTimeout;
    }

    /** The first retry's sleep; it doubles per attempt up to {@link #retryMaxSleep()}. */
    public Duration retryBaseSleep() {
        return retryBaseSleep;
    }

    /** The longest sleep between retries. */
    public Duration retryMaxSleep() {
        return retryMaxSleep;
    }

    /** How many times an operation is retried. */
    public int retryMaxAttempts() {
        return retryMaxAttempts;
    }

    /**
     * A new, not yet started Curator client for this configuration. Its SASL authentication is off unless a JAAS
     * configuration is given ({@code -Djava.security.auth.login.config=FILE}) or asked for ({@code
     * -Dzookeeper.sasl.client=true}), so that connecting needs no reverse DNS lookup of the servers' addresses.
     */
    public CuratorFramework newClient() {
        return CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .zkClientConfig(clientConfig(System::getProperty))
                .namespace(namespace)
                .sessionTimeoutMs(Math.toIntExact(sessionTimeout.toMillis()))
                .connectionTimeoutMs(Math.toIntExact(connectionTimeout.toMillis()))
                .retryPolicy(new BoundedExponentialBackoffRetry(Math.toIntExact(retryBaseSleep.toMillis()),
                        Math.toIntExact(retryMaxSleep.toMillis()), retryMaxAttempts))
                .build();
    }

    /**
     * ZooKeeper's client settings, from the system properties as ZooKeeper reads them, except that SASL is off unless
     * a JAAS configuration ({@code java.security.auth.login.config}) is given or {@code zookeeper.sasl.client} is set.
     * With SASL on, the client names the server's Kerberos principal before every connection attempt by a reverse DNS
     * lookup of the server's address; where the DNS server cannot be reached (a network namespace, a container, a
     * DNS outage) that lookup takes longer than the connection timeout, the client gives up on the connection it has
     * just opened, and it never connects. Without a JAAS configuration it had nothing to authenticate with anyway.
     */
    static ZKClientConfig clientConfig(Function<String, @Nullable String> systemProperty) {
        ZKClientConfig config = new ZKClientConfig();
        String sasl = systemProperty.apply(ZKClientConfig.ENABLE_CLIENT_SASL_KEY);
        if (sasl == null) {
            sasl = Boolean.toString(systemProperty.apply(Environment.JAAS_CONF_KEY) != null);
        }
        config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, sasl);
        return config;
    }

    @Override
    public String toString() {
        return "zookeeper " + connectString + "/" + namespace + " session " + sessionTimeout.toMillis() + " ms";
    }

    /** Builds a {@link ZooKeeperConfig}; every setter fails fast with the field name and the bad value. */
    public static final class Builder {
        private final String connectString;
        private String namespace = DEFAULT_NAMESPACE;
        private Duration sessionTimeout = DEFAULT_SESSION_TIMEOUT;
        private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
        private Duration retryBaseSleep = Duration.ofMillis(100);
        private Duration retryMaxSleep = Duration.ofSeconds(2);
        private int retryMaxAttempts = 10;

        Builder(String connectString) {
            Objects.requireNonNull(connectString, "connectString");
            if (connectString.isBlank()) {
                throw new IllegalArgumentException("connectString must not be blank");
            }
            this.connectString = connectString.trim();
        }

        /** The root of lvs4j's nodes, e.g. {@code lvs4j/prod}; default {@value ZooKeeperConfig#DEFAULT_NAMESPACE}. */
        public Builder namespace(String namespace) {
            Objects.requireNonNull(namespace, "namespace");
            String n = namespace.startsWith("/") ? namespace.substring(1) : namespace;
            if (!NAMESPACE.matcher(n).matches()) {
                throw new IllegalArgumentException("namespace must be path segments of letters, digits, '.', '_' or "
                        + "'-' but was '" + namespace + "'");
            }
            this.namespace = n;
            return this;
        }

        /** The session timeout; default 6 s. At least 100 ms. */
        public Builder sessionTimeout(Duration timeout) {
            this.sessionTimeout = atLeast("sessionTimeout", timeout, Duration.ofMillis(100));
            return this;
        }

        /** The connection timeout; default 3 s. At least 10 ms. */
        public Builder connectionTimeout(Duration timeout) {
            this.connectionTimeout = atLeast("connectionTimeout", timeout, Duration.ofMillis(10));
            return this;
        }

        /** Retries: first sleep, longest sleep, attempts. Defaults 100 ms, 2 s, 10. */
        public Builder retry(Duration baseSleep, Duration maxSleep, int maxAttempts) {
            this.retryBaseSleep = atLeast("retryBaseSleep", baseSleep, Duration.ofMillis(1));
            this.retryMaxSleep = atLeast("retryMaxSleep", maxSleep, baseSleep);
            if (maxAttempts < 0 || maxAttempts > 29) {
                throw new IllegalArgumentException("retryMaxAttempts must be 0..29 but was " + maxAttempts);
            }
            this.retryMaxAttempts = maxAttempts;
            return this;
        }

        private static Duration atLeast(String field, Duration value, Duration min) {
            Objects.requireNonNull(value, field);
            if (value.compareTo(min) < 0 || value.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(field + " must be >= " + min.toMillis() + " ms but was "
                        + value.toMillis() + " ms");
            }
            return value;
        }

        /** Builds the configuration. */
        public ZooKeeperConfig build() {
            return new ZooKeeperConfig(this);
        }
    }
}
