/**
 * The director specification: what a director runs, as plain immutable records. Both front ends produce it (a
 * keepalived.conf through {@link io.lvs4j.keepalived.KeepalivedConfig#load}, the flags of {@code lvs4j forward}) and
 * {@link io.lvs4j.keepalived.KeepalivedDirector} runs it; the translation from these records to library objects
 * (virtual services, real servers, checks, failover settings) exists only there.
 *
 * <p>{@link io.lvs4j.keepalived.spec.DirectorSpec} holds the virtual services ({@link
 * io.lvs4j.keepalived.spec.Service}, each with its {@link io.lvs4j.keepalived.spec.Real} servers and their {@link
 * io.lvs4j.keepalived.spec.Check}s), the VRRP instances ({@link io.lvs4j.keepalived.spec.Instance} with its {@link
 * io.lvs4j.keepalived.spec.VirtualAddress}es and {@link io.lvs4j.keepalived.spec.Track}ed scripts), the {@link
 * io.lvs4j.keepalived.spec.SyncGroup}s and the director-wide {@link io.lvs4j.keepalived.spec.DirectorSettings}.
 */
@NullMarked
package io.lvs4j.keepalived.spec;

import org.jspecify.annotations.NullMarked;
