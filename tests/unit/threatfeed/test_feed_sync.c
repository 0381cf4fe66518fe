/* Unit tests of feed_sync.c: what a reload asks of the tries, in call order, between two
 * sets, from and to nothing, and when put() or del() fails. */
#include "feeds_testlib.h"

enum { NONE, SET_A, SET_B }; /* the sets of a sync case */

static void test_sync(void)
{
    const char *dir_a = new_dir("sync-a"), *dir_b = new_dir("sync-b");
    write_file(dir_a, "a.txt", "20.0.0.0/24\n20.0.2.0/24\n192.0.2.0/24\n2001:db8::/48\n");
    write_file(dir_a, "b.txt", "198.51.100.0/24\n203.0.113.0/24\n");
    write_file(dir_b, "a.txt", "20.0.0.0/23\n192.0.2.0/24\n");
    write_file(dir_b, "b.txt", "203.0.113.0/24\n");
    write_file(dir_b, "c.txt", "198.51.100.0/24\n2001:db8::/48\n");
    struct feed_set *sets[] = {
        NULL,
        load_expect(dir_a, "loaded 4 entries (3 v4, 1 v6) from %1$s/a.txt, 0 lines skipped\n"
                           "loaded 2 entries (2 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n"),
        load_expect(dir_b, "loaded 2 entries (2 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n"
                           "loaded 1 entries (1 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n"
                           "loaded 2 entries (1 v4, 1 v6) from %1$s/c.txt, 0 lines skipped\n")};
    static const struct {
        int line, old, new, stop_at, rc;
        const char *want;
    } cases[] = {
        /* From nothing: all of B. */
        {__LINE__, NONE, SET_B, 0, 0,
         "+20.0.0.0/23 a.txt\n"
         "+192.0.2.0/24 a.txt\n"
         "+198.51.100.0/24 c.txt\n"
         "+203.0.113.0/24 b.txt\n"
         "+2001:db8::/48 c.txt\n"},
        /* A to B: what B lacks or labels otherwise is put, then what A has and B lacks goes;
         * a CIDR only relabelled is not deleted. */
        {__LINE__, SET_A, SET_B, 0, 0,
         "+20.0.0.0/23 a.txt\n"
         "+198.51.100.0/24 c.txt\n"
         "+2001:db8::/48 c.txt\n"
         "-20.0.0.0/24 a.txt\n"
         "-20.0.2.0/24 a.txt\n"},
        /* And back. */
        {__LINE__, SET_B, SET_A, 0, 0,
         "+20.0.0.0/24 a.txt\n"
         "+20.0.2.0/24 a.txt\n"
         "+198.51.100.0/24 b.txt\n"
         "+2001:db8::/48 a.txt\n"
         "-20.0.0.0/23 a.txt\n"},
        /* To nothing, to itself, from nothing to nothing. */
        {__LINE__, SET_B, NONE, 0, 0,
         "-20.0.0.0/23 a.txt\n"
         "-192.0.2.0/24 a.txt\n"
         "-198.51.100.0/24 c.txt\n"
         "-203.0.113.0/24 b.txt\n"
         "-2001:db8::/48 c.txt\n"},
        {__LINE__, SET_A, SET_A, 0, 0, ""},
        {__LINE__, NONE, NONE, 0, 0, ""},
        /* The first non-zero return stops it, from put() or del(). */
        {__LINE__, SET_A, SET_B, 2, 42, "+20.0.0.0/23 a.txt\n+198.51.100.0/24 c.txt\n"},
        {__LINE__, SET_A, SET_B, 4, 42,
         "+20.0.0.0/23 a.txt\n+198.51.100.0/24 c.txt\n+2001:db8::/48 c.txt\n"
         "-20.0.0.0/24 a.txt\n"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc = -1;
        char *got = sync_calls(sets[cases[i].old], sets[cases[i].new], reg, cases[i].stop_at, &rc);
        check_long_at(cases[i].line, "feeds_sync's return", rc, cases[i].rc);
        check_text_at(cases[i].line, got, cases[i].want, NULL, NULL);
        free(got);
    }
    feeds_free(sets[SET_A]);
    feeds_free(sets[SET_B]);
}

int main(void)
{
    feeds_test_begin("test_feed_sync");
    test_sync();
    return feeds_test_end();
}
