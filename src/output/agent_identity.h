/* Who writes the events: the host and the agent ECS names in every JSON event (host.name,
 * host.id, agent.id, agent.ephemeral_id), so that many hosts can ship to one SIEM. */
#ifndef EBPFSHIELD_AGENT_IDENTITY_H
#define EBPFSHIELD_AGENT_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MACHINE_ID_LEN 32 /* systemd's machine-id(5): 32 lowercase hex digits */
#define UUID_TEXT_LEN 36
#define HOST_NAME_TEXT_MAX 65

struct agent_identity {
    char host_name[HOST_NAME_TEXT_MAX];   /* the node name, made printable */
    char host_id[MACHINE_ID_LEN + 1];     /* /etc/machine-id; "" when there is none */
    char agent_id[UUID_TEXT_LEN + 1];     /* derived from host_id; "" without it */
    char ephemeral_id[UUID_TEXT_LEN + 1]; /* this run's, random; "" without one */
};

/* The machine id in text (a file's content: the id, then optionally a newline) copied to
 * id; false when text is not one. */
bool machine_id_parse(const char *text, size_t len, char id[MACHINE_ID_LEN + 1]);

/* The agent's id on the host with machine id id: a UUID (version 4 layout) from SHA-256
 * of the id and this program's name, so that it stays the same across runs without being
 * the machine id itself (as sd_id128_get_machine_app_specific does). */
void agent_id_derive(const char id[MACHINE_ID_LEN + 1], char out[UUID_TEXT_LEN + 1]);

/* 16 bytes as a version 4 UUID's text. */
void uuid_text(const uint8_t bytes[16], char out[UUID_TEXT_LEN + 1]);

/* This host's identity: the node name, /etc/machine-id (left out with a note when it is
 * missing or not a machine id) and a random id for this run. */
void agent_identity_load(struct agent_identity *a);

#endif
