/* The few network constants and layouts the kernel programs read, written out here instead
 * of including <net/sock.h>, <linux/in.h>, <linux/if_ether.h> or <linux/bpf.h>: those pull
 * in most of the kernel's headers, which libbcc would parse at every start (5 times the
 * compile time and 80 MB of peak memory on Debian's 6.1 headers). The constants are fixed
 * by the user-space ABI. The layouts are the kernel's leading fields; the rest of each
 * struct is never read. tests/unit/net_abi_check.c compiles this next to the kernel's own
 * headers and checks every offset. */
#ifndef EBPFSHIELD_NET_ABI_H
#define EBPFSHIELD_NET_ABI_H

#include <uapi/linux/in6.h>

struct sock;
struct sockaddr;
struct msghdr;

#ifndef AF_INET
#define AF_INET 2
#define AF_INET6 10
#endif
#ifndef IPPROTO_TCP
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#endif
#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif
#ifndef SOCK_DGRAM
#define SOCK_DGRAM 2 /* enum sock_type of <linux/net.h> (x86's; MIPS alone differs) */
#endif
#ifndef ETH_P_IP
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_P_8021Q 0x8100  /* a VLAN tag */
#define ETH_P_8021AD 0x88A8 /* a service VLAN tag (QinQ's outer one) */
#endif

/* struct sockaddr_in of <uapi/linux/in.h>. */
struct abi_sockaddr_in {
    __u16 sin_family;
    __be16 sin_port;
    __be32 sin_addr;
};

/* struct msghdr of <linux/socket.h>, up to the destination's length. */
struct abi_msghdr {
    void *msg_name;
    int msg_namelen;
};

/* struct sock_common of <net/sock.h> (every struct sock starts with it), up to the IPv6
 * addresses. Where they lie depends on the same options as in the kernel's header. */
struct abi_sock_common {
    __be32 skc_daddr;
    __be32 skc_rcv_saddr;
    __u32 skc_hash;
    __be16 skc_dport;
    __u16 skc_num;
    unsigned short skc_family;
    unsigned char skc_state;
    unsigned char skc_reuse_bits;
    int skc_bound_dev_if;
    void *skc_bind_node[2];
    void *skc_prot;
#ifdef CONFIG_NET_NS
    void *skc_net;
#endif
#if IS_ENABLED(CONFIG_IPV6)
    struct in6_addr skc_v6_daddr;
    struct in6_addr skc_v6_rcv_saddr;
#endif
};

#endif
