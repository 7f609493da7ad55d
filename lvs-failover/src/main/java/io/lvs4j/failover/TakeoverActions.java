package io.lvs4j.failover;

import io.lvs4j.api.Registration;
import io.lvs4j.api.Ticker;
import io.lvs4j.api.failover.Failover;
import io.lvs4j.api.failover.Role;
import io.lvs4j.api.failover.RoleChange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The takeover actions keepalived users know: notify scripts and a virtual IP address on a Linux interface, announced
 * with gratuitous ARP. Attach them to any {@link Failover} with {@link #attach}.
 */
public final class TakeoverActions {

    private static final Logger LOG = LoggerFactory.getLogger(TakeoverActions.class);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    /** How long {@link #run} waits for a finished command's output to end (a background child may hold it open). */
    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(1);
    /** How many role changes may wait for the takeover actions of one failover: {@value}. */
    public static final int NOTIFY_QUEUE_CAPACITY = 16;
    private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9._@:-]{1,15}");

    private TakeoverActions() {
    }

    /**
     * Runs {@code actions} on every role change of {@code failover}, on a thread of their own, in order. At most
     * {@value #NOTIFY_QUEUE_CAPACITY} changes wait for that thread: when more arrive (a flapping node behind a slow
     * notify command), the oldest waiting change is dropped, so the actions always see the node's newest role; a WARN
     * says so, at most once a minute. Closing the registration stops listening; the changes already waiting still run,
     * then the actions are closed.
     */
    public static Registration attach(Failover failover, TakeoverAction... actions) {
        return attach(failover, NOTIFY_QUEUE_CAPACITY, Ticker.system(), actions);
    }

    /** {@link #attach(Failover, TakeoverAction...)} with another queue capacity and clock; for tests. */
    static NotifyQueue attach(Failover failover, int capacity, Ticker ticker, TakeoverAction... actions) {
        return new NotifyQueue(failover, capacity, ticker, List.of(actions));
    }

    /** keepalived's state names: MASTER, BACKUP, FAULT, and STOP for a stopped instance. */
    static String state(Role role) {
        return role == Role.INIT ? "STOP" : role.name();
    }

    /**
     * keepalived's {@code notify}: on every change, runs {@code command} with four more arguments: {@code INSTANCE},
     * {@code instance}, the new state ({@code MASTER}, {@code BACKUP}, {@code FAULT} or {@code STOP}) and the
     * priority. Each run may take up to 10 s; a failure is logged with its output.
     */
    public static TakeoverAction notify(List<String> command, String instance, int priority) {
        return notify(command, "INSTANCE", instance, priority);
    }

    /**
     * keepalived's {@code notify} with the first argument given: {@code INSTANCE} for an instance, {@code GROUP} for a
     * {@code vrrp_sync_group}'s notify.
     */
    public static TakeoverAction notify(List<String> command, String kind, String name, int priority) {
        List<String> base = checkCommand(command);
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        return new TakeoverAction() {
            @Override
            public void roleChanged(RoleChange change) throws IOException, InterruptedException {
                List<String> full = new ArrayList<>(base);
                full.addAll(List.of(kind, name, state(change.current()), Integer.toString(priority)));
                run(full);
            }

            @Override
            public String toString() {
                return "notify " + base;
            }
        };
    }

    /**
     * keepalived's {@code notify_master}, {@code notify_backup}, {@code notify_fault} and {@code notify_stop}: runs
     * {@code command} as it is when the failover enters {@code role} ({@link Role#INIT} for stop).
     */
    public static TakeoverAction onEntering(Role role, List<String> command) {
        Objects.requireNonNull(role, "role");
        List<String> base = checkCommand(command);
        return new TakeoverAction() {
            @Override
            public void roleChanged(RoleChange change) throws IOException, InterruptedException {
                if (change.current() == role) {
                    run(base);
                }
            }

            @Override
            public String toString() {
                return "notify_" + state(role).toLowerCase(Locale.ROOT) + " " + base;
            }
        };
    }

    private static List<String> checkCommand(List<String> command) {
        Objects.requireNonNull(command, "command");
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw new IllegalArgumentException("command must name a program but was " + command);
        }
        return List.copyOf(command);
    }

    /**
     * Runs a command as the takeover actions run theirs (keepalived's notify scripts): in a process group of its own
     * ({@link ProcessGroup}), killed with everything it started after 10 s, its output and a failing exit status
     * logged. Its output is read while it runs (the first 64 KiB kept for the log, the rest read and dropped), so a
     * talkative command never stalls on a full pipe, and a background process it leaves holding the output open does
     * not hold up the caller. Blocks until it ends; call it off event loops. Interrupted, it kills the command.
     *
     * @return its exit status, or -1 when it was killed
     */
    public static int run(List<String> command) throws IOException, InterruptedException {
        return run(command, COMMAND_TIMEOUT);
    }

    /** {@link #run(List)} with another timeout; for tests. */
    static int run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        ProcessGroup group = ProcessGroup.start(new ProcessBuilder(command).redirectErrorStream(true));
        Process p = group.process();
        p.getOutputStream().close();
        OutputDrain output = new OutputDrain(p.getInputStream(), command);
        if (!group.waitOrKill(timeout)) {
            LOG.warn("{} did not finish within {} ms; killed with its process group", command, timeout.toMillis());
            return -1;
        }
        int status = p.exitValue();
        String text = output.awaitText(OUTPUT_GRACE);
        if (status != 0) {
            LOG.warn("{} exited with {}: {}", command, status, text);
        } else {
            LOG.debug("{}: {}", command, text);
        }
        return status;
    }

    /** Reads a command's output on a daemon thread, keeping the first {@link #KEEP} bytes. */
    private static final class OutputDrain implements Runnable {
        private static final int KEEP = 64 * 1024;
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final Thread thread;
        private long dropped;

        OutputDrain(InputStream in, List<String> command) {
            this.in = in;
            this.thread = new Thread(this, "lvs4j-command-output " + command.get(0));
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    synchronized (this) {
                        int keep = Math.min(n, KEEP - kept.size());
                        kept.write(buf, 0, keep);
                        dropped += n - keep;
                    }
                }
            } catch (IOException e) {
                LOG.trace("reading a command's output", e);
            }
        }

        /** What was read once the output ended, or after {@code grace} if something still holds it open. */
        String awaitText(Duration grace) throws InterruptedException {
            thread.join(grace.toMillis());
            synchronized (this) {
                String text = kept.toString(StandardCharsets.UTF_8).trim();
                if (dropped > 0) {
                    text += " [" + dropped + " more bytes not logged]";
                }
                if (thread.isAlive()) {
                    text += " [output still open after the command ended]";
                }
                return text;
            }
        }
    }

    /**
     * keepalived's {@code virtual_ipaddress} on Linux: while master, {@code address/prefix} is on {@code device}
     * ({@code ip addr replace}); on becoming master the address is announced with gratuitous ARP ({@code arping -U},
     * IPv4 only) as keepalived's {@code garp_master_*} settings say, except that arping spaces a set's packets one
     * second apart where keepalived sends them at once; when master no longer, it is removed ({@code ip addr del}).
     * Needs {@code CAP_NET_ADMIN} (root) and iproute2; arping from iputils.
     */
    public static TakeoverAction virtualAddress(VirtualAddress vip) {
        return new VirtualAddressAction(Objects.requireNonNull(vip, "vip"));
    }

    /**
     * A virtual address and how it is announced.
     *
     * @param address the address, e.g. 10.0.0.100
     * @param prefixLength its prefix length on the interface, e.g. 24 (0..32, or 0..128 for IPv6)
     * @param device the interface, e.g. eth0
     * @param garpRepeat gratuitous ARPs sent on becoming master (keepalived's {@code garp_master_repeat}, default 5)
     * @param garpDelay when a second set is sent (keepalived's {@code garp_master_delay}, default 5 s; 0: none)
     * @param garpRefresh while master, a set every this long (keepalived's {@code garp_master_refresh}; 0: never)
     * @param commandPrefix put before every command, e.g. {@code ip netns exec NS}; empty for none
     */
    public record VirtualAddress(InetAddress address, int prefixLength, String device, int garpRepeat,
            Duration garpDelay, Duration garpRefresh, List<String> commandPrefix) {

        /** Checks every field, naming the bad one. */
        public VirtualAddress {
            Objects.requireNonNull(address, "address");
            int max = address instanceof Inet4Address ? 32 : 128;
            if (prefixLength < 0 || prefixLength > max) {
                throw new IllegalArgumentException("prefixLength must be 0.." + max + " but was " + prefixLength);
            }
            Objects.requireNonNull(device, "device");
            if (!DEVICE.matcher(device).matches()) {
                throw new IllegalArgumentException("device must be an interface name but was '" + device + "'");
            }
            if (garpRepeat < 0 || garpRepeat > 255) {
                throw new IllegalArgumentException("garpRepeat must be 0..255 but was " + garpRepeat);
            }
            if (garpDelay.isNegative() || garpRefresh.isNegative()) {
                throw new IllegalArgumentException("garpDelay and garpRefresh must be >= 0");
            }
            commandPrefix = List.copyOf(commandPrefix);
        }

        /** {@code address/prefix} on {@code device}, with keepalived's default announcements (5 ARPs, again after 5 s). */
        public static VirtualAddress of(InetAddress address, int prefixLength, String device) {
            return new VirtualAddress(address, prefixLength, device, 5, Duration.ofSeconds(5), Duration.ZERO,
                    List.of());
        }

        String cidr() {
            return address.getHostAddress() + "/" + prefixLength;
        }
    }

    /** The virtual address action: commands on the attachment's thread, ARP sets on a timer of its own. */
    private static final class VirtualAddressAction implements TakeoverAction {
        private final VirtualAddress vip;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lvs4j-garp");
            t.setDaemon(true);
            return t;
        });
        private final List<ScheduledFuture<?>> announcements = new ArrayList<>();
        private boolean added;

        VirtualAddressAction(VirtualAddress vip) {
            this.vip = vip;
        }

        private List<String> command(String... args) {
            List<String> c = new ArrayList<>(vip.commandPrefix());
            c.addAll(List.of(args));
            return c;
        }

        @Override
        public synchronized void roleChanged(RoleChange change) throws IOException, InterruptedException {
            if (change.current() == Role.MASTER && !added) {
                // "exists" is fine: left by a crash of this director, or added by hand
                run(command("ip", "addr", "replace", vip.cidr(), "dev", vip.device()));
                added = true;
                announcements.add(timer.schedule(this::announceQuietly, 0, TimeUnit.MILLISECONDS));
                if (!vip.garpDelay().isZero()) {
                    announcements.add(timer.schedule(this::announceQuietly, vip.garpDelay().toMillis(),
                            TimeUnit.MILLISECONDS));
                }
                if (!vip.garpRefresh().isZero()) {
                    long every = vip.garpRefresh().toMillis();
                    announcements.add(timer.scheduleAtFixedRate(this::announceQuietly, every, every,
                            TimeUnit.MILLISECONDS));
                }
            } else if (change.current() != Role.MASTER && added) {
                announcements.forEach(f -> f.cancel(false));
                announcements.clear();
                run(command("ip", "addr", "del", vip.cidr(), "dev", vip.device()));
                added = false;
            }
        }

        private void announceQuietly() {
            try {
                announce();
            } catch (IOException e) {
                LOG.warn("cannot announce {}: {}", vip.cidr(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * One set of gratuitous ARPs, one second apart (arping's pace), on the ARP thread so that a demotion never
         * waits for it. IPv6 addresses are announced by the kernel's own unsolicited neighbour advertisements.
         */
        private void announce() throws IOException, InterruptedException {
            if (!(vip.address() instanceof Inet4Address) || vip.garpRepeat() == 0) {
                return;
            }
            run(command("arping", "-q", "-U", "-c", Integer.toString(vip.garpRepeat()), "-I", vip.device(),
                    vip.address().getHostAddress()));
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }

        @Override
        public String toString() {
            return "virtual address " + vip.cidr() + " dev " + vip.device();
        }
    }
}
