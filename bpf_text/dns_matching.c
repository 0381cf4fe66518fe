/* ebpf_monitor: socket filter on a raw packet socket (all interfaces). Matches IPv4
 * UDP/TCP port-53 packets against proc_ports and ships the process record plus the whole
 * frame to user space. Loads through LD_ABS (load_byte/half/word), which return host
 * order and end the program safely on a short packet. */
#include <linux/if_ether.h>
#include <linux/in.h>
#include "ebpfshield_events.h"

BPF_TABLE("extern", struct port_key, struct port_val, proc_ports, EBPFSHIELD_PROC_PORTS_MAX);
BPF_PERF_OUTPUT(dns_events);

#define ETH_HLEN_ 14
#define TCP_FLAG_PSH_ 0x08

int dns_matching(struct __sk_buff *skb)
{
    if (load_half(skb, 12) != ETH_P_IP)
        return 0;
    __u32 ihl = (load_byte(skb, ETH_HLEN_) & 0x0f) * 4;
    if (ihl < 20)
        return 0;
    if (load_half(skb, ETH_HLEN_ + 6) & 0x1fff) /* not the first fragment: no ports */
        return 0;
    __u8 proto = load_byte(skb, ETH_HLEN_ + 9);
    __u32 l4 = ETH_HLEN_ + ihl;
    if (proto == IPPROTO_TCP) {
        if (!(load_byte(skb, l4 + 13) & TCP_FLAG_PSH_)) /* no payload to decode */
            return 0;
    } else if (proto != IPPROTO_UDP) {
        return 0;
    }
    __u16 sport = load_half(skb, l4);
    __u16 dport = load_half(skb, l4 + 2);
    if (sport != EBPFSHIELD_DNS_PORT && dport != EBPFSHIELD_DNS_PORT)
        return 0;

    __u32 src = load_word(skb, ETH_HLEN_ + 12);
    __u32 dst = load_word(skb, ETH_HLEN_ + 16);
    struct port_key key;
    __builtin_memset(&key, 0, sizeof(key));
    key.proto = proto;
    /* The table is keyed from the sender's side: an outgoing packet as is, an incoming
     * one (an answer to a local client) reversed. */
    if (skb->ingress_ifindex == 0) {
        key.saddr = src;
        key.daddr = dst;
        key.sport = sport;
        key.dport = dport;
    } else {
        key.saddr = dst;
        key.daddr = src;
        key.sport = dport;
        key.dport = sport;
    }
    struct port_val *found = proc_ports.lookup(&key);
    if (!found)
        return 0;
    struct port_val val = *found;
    val.ifindex = skb->ifindex;
    dns_events.perf_submit_skb(skb, skb->len, &val, sizeof(val));
    return 0;
}
