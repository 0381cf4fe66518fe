/* How the guard looks a domain name up, shared by the kernel programs (compiled by libbcc,
 * this header pasted in) and user space (which fills the table with the same hashes).
 *
 * A name is hashed in DNS wire form (length-prefixed labels, the root's 0 last), letters
 * folded to lower case. Walking the wire bytes from the end, the running value after a
 * label's length byte is the hash of the suffix that starts there, so one pass over a
 * queried name yields the key of every name it lies under: "a.evil.example" looks up
 * "example", "evil.example" and "a.evil.example". The multiplier (odd) and the seed are
 * drawn at random per run and compiled into the programs, so nobody outside can aim at a
 * collision; a collision could only make a clean name look listed, and user space checks
 * every hit against its own list of names. */
#ifndef EBPFSHIELD_DOMAIN_HASH_H
#define EBPFSHIELD_DOMAIN_HASH_H

#ifndef __KERNEL__
#include <linux/types.h>
#endif

#define DOMAIN_WIRE_MAX 255 /* a name in wire form, the root's 0 included (RFC 1035) */

/* Values of the domain table besides a feed's index. */
#define DOMAIN_ALLOWED 0xffffffffu /* --allow, or an exception entry: never a hit */

/* One step of the walk from the end: the byte at position k (folded when it is not a
 * length byte) onto the value of what follows it. */
static inline __u64 domain_hash_step(__u64 after, __u8 byte, int length_byte, __u64 mult)
{
    if (!length_byte && byte >= 'A' && byte <= 'Z')
        byte += 'a' - 'A';
    return (after + byte + 1) * mult;
}

/* The table key of a suffix from its running value (a 64-bit finaliser, then the seed). */
static inline __u64 domain_hash_key(__u64 value, __u64 seed)
{
    value ^= seed;
    value ^= value >> 33;
    value *= 0xff51afd7ed558ccdULL;
    value ^= value >> 33;
    value *= 0xc4ceb9fe1a85ec53ULL;
    value ^= value >> 33;
    return value;
}

#endif
