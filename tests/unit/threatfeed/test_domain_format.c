/* Domain entries in feed files (domain_format.c): which lines are names and which stay
 * address entries, per file kind, and what a loaded set then matches (listed, below a
 * listed name, allowed by an exception or by the allow-list). */
#include "feeds_testlib.h"

static const struct domain_hash hash = {.mult = 0x9e3779b97f4a7c15ULL, .seed = 7};

/* One file and what loading it alone must give. */
static const struct {
    const char *name, *text;
    size_t v4, v6, names, allowed, skipped;
} files[] = {
    {"plain.txt", "evil.example\n*.wild.example\nPLAIN.Example.\n", 0, 0, 3, 0, 0},
    {"hosts.txt", "0.0.0.0 a.example b.example\n127.0.0.1 localhost\n:: c.example\n", 0, 0, 3, 0,
     0},
    /* An address with a note in an address feed stays an address. */
    {"noted.txt", "203.0.113.7 Emotet\n198.51.100.0/24 botnet\n", 2, 0, 0, 0, 0},
    {"any.hosts", "203.0.113.7 pinned.example\n", 0, 0, 1, 0, 0},
    {"adblock.txt", "[Adblock Plus 2.0]\n! note\n||ads.example^\n@@||ok.ads.example^\n", 0, 0, 1, 1,
     0},
    {"zone.rpz",
     "$TTL 60\n@ SOA a. b. (1 2\n 3 4 5)\nrpz.example CNAME .\nok.rpz.example CNAME "
     "rpz-passthru.\n",
     0, 0, 1, 1, 0},
    {"mixed.txt", "192.0.2.1\nfd00::1\nmixed.example\n10.0.0.0-10.0.0.3\n", 2, 1, 1, 0, 0},
    {"junk.csv", "ip,note\n192.0.2.9,x.example\n", 1, 0, 0, 0, 0},
};

static void test_files(void)
{
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        const char *dir = new_dir(files[i].name);
        write_file(dir, files[i].name, files[i].text);
        char *log;
        struct error e;
        struct feed_set *set =
            load_src(&(struct feed_sources){.dir = dir, .names = &hash}, &log, &e);
        if (!set) {
            fprintf(stderr, "%s: not loaded: %s\n%s", files[i].name, e.msg, log);
            check_failures++;
            free(log);
            continue;
        }
        struct feeds_stats st = feeds_stats(set);
        if (st.v4 != files[i].v4 || st.v6 != files[i].v6 || st.names != files[i].names ||
            st.names_allowed != files[i].allowed) {
            fprintf(stderr, "%s: %zu v4 %zu v6 %zu names %zu allowed, want %zu %zu %zu %zu\n%s",
                    files[i].name, st.v4, st.v6, st.names, st.names_allowed, files[i].v4,
                    files[i].v6, files[i].names, files[i].allowed, log);
            check_failures++;
        }
        CHECK_INT(files[i].skipped, strstr(log, ", 0 lines skipped") == NULL);
        feeds_free(set);
        free(log);
    }
}

static void test_matches(void)
{
    const char *dir = new_dir("matches");
    write_file(dir, "list.txt", "evil.example\n||ads.example^\n@@||ok.ads.example^\n");
    const char *allow_dir = new_dir("matches-allow");
    write_file(allow_dir, "allow.txt", "good.evil.example\n");
    const char *allow = join(allow_dir, "allow.txt");
    char *log;
    struct error e;
    struct feed_set *set =
        load_src(&(struct feed_sources){.dir = dir, .allow = allow, .names = &hash}, &log, &e);
    CHECK(set != NULL);
    static const struct {
        const char *query, *listed;
    } cases[] = {{"evil.example", "evil.example"}, {"x.y.evil.example", "evil.example"},
                 {"good.evil.example", NULL},      {"a.good.evil.example", NULL},
                 {"x.ads.example", "ads.example"}, {"ok.ads.example", NULL},
                 {"notevil.example", NULL}};
    for (size_t i = 0; set && i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t feed;
        const char *got = domain_set_match(feeds_domains(set), cases[i].query, &feed);
        if (cases[i].listed)
            CHECK_STR(got, cases[i].listed);
        else
            CHECK(got == NULL);
    }
    feeds_free(set);
    free(log);
}

int main(void)
{
    feeds_test_begin("test_domain_format");
    test_files();
    test_matches();
    return feeds_test_end();
}
