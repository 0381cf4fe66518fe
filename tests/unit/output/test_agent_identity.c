/* Unit tests of agent_identity.c: machine ids as systemd writes them (and what is not
 * one), the agent id derived from one (checked against SHA-256 computed by Python's
 * hashlib, not by this code), UUID text, and the identity of the machine running the
 * test (its /etc/machine-id and node name read independently here). */
#include "check.h"
#include "output/agent_identity.h"

#include <regex.h>
#include <stdio.h>
#include <sys/utsname.h>

#define ID "3d1219c7c4c5404aaa1f6d2a48adfda4"

static bool parses(const char *text)
{
    char id[MACHINE_ID_LEN + 1];
    return machine_id_parse(text, strlen(text), id);
}

static void test_machine_id(void)
{
    char id[MACHINE_ID_LEN + 1];
    CHECK(machine_id_parse(ID "\n", strlen(ID) + 1, id));
    CHECK_STR(id, ID);
    CHECK(parses(ID));
    CHECK(!parses(""));
    CHECK(!parses("uninitialized\n"));                    /* systemd's first-boot marker */
    CHECK(!parses("00000000000000000000000000000000\n")); /* not set */
    CHECK(!parses("3D1219C7C4C5404AAA1F6D2A48ADFDA4"));   /* upper case is not written */
    CHECK(!parses("3d1219c7c4c5404aaa1f6d2a48adfda"));    /* 31 digits */
    CHECK(!parses(ID "0"));
    CHECK(!parses(ID "\n\n"));
    CHECK(!parses("3d1219c7-c4c5-404a-aa1f-6d2a48adfd"));
    /* Not NUL-terminated: only len bytes are read. */
    char raw[MACHINE_ID_LEN];
    memcpy(raw, ID, sizeof(raw));
    CHECK(machine_id_parse(raw, sizeof(raw), id));
}

static void test_agent_id(void)
{
    char out[UUID_TEXT_LEN + 1];
    /* hashlib.sha256(b"3d12...a4" + b"ebpfshield-bcc agent").digest()[:16].hex() is
     * 892625d5debfb1b3b5a67a30cac43817; version 4 and the variant set on it: */
    agent_id_derive(ID, out);
    CHECK_STR(out, "892625d5-debf-41b3-b5a6-7a30cac43817");
    uint8_t ones[16];
    memset(ones, 0xff, sizeof(ones));
    uuid_text(ones, out);
    CHECK_STR(out, "ffffffff-ffff-4fff-bfff-ffffffffffff");
}

/* The loaded identity against this machine's, read here without the code under test. */
static void test_load(void)
{
    struct agent_identity a;
    agent_identity_load(&a);
    struct utsname u;
    CHECK(uname(&u) == 0);
    CHECK_STR(a.host_name, u.nodename);
    char text[64] = "";
    FILE *f = fopen("/etc/machine-id", "r");
    bool have = f && fgets(text, sizeof(text), f) && strlen(text) >= MACHINE_ID_LEN;
    if (f)
        fclose(f);
    if (have) {
        text[MACHINE_ID_LEN] = '\0';
        CHECK_STR(a.host_id, text);
        CHECK(strlen(a.agent_id) == UUID_TEXT_LEN && strcmp(a.agent_id, a.host_id) != 0);
    } else {
        CHECK_STR(a.host_id, "");
        CHECK_STR(a.agent_id, "");
    }
    regex_t re;
    CHECK(regcomp(&re, "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
                  REG_EXTENDED | REG_NOSUB) == 0);
    CHECK(regexec(&re, a.ephemeral_id, 0, NULL, 0) == 0);
    struct agent_identity b;
    agent_identity_load(&b);
    CHECK(strcmp(a.ephemeral_id, b.ephemeral_id) != 0); /* a new one per run */
    CHECK_STR(b.agent_id, a.agent_id);                  /* the same across runs */
    regfree(&re);
}

int main(void)
{
    test_machine_id();
    test_agent_id();
    test_load();
    CHECK_DONE();
}
