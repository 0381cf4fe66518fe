/* A kernel-side text compiled by libbcc with the kernel's own headers next to
 * bpf_text/net_abi.h (test_net_abi.c): every constant and offset the programs take from
 * net_abi.h must be the kernel's. A difference fails the compile. */
#include "common/net_abi.h"

/* Ours, taken before the kernel's headers define the same names. */
enum {
    OURS_AF_INET = AF_INET,
    OURS_AF_INET6 = AF_INET6,
    OURS_IPPROTO_TCP = IPPROTO_TCP,
    OURS_IPPROTO_UDP = IPPROTO_UDP,
    OURS_IPPROTO_UDPLITE = IPPROTO_UDPLITE,
    OURS_SOCK_DGRAM = SOCK_DGRAM,
    OURS_ETH_P_IP = ETH_P_IP,
    OURS_ETH_P_IPV6 = ETH_P_IPV6,
    OURS_ETH_P_8021Q = ETH_P_8021Q,
    OURS_ETH_P_8021AD = ETH_P_8021AD,
};
#undef AF_INET
#undef AF_INET6
#undef IPPROTO_TCP
#undef IPPROTO_UDP
#undef IPPROTO_UDPLITE
#undef SOCK_DGRAM
#undef ETH_P_IP
#undef ETH_P_IPV6
#undef ETH_P_8021Q
#undef ETH_P_8021AD

#include <net/sock.h>
#include <linux/in.h>
#include <linux/if_ether.h>
#include <linux/socket.h>
#include <linux/net.h>

_Static_assert(OURS_AF_INET == AF_INET, "AF_INET");
_Static_assert(OURS_AF_INET6 == AF_INET6, "AF_INET6");
_Static_assert(OURS_IPPROTO_TCP == IPPROTO_TCP, "IPPROTO_TCP");
_Static_assert(OURS_IPPROTO_UDP == IPPROTO_UDP, "IPPROTO_UDP");
_Static_assert(OURS_IPPROTO_UDPLITE == IPPROTO_UDPLITE, "IPPROTO_UDPLITE");
_Static_assert(OURS_SOCK_DGRAM == SOCK_DGRAM, "SOCK_DGRAM");
_Static_assert(OURS_ETH_P_IP == ETH_P_IP, "ETH_P_IP");
_Static_assert(OURS_ETH_P_IPV6 == ETH_P_IPV6, "ETH_P_IPV6");
_Static_assert(OURS_ETH_P_8021Q == ETH_P_8021Q, "ETH_P_8021Q");
_Static_assert(OURS_ETH_P_8021AD == ETH_P_8021AD, "ETH_P_8021AD");

#define SAME_FIELD(ours, theirs, field)                                                            \
    _Static_assert(offsetof(struct ours, field) == offsetof(struct theirs, field) &&               \
                       sizeof(((struct ours *)0)->field) == sizeof(((struct theirs *)0)->field),   \
                   #theirs "." #field)

SAME_FIELD(abi_sock_common, sock_common, skc_daddr);
SAME_FIELD(abi_sock_common, sock_common, skc_rcv_saddr);
SAME_FIELD(abi_sock_common, sock_common, skc_dport);
SAME_FIELD(abi_sock_common, sock_common, skc_num);
SAME_FIELD(abi_sock_common, sock_common, skc_family);
SAME_FIELD(abi_sock_common, sock_common, skc_v6_daddr);
SAME_FIELD(abi_sock_common, sock_common, skc_v6_rcv_saddr);
_Static_assert(offsetof(struct sock, __sk_common) == 0, "struct sock starts with sock_common");
SAME_FIELD(abi_msghdr, msghdr, msg_name);
SAME_FIELD(abi_msghdr, msghdr, msg_namelen);
SAME_FIELD(abi_sockaddr_in, sockaddr_in, sin_family);
SAME_FIELD(abi_sockaddr_in, sockaddr_in, sin_port);
SAME_FIELD(abi_sockaddr_in, sockaddr_in, sin_addr);
_Static_assert(sizeof(struct abi_sockaddr_in) <= sizeof(struct sockaddr_in), "sockaddr_in");
