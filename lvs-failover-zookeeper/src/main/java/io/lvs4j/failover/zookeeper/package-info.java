/**
 * Failover and membership on Apache ZooKeeper through Curator.
 */
@NullMarked
package io.lvs4j.failover.zookeeper;

import org.jspecify.annotations.NullMarked;
