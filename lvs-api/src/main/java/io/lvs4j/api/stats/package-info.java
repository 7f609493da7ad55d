/**
 * Statistics as {@code ipvsadm -L --stats --rate} shows them: totals of connections, packets and bytes, and rates
 * estimated every two seconds with IPVS's exponentially weighted moving average.
 */
@NullMarked
package io.lvs4j.api.stats;

import org.jspecify.annotations.NullMarked;
