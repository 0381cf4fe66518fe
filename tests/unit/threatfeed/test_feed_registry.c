/* Unit tests of feed_registry.c: ids in the order names are first seen, kept across
 * loads, so that a reload relabels nothing that did not move. */
#include "feeds_testlib.h"

static void test_registry(void)
{
    struct feed_registry *r = feed_registry_new();
    const char *d1 = new_dir("registry-1"), *d2 = new_dir("registry-2");
    struct error e;
    CHECK(r != NULL);
    write_file(d1, "b.txt", "198.51.100.0/24\n");
    write_file(d1, "a.txt", "192.0.2.0/24\n");
    write_file(d2, "c.txt", "203.0.113.0/24\n");
    write_file(d2, "a.txt", "198.51.100.0/24\n");
    struct capture c;
    capture_log(&c);
    struct feed_set *s1 = feeds_load(&(struct feed_sources){.dir = d1}, r, &e);
    struct feed_set *s2 = feeds_load(&(struct feed_sources){.dir = d2}, r, &e);
    struct feed_set *s3 = feeds_load(&(struct feed_sources){.dir = d1}, r, &e);
    free(capture_log_text(&c));
    CHECK(s1 && s2 && s3);
    /* Ids in the order names were first seen (a directory is read in name order). */
    CHECK_STR(feed_registry_name(r, 0), "a.txt");
    CHECK_STR(feed_registry_name(r, 1), "b.txt");
    CHECK_STR(feed_registry_name(r, 2), "c.txt");
    CHECK(feed_registry_name(r, 3) == NULL);
    CHECK(feed_registry_name(r, UINT32_MAX) == NULL);
    CHECK(feed_registry_name(NULL, 0) == NULL);
    CHECK_INT(feed_registry_id(r, "b.txt"), 1);
    CHECK_INT(feed_registry_id(r, "d.txt"), 3);
    CHECK_INT(feed_registry_id(r, "d.txt"), 3);
    CHECK_STR(feed_registry_name(r, 3), "d.txt");
    char *got = sync_calls(NULL, s1, NULL, 0, NULL);
    CHECK_STR(got, "+192.0.2.0/24 #0\n+198.51.100.0/24 #1\n");
    free(got);
    got = sync_calls(NULL, s2, NULL, 0, NULL);
    CHECK_STR(got, "+198.51.100.0/24 #0\n+203.0.113.0/24 #2\n");
    free(got);
    /* The same files again: the same ids, so nothing to sync. */
    got = sync_calls(s1, s3, NULL, 0, NULL);
    CHECK_STR(got, "");
    free(got);
    /* 198.51.100.0/24 moved from b.txt to a.txt: relabelled in place. */
    got = sync_calls(s1, s2, NULL, 0, NULL);
    CHECK_STR(got, "+198.51.100.0/24 #0\n+203.0.113.0/24 #2\n-192.0.2.0/24 #0\n");
    free(got);
    CHECK_STR(feeds_lookup4(s2, ip4("198.51.100.1")), "a.txt");
    feeds_free(s1);
    feeds_free(s2);
    feeds_free(s3);
    feed_registry_free(r);
    feed_registry_free(NULL);
}

int main(void)
{
    feeds_test_begin("test_feed_registry");
    test_registry();
    return feeds_test_end();
}
