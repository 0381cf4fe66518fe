/* The kernel programs of bpf_text/, embedded at build time (cmake/embed_bpf.cmake). */
#ifndef EBPFSHIELD_BPF_TEXTS_H
#define EBPFSHIELD_BPF_TEXTS_H

extern const char bpf_text_kprobe_sendmsg[]; /* ebpf_monitor flows, kprobe mode */
extern const char bpf_text_tp_sendmsg[];     /* ebpf_monitor flows, tracepoint mode */
extern const char bpf_text_dns_matching[];   /* ebpf_monitor socket filter */
extern const char bpf_text_kprobe_connect[]; /* ebpf_ipintelligence, kprobe mode */
extern const char bpf_text_cgroup_connect[]; /* ebpf_ipintelligence, tracepoint mode */

#endif
