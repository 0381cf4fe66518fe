/* Unit tests of feed_set.c: a missing set lists nothing and counts nothing. */
#include "feeds_testlib.h"

static void test_null_set(void)
{
    uint8_t a6[16] = {0};
    CHECK(feeds_lookup4(NULL, 0) == NULL);
    CHECK(feeds_lookup6(NULL, a6) == NULL);
    struct feeds_stats st = feeds_stats(NULL);
    CHECK(st.files == 0 && st.v4 == 0 && st.v6 == 0 && st.allowed == 0 && st.cidrs4 == 0 &&
          st.cidrs6 == 0);
    feeds_free(NULL);
}

int main(void)
{
    feeds_test_begin("test_feed_set");
    test_null_set();
    return feeds_test_end();
}
