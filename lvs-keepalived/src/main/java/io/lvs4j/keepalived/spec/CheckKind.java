package io.lvs4j.keepalived.spec;

/** The checkers of keepalived. */
public enum CheckKind {
    /** TCP_CHECK. */
    TCP,
    /** HTTP_GET. */
    HTTP,
    /** SSL_GET. */
    SSL,
    /** MISC_CHECK. */
    MISC,
    /** DNS_CHECK. */
    DNS,
    /** SMTP_CHECK. */
    SMTP,
    /** UDP_CHECK. */
    UDP
}
