/* Unit tests of --inbound's list as the command line gives it: "all", or interface names
 * as the kernel takes them (1 to 15 bytes, no '/', ':', ',' or white space or control
 * byte), separated by commas, 64 at most. */
#include "check.h"
#include "guard/inbound.h"

#include <stdio.h>
#include <string.h>

int main(void)
{
    static const char *const good[] = {
        "all",       "eth0", "eth0,veth1", "a", "123456789012345", "br-1.42,wg0,enp0s31f6",
        "eth0,eth0", "ALL"};
    static const char *const bad[] = {"",    ",",   "eth0,", ",eth0", "eth0,,eth1",       "a/b",
                                      "a:b", "a b", "a\tb",  "a\x7f", "1234567890123456", "a\nb"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        if (!inbound_list_valid(good[i])) {
            fprintf(stderr, "refused: \"%s\"\n", good[i]);
            CHECK(0);
        }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (inbound_list_valid(bad[i])) {
            fprintf(stderr, "taken: \"%s\"\n", bad[i]);
            CHECK(0);
        }
    CHECK(inbound_list_valid("all,eth0")); /* "all" among names is an interface's name */

    char list[64 * 3 + 8] = "";
    for (int i = 0; i < 64; i++)
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%se%d", i ? "," : "", i % 10);
    CHECK(inbound_list_valid(list)); /* 64 names */
    strcat(list, ",e");
    CHECK(!inbound_list_valid(list)); /* 65 */
    CHECK_DONE();
}
