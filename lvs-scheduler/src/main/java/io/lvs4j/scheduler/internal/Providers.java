package io.lvs4j.scheduler.internal;

import io.lvs4j.api.scheduler.Scheduler;
import io.lvs4j.api.scheduler.SchedulerConfig;
import io.lvs4j.api.scheduler.SchedulerProvider;
import java.util.Set;
import java.util.function.Function;

/**
 * The built-in {@link SchedulerProvider}s, one nested class per scheduler so {@link java.util.ServiceLoader} can
 * instantiate each (they are listed in {@code META-INF/services}). Each rejects flags and options it does not know,
 * and slow start where it has no meaning (hash and order-based schedulers).
 */
public final class Providers {

    private Providers() {
    }

    /** A provider with a name, its known flags and options, and a constructor. */
    abstract static class Builtin implements SchedulerProvider {
        private final String name;
        private final Set<String> flags;
        private final Set<String> options;
        private final boolean slowStart;
        private final Function<SchedulerConfig, Scheduler> factory;

        Builtin(String name, Set<String> flags, Set<String> options, boolean slowStart,
                Function<SchedulerConfig, Scheduler> factory) {
            this.name = name;
            this.flags = flags;
            this.options = options;
            this.slowStart = slowStart;
            this.factory = factory;
        }

        @Override
        public final String name() {
            return name;
        }

        @Override
        public final Scheduler create(SchedulerConfig config) {
            config.requireKnown(name, flags, options);
            if (!slowStart && !config.slowStartWindow().isZero()) {
                throw new IllegalArgumentException("scheduler " + name + " does not support slow start; it applies "
                        + "to wrr, wlc, sed, nq, twos, lblc, lblcr, random and p2c");
            }
            return factory.apply(config);
        }
    }

    /** {@code rr}. */
    public static final class Rr extends Builtin {
        /** For ServiceLoader. */
        public Rr() {
            super("rr", Set.of(), Set.of(), false, RoundRobin::new);
        }
    }

    /** {@code wrr}. */
    public static final class Wrr extends Builtin {
        /** For ServiceLoader. */
        public Wrr() {
            super("wrr", Set.of(), Set.of(), true, WeightedRoundRobin::new);
        }
    }

    /** {@code lc}. */
    public static final class Lc extends Builtin {
        /** For ServiceLoader. */
        public Lc() {
            super("lc", Set.of(), Set.of(), false, LeastConnection::new);
        }
    }

    /** {@code wlc}. */
    public static final class Wlc extends Builtin {
        /** For ServiceLoader. */
        public Wlc() {
            super("wlc", Set.of(), Set.of(), true, WeightedLeastConnection::new);
        }
    }

    /** {@code sed}. */
    public static final class Sed extends Builtin {
        /** For ServiceLoader. */
        public Sed() {
            super("sed", Set.of(), Set.of(), true, ShortestExpectedDelay::new);
        }
    }

    /** {@code nq}. */
    public static final class Nq extends Builtin {
        /** For ServiceLoader. */
        public Nq() {
            super("nq", Set.of(), Set.of(), true, NeverQueue::new);
        }
    }

    /** {@code lblc}. */
    public static final class Lblc extends Builtin {
        /** For ServiceLoader. */
        public Lblc() {
            super("lblc", Set.of(), Set.of("expiration-seconds", "cache-size"), true,
                    LocalityBasedLeastConnection::new);
        }
    }

    /** {@code lblcr}. */
    public static final class Lblcr extends Builtin {
        /** For ServiceLoader. */
        public Lblcr() {
            super("lblcr", Set.of(), Set.of("expiration-seconds", "cache-size"), true,
                    LocalityBasedLeastConnectionReplication::new);
        }
    }

    /** {@code dh}. */
    public static final class Dh extends Builtin {
        /** For ServiceLoader. */
        public Dh() {
            super("dh", Set.of(), Set.of(), false, DestinationHashing::new);
        }
    }

    /** {@code sh}. */
    public static final class Sh extends Builtin {
        /** For ServiceLoader. */
        public Sh() {
            super("sh", Set.of("sh-port", "sh-fallback"), Set.of(), false, SourceHashing::new);
        }
    }

    /** {@code mh}. */
    public static final class Mh extends Builtin {
        /** For ServiceLoader. */
        public Mh() {
            super("mh", Set.of("mh-port", "mh-fallback"), Set.of("table-size"), false, MaglevHashing::new);
        }
    }

    /** {@code fo}. */
    public static final class Fo extends Builtin {
        /** For ServiceLoader. */
        public Fo() {
            super("fo", Set.of(), Set.of(), false, WeightedFailover::new);
        }
    }

    /** {@code ovf}. */
    public static final class Ovf extends Builtin {
        /** For ServiceLoader. */
        public Ovf() {
            super("ovf", Set.of(), Set.of(), false, WeightedOverflow::new);
        }
    }

    /** {@code twos}. */
    public static final class Twos extends Builtin {
        /** For ServiceLoader. */
        public Twos() {
            super("twos", Set.of(), Set.of(), true, TwoChoices::new);
        }
    }

    /** {@code random}. */
    public static final class Random extends Builtin {
        /** For ServiceLoader. */
        public Random() {
            super("random", Set.of(), Set.of(), true, WeightedRandom::new);
        }
    }

    /** {@code p2c}. */
    public static final class P2c extends Builtin {
        /** For ServiceLoader. */
        public P2c() {
            super("p2c", Set.of(), Set.of(), true, PowerOfTwoChoices::new);
        }
    }

    /** {@code ring}. */
    public static final class Ring extends Builtin {
        /** For ServiceLoader. */
        public Ring() {
            super("ring", Set.of("ring-port"), Set.of("ring-points", "bounded-load-factor"), false, RingHash::new);
        }
    }
}
