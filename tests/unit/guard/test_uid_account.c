/* Unit tests of the dump accounts: subuid lines parsed (every malformed form refused and
 * counted), a uid found in the first range holding it, and a real file (root: one only
 * root can change) read again when it changes (replaced, or edited in place), missing or
 * refused, its owners named by the real NSS, root's ranges left out. */
#include "check.h"
#include "scratch.h"
#include "guard/uid_account.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void parse(const char *text, struct subid_ranges *r)
{
    CHECK(subid_ranges_parse(text, strlen(text), r) == 0);
}

/* The owner of the range holding uid, or "-". */
static const char *owner(const struct subid_ranges *r, uid_t uid)
{
    const struct subid_range *range = subid_ranges_find(r, uid);
    return range ? range->owner : "-";
}

static void test_lines(void)
{
    struct subid_ranges r;
    parse("# shadow's format, one line a range\n"
          "alice:100000:65536\n"
          "\n"
          "nobody:165536:10\n"
          "1000:200000:1\n"
          "bob:1:0\n"          /* 6: count 0 */
          "bob:4294967295:1\n" /* (uid_t)-1 is no uid */
          "bob:4294967290:6\n" /* its last would be (uid_t)-1 */
          "bob:12:34:56\n"
          "bob:+1:1\n" /* 10 */
          "bob:-1:1\n"
          "bob:99999999999:1\n"
          "bob:500000\n"
          ":500000:1\n"                                                            /* no user */
          "a-name-of-sixty-four-characters-is-longer-than-any-user-may-have:1:1\n" /* 15 */
          "nobody:100005:1\n"   /* inside alice's: the first range wins */
          "carol:4294967290:5", /* the last line, without a newline */
          &r);
    CHECK_INT(r.n, 5);
    CHECK_INT(r.bad, 10);
    CHECK_INT(r.first_bad, 6);
    CHECK_STR(owner(&r, 99999), "-");
    CHECK_STR(owner(&r, 100000), "alice");
    CHECK_STR(owner(&r, 100005), "alice");
    CHECK_STR(owner(&r, 165535), "alice");
    CHECK_STR(owner(&r, 165536), "nobody");
    CHECK_STR(owner(&r, 165545), "nobody");
    CHECK_STR(owner(&r, 165546), "-");
    CHECK_STR(owner(&r, 200000), "1000");
    CHECK_STR(owner(&r, 200001), "-");
    CHECK_STR(owner(&r, 4294967294u), "carol");
    CHECK_STR(owner(&r, 4294967289u), "-");
    subid_ranges_free(&r);

    static const char nul[] = "ro\0t:1:1\n";
    CHECK(subid_ranges_parse(nul, sizeof(nul) - 1, &r) == 0);
    CHECK_INT(r.n + 10 * r.bad, 10);
    subid_ranges_free(&r);
    parse("", &r);
    CHECK_INT(r.n + r.bad, 0);
    CHECK_STR(owner(&r, 5), "-");
    subid_ranges_free(&r);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s.new", path);
    FILE *f = fopen(tmp, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs(text, f);
    fclose(f);
    CHECK(chmod(tmp, mode) == 0);
    CHECK(rename(tmp, path) == 0); /* as shadow's tools replace it */
}

static void test_file(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "test_uid_account: the file checks need root (a file only root may "
                        "change)\n");
        check_failures++;
        return;
    }
    char dir[4096], path[4200];
    scratch_dir_create(dir, sizeof(dir), "uid-account");
    snprintf(path, sizeof(path), "%s/subuid", dir);
    struct uid_accounts *a = uid_accounts_new(path);
    if (!a) {
        CHECK(a != NULL);
        return;
    }
    CHECK_INT(uid_accounts_of(a, 165540), 165540); /* no file yet */
    write_file(path, "nobody:165536:65536\n", 0644);
    CHECK_INT(uid_accounts_of(a, 165540), 65534);
    write_file(path, "65534:165536:10\nno-such-user-here:300000:5\n", 0644);
    CHECK_INT(uid_accounts_of(a, 165540), 65534);
    CHECK_INT(uid_accounts_of(a, 165546), 165546);
    CHECK_INT(uid_accounts_of(a, 300001), 300001); /* its owner unknown */
    /* root's ranges (LXD's, Incus's) are left out: their uids stay their own */
    write_file(path, "root:165536:65536\n0:400000:10\n", 0644);
    CHECK_INT(uid_accounts_of(a, 165540), 165540);
    CHECK_INT(uid_accounts_of(a, 400001), 400001);
    write_file(path, "nobody:165536:65536\n", 0666); /* others could claim anyone's uids */
    CHECK_INT(uid_accounts_of(a, 165540), 165540);
    CHECK(chmod(path, 0644) == 0);
    CHECK_INT(uid_accounts_of(a, 165540), 65534);
    FILE *f = fopen(path, "r+"); /* edited in place: the same inode, the same size */
    CHECK(f && fputs("nobody:265536:65536\n", f) >= 0 && fclose(f) == 0);
    CHECK_INT(uid_accounts_of(a, 165540), 165540);
    CHECK_INT(uid_accounts_of(a, 265540), 65534);
    CHECK(unlink(path) == 0);
    CHECK_INT(uid_accounts_of(a, 265540), 265540);
    uid_accounts_free(a);
    scratch_dir_remove(dir);
}

int main(void)
{
    test_lines();
    test_file();
    return check_failures;
}
