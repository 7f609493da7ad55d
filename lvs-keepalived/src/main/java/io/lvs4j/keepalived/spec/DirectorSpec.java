package io.lvs4j.keepalived.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link io.lvs4j.keepalived.KeepalivedDirector} runs: what a keepalived.conf yields
 * ({@link io.lvs4j.keepalived.KeepalivedConfig#load}) and what {@code lvs4j forward} builds from its flags.
 *
 * @param routerId global_defs router_id: the director's name
 * @param services the virtual services, a virtual_server_group expanded into one per address
 * @param instances the VRRP instances
 * @param syncGroups the sync groups
 * @param settings how the directors forward (the global {@code lvs4j { }} block)
 * @param vrrpText the failover part as canonical text (for a keepalived.conf: global garp settings, vrrp_script,
 *     vrrp_instance, vrrp_sync_group and the global lvs4j block): two specifications with equal text have the same
 *     failover setup, and a reload refuses to change it
 */
public record DirectorSpec(String routerId, List<Service> services, List<Instance> instances,
        List<SyncGroup> syncGroups, DirectorSettings settings, String vrrpText) {

    /** Copies the lists. */
    public DirectorSpec {
        Objects.requireNonNull(routerId, "routerId");
        services = List.copyOf(services);
        instances = List.copyOf(instances);
        syncGroups = List.copyOf(syncGroups);
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(vrrpText, "vrrpText");
    }

    /** A builder for the director named {@code routerId}. */
    public static Builder builder(String routerId) {
        return new Builder(routerId);
    }

    /** Builds a {@link DirectorSpec}. */
    public static final class Builder {
        private final String routerId;
        private final List<Service> services = new ArrayList<>();
        private final List<Instance> instances = new ArrayList<>();
        private final List<SyncGroup> syncGroups = new ArrayList<>();
        private DirectorSettings settings = DirectorSettings.DEFAULTS;
        private String vrrpText = "";

        private Builder(String routerId) {
            this.routerId = Objects.requireNonNull(routerId, "routerId");
        }

        /** Adds a virtual service. */
        public Builder service(Service service) {
            services.add(Objects.requireNonNull(service, "service"));
            return this;
        }

        /** Adds a VRRP instance. */
        public Builder instance(Instance instance) {
            instances.add(Objects.requireNonNull(instance, "instance"));
            return this;
        }

        /** Adds a sync group. */
        public Builder syncGroup(SyncGroup group) {
            syncGroups.add(Objects.requireNonNull(group, "group"));
            return this;
        }

        /** The director-wide settings; default {@link DirectorSettings#DEFAULTS}. */
        public Builder settings(DirectorSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** The failover part as canonical text; default empty. */
        public Builder vrrpText(String text) {
            this.vrrpText = Objects.requireNonNull(text, "vrrpText");
            return this;
        }

        /** The specification. */
        public DirectorSpec build() {
            return new DirectorSpec(routerId, services, instances, syncGroups, settings, vrrpText);
        }
    }
}
