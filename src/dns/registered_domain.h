/* The registered domain of a queried name (ECS dns.question.registered_domain): the name
 * under its public suffix by the Public Suffix List, "google.com" for "www.google.com",
 * "example.co.uk" for "a.b.example.co.uk". Private suffixes count, as in browsers:
 * "x.github.io" is its own registered domain. The list is libpsl's newest (psl_latest:
 * the system's, /usr/share/publicsuffix, or the one built into libpsl), loaded at the
 * first call and kept. Thread-safe: it is loaded once (pthread_once) and only read after
 * (the guard's handler and its dump worker both write hits). */
#ifndef EBPFSHIELD_REGISTERED_DOMAIN_H
#define EBPFSHIELD_REGISTERED_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>

#define REGISTERED_DOMAIN_MAX 254 /* a name of 253 characters without its trailing dot */

/* Writes the registered domain of name (presentation format, one trailing dot or none, any
 * case) into out, in lower case. False, with out "", when it is not known: no list; a name
 * with a byte other than letters, digits, '-' and '_' (\DDD escapes, UTF-8), an empty
 * label or over 253 characters; a last label the list does not hold (test, local, 4 of
 * 1.2.3.4); a public suffix itself (com, co.uk, github.io); out shorter than the result. */
bool registered_domain(const char *name, char *out, size_t out_len);

#endif
