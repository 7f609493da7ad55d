/**
 * IPVS schedulers (rr, wrr, lc, wlc, sed, nq, lblc, lblcr, dh, sh, mh, fo, ovf, twos) and modern ones (random, p2c, ring), with persistence.
 */
@NullMarked
package io.lvs4j.scheduler;

import org.jspecify.annotations.NullMarked;
