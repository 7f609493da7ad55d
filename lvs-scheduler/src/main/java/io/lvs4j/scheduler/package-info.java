/**
 * Schedulers for lvs4j: every IPVS scheduler with the kernel's rules, plus {@code random}, {@code p2c} and
 * {@code ring}. They register through {@link java.util.ServiceLoader}; create one by name with
 * {@link io.lvs4j.api.scheduler.Schedulers#create(String, io.lvs4j.api.scheduler.SchedulerConfig)}.
 *
 * <table>
 *   <caption>Schedulers, flags and options</caption>
 *   <tr><th>name</th><th>rule</th><th>flags / options</th></tr>
 *   <tr><td>rr</td><td>next available in list order</td><td></td></tr>
 *   <tr><td>wrr</td><td>IPVS interleaved weighted round robin (gcd steps from the max weight)</td><td></td></tr>
 *   <tr><td>lc</td><td>least overhead (active × 256 + inactive)</td><td></td></tr>
 *   <tr><td>wlc</td><td>least overhead / weight (the ipvsadm default)</td><td></td></tr>
 *   <tr><td>sed</td><td>least (active + 1) / weight</td><td></td></tr>
 *   <tr><td>nq</td><td>first idle server, else sed</td><td></td></tr>
 *   <tr><td>lblc</td><td>destination → server cache, wlc on miss or overload</td>
 *       <td>expiration-seconds, cache-size</td></tr>
 *   <tr><td>lblcr</td><td>destination → server set</td><td>expiration-seconds, cache-size</td></tr>
 *   <tr><td>dh</td><td>256-bucket destination hash</td><td></td></tr>
 *   <tr><td>sh</td><td>256-bucket source hash, weight buckets per server</td><td>sh-port, sh-fallback</td></tr>
 *   <tr><td>mh</td><td>Maglev hashing as the kernel computes it</td>
 *       <td>mh-port, mh-fallback; table-size (prime, default 4093)</td></tr>
 *   <tr><td>fo</td><td>highest weight</td><td></td></tr>
 *   <tr><td>ovf</td><td>highest weight with active ≤ weight</td><td></td></tr>
 *   <tr><td>twos</td><td>two weighted random draws by scan, lower overhead / weight</td><td></td></tr>
 *   <tr><td>random</td><td>weighted random, O(1)</td><td></td></tr>
 *   <tr><td>p2c</td><td>two weighted random draws, O(1), fewer active / weight</td><td></td></tr>
 *   <tr><td>ring</td><td>consistent hash ring, optional bounded load</td>
 *       <td>ring-port; ring-points, bounded-load-factor</td></tr>
 * </table>
 *
 * <p>{@link io.lvs4j.scheduler.PersistentScheduler} adds IPVS persistence to any of them.
 */
@NullMarked
package io.lvs4j.scheduler;

import org.jspecify.annotations.NullMarked;
