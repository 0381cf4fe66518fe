#include "output/agent_identity.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <ldns/sha2.h>

#include "base/log.h"
#include "base/text.h"

#define MACHINE_ID_PATH "/etc/machine-id"
#define AGENT_ID_SALT "ebpfshield-bcc agent"

bool machine_id_parse(const char *text, size_t len, char id[MACHINE_ID_LEN + 1])
{
    if (len == MACHINE_ID_LEN + 1 && text[MACHINE_ID_LEN] == '\n')
        len--;
    if (len != MACHINE_ID_LEN)
        return false;
    bool all_zero = true;
    for (size_t i = 0; i < MACHINE_ID_LEN; i++) {
        char c = text[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
        all_zero = all_zero && c == '0';
    }
    memcpy(id, text, MACHINE_ID_LEN);
    id[MACHINE_ID_LEN] = '\0';
    return !all_zero; /* all zeros is systemd's "not set" (an image's empty template) */
}

void uuid_text(const uint8_t bytes[16], char out[UUID_TEXT_LEN + 1])
{
    uint8_t b[16];
    memcpy(b, bytes, sizeof(b));
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(out, UUID_TEXT_LEN + 1,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
             b[15]);
}

void agent_id_derive(const char id[MACHINE_ID_LEN + 1], char out[UUID_TEXT_LEN + 1])
{
    unsigned char input[MACHINE_ID_LEN + sizeof(AGENT_ID_SALT) - 1];
    unsigned char digest[LDNS_SHA256_DIGEST_LENGTH];
    memcpy(input, id, MACHINE_ID_LEN);
    memcpy(input + MACHINE_ID_LEN, AGENT_ID_SALT, sizeof(AGENT_ID_SALT) - 1);
    ldns_sha256(input, sizeof(input), digest);
    uuid_text(digest, out);
}

/* The machine id from /etc/machine-id into id; false (with a note) without one. */
static bool read_machine_id(char id[MACHINE_ID_LEN + 1])
{
    char text[MACHINE_ID_LEN + 2];
    int fd = open(MACHINE_ID_PATH, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof(text));
    int err = errno;
    if (fd >= 0)
        close(fd);
    if (n < 0) {
        log_note("host.id and agent.id left out: %s: %s", MACHINE_ID_PATH, strerror(err));
        return false;
    }
    if (!machine_id_parse(text, (size_t)n, id)) {
        log_note("host.id and agent.id left out: %s holds no machine id", MACHINE_ID_PATH);
        return false;
    }
    return true;
}

void agent_identity_load(struct agent_identity *a)
{
    memset(a, 0, sizeof(*a));
    struct utsname u;
    if (uname(&u) == 0)
        text_printable(a->host_name, sizeof(a->host_name), u.nodename, sizeof(u.nodename));
    if (read_machine_id(a->host_id))
        agent_id_derive(a->host_id, a->agent_id);
    uint8_t random[16];
    if (getrandom(random, sizeof(random), 0) == (ssize_t)sizeof(random))
        uuid_text(random, a->ephemeral_id);
    else
        log_note("agent.ephemeral_id left out: getrandom: %s", strerror(errno));
}
