/* The kernel programs of bpf_text/, embedded at build time (cmake/embed_bpf.cmake). */
#ifndef EBPFSHIELD_BPF_TEXTS_H
#define EBPFSHIELD_BPF_TEXTS_H

extern const char bpf_text_kprobe_sendmsg[];
extern const char bpf_text_dns_matching[];
extern const char bpf_text_ebpfshield[];
extern const char bpf_text_tp_sendmsg[];
extern const char bpf_text_tp_connect[];

#endif
