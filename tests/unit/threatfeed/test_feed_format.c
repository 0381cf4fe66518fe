/* Unit tests of feed_format.c and csv_format.c: every published format from the samples of
 * tests/fixtures/feeds, two addresses on a line (DShield's ranges), CSV files and where a
 * CSV header may stand. */
#include "feeds_testlib.h"

/* ---- The published formats, from tests/fixtures/feeds ---- */

#define FIREHOL_CIDRS                                                                              \
    "+1.10.16.0/20 firehol_level1.netset\n"                                                        \
    "+45.143.200.0/22 firehol_level1.netset\n"                                                     \
    "+185.220.101.47/32 firehol_level1.netset\n"                                                   \
    "+192.0.2.0/24 firehol_level1.netset\n"                                                        \
    "+198.18.0.0/15 firehol_level1.netset\n"                                                       \
    "+198.51.100.0/24 firehol_level1.netset\n"                                                     \
    "+203.0.113.0/24 firehol_level1.netset\n"

#define FIREHOL_CIDRS_WIDE                                                                         \
    "+0.0.0.0/8 firehol_level1.netset\n"                                                           \
    "+1.10.16.0/20 firehol_level1.netset\n"                                                        \
    "+10.0.0.0/8 firehol_level1.netset\n"                                                          \
    "+45.143.200.0/22 firehol_level1.netset\n"                                                     \
    "+100.64.0.0/10 firehol_level1.netset\n"                                                       \
    "+127.0.0.0/8 firehol_level1.netset\n"                                                         \
    "+169.254.0.0/16 firehol_level1.netset\n"                                                      \
    "+172.16.0.0/12 firehol_level1.netset\n"                                                       \
    "+185.220.101.47/32 firehol_level1.netset\n"                                                   \
    "+192.0.2.0/24 firehol_level1.netset\n"                                                        \
    "+192.168.0.0/16 firehol_level1.netset\n"                                                      \
    "+198.18.0.0/15 firehol_level1.netset\n"                                                       \
    "+198.51.100.0/24 firehol_level1.netset\n"                                                     \
    "+203.0.113.0/24 firehol_level1.netset\n"                                                      \
    "+224.0.0.0/3 firehol_level1.netset\n"

static const struct load_case samples[] = {
    {LOAD_CASE, .dir = "fixture-drop.txt", .files = {{"drop.txt", NULL}},
     .log = "loaded 10 entries (10 v4, 0 v6) from %1$s/drop.txt, 0 lines skipped\n", .loaded = true,
     .stats = {true, 1, 10, 0, 0, 10, 0},
     .lookups = {{"1.10.15.255", NULL},
                 {"1.10.16.0", "drop.txt"},
                 {"1.10.31.255", "drop.txt"},
                 {"1.10.32.0", NULL},
                 {"31.24.81.77", "drop.txt"},
                 {"203.0.113.127", "drop.txt"},
                 {"203.0.113.128", NULL},
                 {"8.8.8.8", NULL},
                 {"2001:db8::1", NULL}},
     .cidrs = "+1.10.16.0/20 drop.txt\n"
              "+1.19.0.0/16 drop.txt\n"
              "+1.32.128.0/18 drop.txt\n"
              "+2.56.192.0/22 drop.txt\n"
              "+5.134.128.0/19 drop.txt\n"
              "+31.24.81.0/24 drop.txt\n"
              "+45.9.20.0/22 drop.txt\n"
              "+192.0.2.0/24 drop.txt\n"
              "+198.51.100.0/24 drop.txt\n"
              "+203.0.113.0/25 drop.txt\n"},
    {LOAD_CASE, .dir = "fixture-dropv6.txt", .files = {{"dropv6.txt", NULL}},
     .log = "loaded 10 entries (0 v4, 10 v6) from %1$s/dropv6.txt, 0 lines skipped\n",
     .loaded = true, .stats = {true, 1, 0, 10, 0, 0, 10},
     .lookups = {{"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", NULL},
                 {"2001:db8::", "dropv6.txt"},
                 {"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "dropv6.txt"},
                 {"2001:db9::", NULL},
                 {"2a06:e487:ffff::1", "dropv6.txt"},
                 {"2a06:e488::", NULL},
                 {"3fff:fff:ffff::1", "dropv6.txt"},
                 {"3fff:1000::", NULL},
                 {"192.0.2.1", NULL}},
     .cidrs = "+2001:db8::/32 dropv6.txt\n"
              "+2a06:e480::/29 dropv6.txt\n"
              "+2a0d:8480::/29 dropv6.txt\n"
              "+2a0e:3940::/29 dropv6.txt\n"
              "+2a0f:ca80::/29 dropv6.txt\n"
              "+2a10:cc40::/29 dropv6.txt\n"
              "+2a12:4940::/29 dropv6.txt\n"
              "+2a13:df80::/29 dropv6.txt\n"
              "+2a14:7580::/29 dropv6.txt\n"
              "+3fff::/20 dropv6.txt\n"},
    /* FireHOL level1 includes bogons meant for a perimeter firewall: on a host, its wide
     * entries over loopback, private, link-local and multicast addresses are skipped, and
     * its last line, 224.0.0.0/3, is wider than an IPv4 /8. */
    {LOAD_CASE, .dir = "fixture-firehol_level1.netset", .files = {{"firehol_level1.netset", NULL}},
     .log = FIREHOL_WARNINGS
     "loaded 7 entries (7 v4, 0 v6) from %1$s/firehol_level1.netset, 8 lines skipped\n",
     .loaded = true, .stats = {true, 1, 7, 0, 0, 7, 0},
     .lookups = {{"0.0.0.0", NULL},
                 {"10.255.255.255", NULL},
                 {"127.0.0.1", NULL},
                 {"192.168.1.1", NULL},
                 {"11.0.0.0", NULL},
                 {"1.10.16.1", "firehol_level1.netset"},
                 {"185.220.101.46", NULL},
                 {"185.220.101.47", "firehol_level1.netset"},
                 {"185.220.101.48", NULL},
                 {"198.19.255.255", "firehol_level1.netset"},
                 {"199.255.255.255", NULL},
                 {"224.0.0.1", NULL}},
     .cidrs = FIREHOL_CIDRS},
    {LOAD_CASE, .dir = "fixture-wide-firehol_level1.netset",
     .files = {{"firehol_level1.netset", NULL}}, .allow_wide = true,
     .log = "loaded 15 entries (15 v4, 0 v6) from %1$s/firehol_level1.netset, 0 lines skipped\n",
     .stats = {true, 1, 15, 0, 0, 15, 0},
     .lookups = {{"0.0.0.0", "firehol_level1.netset"},
                 {"10.255.255.255", "firehol_level1.netset"},
                 {"127.0.0.1", "firehol_level1.netset"},
                 {"11.0.0.0", NULL},
                 {"224.0.0.1", "firehol_level1.netset"},
                 {"255.255.255.255", "firehol_level1.netset"}},
     .cidrs = FIREHOL_CIDRS_WIDE},
    {LOAD_CASE, .dir = "fixture-dshield_block.txt", .files = {{"dshield_block.txt", NULL}},
     .log = "loaded 10 entries (10 v4, 0 v6) from %1$s/dshield_block.txt, 0 lines skipped\n",
     .loaded = true, .stats = {true, 1, 10, 0, 0, 10, 0},
     .lookups = {{"89.248.164.255", NULL},
                 {"89.248.165.0", "dshield_block.txt"},
                 {"89.248.165.255", "dshield_block.txt"},
                 {"89.248.166.0", NULL},
                 {"165.22.0.24", "dshield_block.txt"}, /* the name "DigitalOcean, LLC" */
                 {"24.0.0.0", NULL}},                  /* the netblock column is no entry */
     .cidrs = "+45.143.200.0/24 dshield_block.txt\n"
              "+71.6.135.0/24 dshield_block.txt\n"
              "+80.82.77.0/24 dshield_block.txt\n"
              "+89.248.165.0/24 dshield_block.txt\n"
              "+165.22.0.0/24 dshield_block.txt\n"
              "+185.220.101.0/24 dshield_block.txt\n"
              "+192.0.2.0/24 dshield_block.txt\n"
              "+194.26.29.0/24 dshield_block.txt\n"
              "+198.51.100.0/24 dshield_block.txt\n"
              "+203.0.113.0/24 dshield_block.txt\n"},
    /* Two neighbours that no CIDR holds alone: two /32s. */
    {LOAD_CASE, .dir = "fixture-tor_exit_addresses.txt",
     .files = {{"tor_exit_addresses.txt", NULL}},
     .log = "loaded 6 entries (6 v4, 0 v6) from %1$s/tor_exit_addresses.txt, 0 lines skipped\n",
     .loaded = true, .stats = {true, 1, 6, 0, 0, 6, 0},
     .lookups = {{"162.247.74.201", "tor_exit_addresses.txt"},
                 {"185.220.101.46", NULL},
                 {"185.220.101.47", "tor_exit_addresses.txt"},
                 {"185.220.101.48", "tor_exit_addresses.txt"},
                 {"185.220.101.49", NULL},
                 {"192.0.2.200", "tor_exit_addresses.txt"},
                 {"192.0.2.201", NULL}},
     .cidrs = "+162.247.74.201/32 tor_exit_addresses.txt\n"
              "+185.220.101.47/32 tor_exit_addresses.txt\n"
              "+185.220.101.48/32 tor_exit_addresses.txt\n"
              "+192.0.2.200/32 tor_exit_addresses.txt\n"
              "+198.51.100.23/32 tor_exit_addresses.txt\n"
              "+203.0.113.77/32 tor_exit_addresses.txt\n"},
    {LOAD_CASE, .dir = "fixture-feodo_ipblocklist.csv", .files = {{"feodo_ipblocklist.csv", NULL}},
     .log = "loaded 7 entries (7 v4, 0 v6) from %1$s/feodo_ipblocklist.csv, 0 lines skipped\n",
     .loaded = true, .stats = {true, 1, 7, 0, 0, 7, 0},
     .lookups = {{"162.243.103.246", "feodo_ipblocklist.csv"},
                 {"162.243.103.247", NULL},
                 {"5.188.86.172", "feodo_ipblocklist.csv"}},
     .cidrs = "+5.188.86.172/32 feodo_ipblocklist.csv\n"
              "+50.16.47.66/32 feodo_ipblocklist.csv\n"
              "+103.124.104.12/32 feodo_ipblocklist.csv\n"
              "+162.243.103.246/32 feodo_ipblocklist.csv\n"
              "+192.0.2.45/32 feodo_ipblocklist.csv\n"
              "+198.51.100.150/32 feodo_ipblocklist.csv\n"
              "+203.0.113.201/32 feodo_ipblocklist.csv\n"},
    {LOAD_CASE, .dir = "fixture-talos_ip_blacklist.txt",
     .files = {{"talos_ip_blacklist.txt", NULL}},
     .log = "loaded 12 entries (12 v4, 0 v6) from %1$s/talos_ip_blacklist.txt, 0 lines skipped\n",
     .loaded = true, .stats = {true, 1, 12, 0, 0, 12, 0},
     .lookups = {{"1.12.231.30", "talos_ip_blacklist.txt"},
                 {"1.12.231.31", NULL},
                 {"218.92.0.112", "talos_ip_blacklist.txt"},
                 {"218.92.0.111", NULL}},
     .cidrs = "+1.12.231.30/32 talos_ip_blacklist.txt\n"
              "+5.188.86.172/32 talos_ip_blacklist.txt\n"
              "+23.94.7.175/32 talos_ip_blacklist.txt\n"
              "+45.95.147.236/32 talos_ip_blacklist.txt\n"
              "+61.177.172.136/32 talos_ip_blacklist.txt\n"
              "+103.124.104.12/32 talos_ip_blacklist.txt\n"
              "+141.98.10.63/32 talos_ip_blacklist.txt\n"
              "+162.247.74.201/32 talos_ip_blacklist.txt\n"
              "+192.0.2.66/32 talos_ip_blacklist.txt\n"
              "+198.51.100.99/32 talos_ip_blacklist.txt\n"
              "+203.0.113.9/32 talos_ip_blacklist.txt\n"
              "+218.92.0.112/32 talos_ip_blacklist.txt\n"},
    /* 100.64.0.0-100.64.255.255 is wider than a /24 over shared address space (RFC 6598).
     * 10.0.0.0-10.0.0.255 and 10.0.1.0-10.0.1.255 make one /23. */
    {LOAD_CASE, .dir = "fixture-ranges.txt", .files = {{"ranges.txt", NULL}},
     .log = P "%1$s/ranges.txt:5: wide, over loopback, private, link-local or multicast addresses "
              "(use --allow-wide): \"100.64.0.0-100.64.255.255\"\n"
              "loaded 9 entries (7 v4, 2 v6) from %1$s/ranges.txt, 1 lines skipped\n",
     .loaded = true, .stats = {true, 1, 7, 2, 0, 12, 6},
     .lookups = {{"192.0.2.9", NULL},
                 {"192.0.2.10", "ranges.txt"},
                 {"192.0.2.20", "ranges.txt"},
                 {"192.0.2.21", NULL},
                 {"198.51.100.127", "ranges.txt"},
                 {"198.51.100.128", NULL},
                 {"198.18.0.255", "ranges.txt"}, /* ::ffff:198.18.0.0-::ffff:198.18.0.255 */
                 {"198.18.1.0", NULL},
                 {"10.0.1.255", "ranges.txt"}, /* two /24s of 10.0.0.0/8: small enough */
                 {"100.64.0.1", NULL},
                 {"2001:db8:1::ffff", "ranges.txt"},
                 {"2001:db8:1::1:0", NULL},
                 {"2001:db8:2::", NULL},
                 {"2001:db8:2::1", "ranges.txt"},
                 {"2001:db8:2::10", "ranges.txt"},
                 {"2001:db8:2::11", NULL}},
     .cidrs = "+10.0.0.0/23 ranges.txt\n"
              "+185.220.100.240/28 ranges.txt\n"
              "+185.220.101.0/28 ranges.txt\n"
              "+192.0.2.10/31 ranges.txt\n"
              "+192.0.2.12/30 ranges.txt\n"
              "+192.0.2.16/30 ranges.txt\n"
              "+192.0.2.20/32 ranges.txt\n"
              "+198.18.0.0/24 ranges.txt\n"
              "+198.51.100.0/25 ranges.txt\n"
              "+203.0.113.200/29 ranges.txt\n"
              "+203.0.113.208/28 ranges.txt\n"
              "+203.0.113.224/27 ranges.txt\n"
              "+2001:db8:1::/112 ranges.txt\n"
              "+2001:db8:2::1/128 ranges.txt\n"
              "+2001:db8:2::2/127 ranges.txt\n"
              "+2001:db8:2::4/126 ranges.txt\n"
              "+2001:db8:2::8/125 ranges.txt\n"
              "+2001:db8:2::10/128 ranges.txt\n"},
    {LOAD_CASE, .dir = "fixture-wide-ranges.txt", .files = {{"ranges.txt", NULL}},
     .allow_wide = true,
     .log = "loaded 10 entries (8 v4, 2 v6) from %1$s/ranges.txt, 0 lines skipped\n",
     .stats = {true, 1, 8, 2, 0, 13, 6},
     .lookups = {{"100.64.0.1", "ranges.txt"},
                 {"100.64.255.255", "ranges.txt"},
                 {"100.65.0.0", NULL}}},
};

/* ---- Line syntax of the formats ---- */

/* Two addresses on a line are a range only after DShield's column header, or when a third
 * token is the prefix length of exactly that network (a DShield line without its header):
 * anything else, a netmask or a typo, must be written as a range "a-b". A CSV file's
 * header names its address column ("ip" or "dst_ip", any case). */
static const struct load_case lines[] = {
    {LOAD_CASE, .dir = "two-addresses",
     .files = {{"two.txt", "203.0.113.5 203.0.200.1\n"                           /* 1 */
                           "192.168.1.0 0.0.0.255\n"                             /* 2: a netmask */
                           "10.0.0.0 255.0.0.0\n"                                /* 3 */
                           "61.177.172.0 61.177.172.255 24\n"                    /* 4 */
                           "61.177.172.0 61.177.172.255 23\n"                    /* 5 */
                           "61.177.176.0\t61.177.176.255\t24\t1234\tsome name\n" /* 6 */
                           "61.177.178.0 61.177.178.127 25\n"                    /* 7 */
                           "61.177.180.1 61.177.180.255 24\n" /* 8: not a network */
                           "61.177.182.0 61.177.182.255 33\n" /* 9 */
                           "2001:db8::1 2001:db8::2\n"        /* 10 */
                           "192.0.2.1 - 192.0.2.3\n"          /* 11 */
                           "192.0.2.9 not-an-address\n"       /* 12 */
                           "61.177.184.0 61.177.184.255\n"}}, /* 13 */
     .log = P "%1$s/two.txt:1: two addresses (write a range as a-b): \"203.0.113.5\"\n" P
              "%1$s/two.txt:2: two addresses (write a range as a-b): \"192.168.1.0\"\n" P
              "%1$s/two.txt:3: two addresses (write a range as a-b): \"10.0.0.0\"\n" P
              "%1$s/two.txt:5: two addresses (write a range as a-b): \"61.177.172.0\"\n" P
              "%1$s/two.txt:8: two addresses (write a range as a-b): \"61.177.180.1\"\n" P
              "%1$s/two.txt:9: two addresses (write a range as a-b): \"61.177.182.0\"\n" P
              "%1$s/two.txt:10: two addresses (write a range as a-b): \"2001:db8::1\"\n" P
              "%1$s/two.txt:13: two addresses (write a range as a-b): \"61.177.184.0\"\n"
              "loaded 5 entries (5 v4, 0 v6) from %1$s/two.txt, 8 lines skipped\n",
     .loaded = true, .stats = {true, 1, 5, 0, 0, 6, 0},
     .lookups = {{"203.0.113.5", NULL},
                 {"203.0.150.1", NULL},
                 {"192.168.1.1", NULL},
                 {"10.0.0.1", NULL},
                 {"61.177.172.1", "two.txt"},
                 {"61.177.173.1", NULL},
                 {"61.177.180.1", NULL},
                 {"61.177.184.1", NULL},
                 {"2001:db8::1", NULL}},
     .cidrs = "+61.177.172.0/24 two.txt\n"
              "+61.177.176.0/24 two.txt\n"
              "+61.177.178.0/25 two.txt\n"
              "+192.0.2.1/32 two.txt\n"
              "+192.0.2.2/31 two.txt\n"
              "+192.0.2.9/32 two.txt\n"},
    /* "a a 32": one address, its own /32 (a host mask of 0, not a shift by 128). */
    {LOAD_CASE, .dir = "dshield-slash32", .files = {{"one.txt", "198.51.100.1 198.51.100.1 32\n"}},
     .log = "loaded 1 entries (1 v4, 0 v6) from %1$s/one.txt, 0 lines skipped\n",
     .lookups = {{"198.51.100.1", "one.txt"}, {"198.51.100.2", NULL}}},
    /* After the header, any "start end" pair is a range, and is checked as one; before it,
     * it is two addresses. */
    {LOAD_CASE, .dir = "dshield-header",
     .files = {{"block.txt", "61.177.190.0 61.177.190.255\n"    /* 1 */
                             "Start\tEnd\tNetblock\tAttacks\n"  /* 2 */
                             "203.0.113.5\t203.0.200.1\n"       /* 3 */
                             "198.51.100.10 198.51.100.20 30\n" /* 4: the bits are not checked */
                             "2001:db8::1 2001:db8::ff\n"       /* 5 */
                             "192.168.1.0 0.0.0.255\n"          /* 6 */
                             "10.0.0.0 10.0.1.255\n"            /* 7: wide, over 10.0.0.0/8 */
                             "10.0.0.0 10.0.0.255\n"            /* 8 */
                             "61.177.190.0 61.177.190.255\n"}}, /* 9 */
     .log = P "%1$s/block.txt:1: two addresses (write a range as a-b): \"61.177.190.0\"\n" P
              "%1$s/block.txt:6: two addresses (write a range as a-b): \"192.168.1.0\"\n" P
              "%1$s/block.txt:7: wide, over loopback, private, link-local or multicast "
              "addresses (use --allow-wide): \"10.0.0.0\"\n"
              "loaded 5 entries (4 v4, 1 v6) from %1$s/block.txt, 3 lines skipped\n",
     .loaded = true,
     .lookups = {{"203.0.113.4", NULL},
                 {"203.0.113.5", "block.txt"},
                 {"203.0.150.0", "block.txt"},
                 {"203.0.200.1", "block.txt"},
                 {"203.0.200.2", NULL},
                 {"198.51.100.9", NULL},
                 {"198.51.100.10", "block.txt"},
                 {"198.51.100.20", "block.txt"},
                 {"198.51.100.21", NULL},
                 {"10.0.0.255", "block.txt"},
                 {"10.0.1.0", NULL},
                 {"61.177.190.7", "block.txt"},
                 {"2001:db8::", NULL},
                 {"2001:db8::ff", "block.txt"},
                 {"2001:db8::100", NULL}}},
    {LOAD_CASE, .dir = "csv",
     .files = {{"c.csv", "first_seen,IP,port\n"                           /* 1 */
                         "2024-05-01,192.0.2.1,443\n"                     /* 2 */
                         "\"2024-05-01\",\"198.51.100.2\",\"80\"\n"       /* 3 */
                         "2024-05-01,,443\n"                              /* 4 */
                         "2024-05-01\n"                                   /* 5 */
                         "\"2024-05-01, 10:00\",\"203.0.113.3\",\"22\"\n" /* 6 */
                         "# a comment\n"                                  /* 7 */
                         "  2024-05-02 , 2001:db8::3 , 8080\r\n"}},       /* 8 */
     .log = P "%1$s/c.csv:4: not an IP address, CIDR or range: \"\"\n" P
              "%1$s/c.csv:5: no address column: \"2024-05-01\"\n"
              "loaded 4 entries (3 v4, 1 v6) from %1$s/c.csv, 2 lines skipped\n",
     .cidrs = "+192.0.2.1/32 c.csv\n"
              "+198.51.100.2/32 c.csv\n"
              "+203.0.113.3/32 c.csv\n"
              "+2001:db8::3/128 c.csv\n"},
};

/* Only a *.csv file has a CSV header, and only in a line before its first entry: a DROP
 * comment that says "ip", a comment that looks like a CSV header in a plain list, or a
 * later "host,ip" line must not turn a file into CSV. */
static const struct check_case csv_header_place[] = {
    {__LINE__, "drop.txt", "; DROP, ip, list\n1.10.16.0/20 ; SBL256894\n", false, 1,
     "loaded 1 entries (1 v4, 0 v6) from %1$s, 0 lines skipped\n", NULL},
    {__LINE__, "late.txt", "192.0.2.1\nhost,ip\n198.51.100.7\n", false, 2,
     P "%1$s:2: not an IP address, CIDR or range: \"host,ip\"\n"
       "loaded 2 entries (2 v4, 0 v6) from %1$s, 1 lines skipped\n",
     NULL},
    {__LINE__, "late.csv", "192.0.2.1\nhost,ip\n198.51.100.7\n", false, 2,
     P "%1$s:2: not an IP address, CIDR or range: \"host,ip\"\n"
       "loaded 2 entries (2 v4, 0 v6) from %1$s, 1 lines skipped\n",
     NULL},
    /* A plain list whose comments look like CSV headers: its addresses are its entries. */
    {__LINE__, "feodo.txt",
     "# \"first_seen_utc\",\"dst_ip\",\"dst_port\"\n192.0.2.1\n198.51.100.7\n", false, 2,
     "loaded 2 entries (2 v4, 0 v6) from %1$s, 0 lines skipped\n", NULL},
    {__LINE__, "export.txt", "# source, id, date, ip\n192.0.2.1\n198.51.100.7\n2001:db8::1\n",
     false, 3, "loaded 3 entries (2 v4, 1 v6) from %1$s, 0 lines skipped\n", NULL},
    /* A header line in a .txt file is no header, and the rows after it no entries. */
    {__LINE__, "header.txt", "first_seen,ip,port\n2024-05-01,192.0.2.1,443\n192.0.2.9\n", false, 1,
     P "%1$s:1: not an IP address, CIDR or range: \"first_seen,ip,port\"\n" P
       "%1$s:2: not an IP address, CIDR or range: \"2024-05-01,192.0.2.1,443\"\n"
       "loaded 1 entries (1 v4, 0 v6) from %1$s, 2 lines skipped\n",
     NULL},
    /* The same lines in a .csv file: a header, then rows. */
    {__LINE__, "header.csv", "first_seen,ip,port\n2024-05-01,192.0.2.1,443\n192.0.2.9\n", false, 1,
     P "%1$s:3: no address column: \"192.0.2.9\"\n"
       "loaded 1 entries (1 v4, 0 v6) from %1$s, 1 lines skipped\n",
     NULL},
    {__LINE__, "feodo.csv",
     "# \"first_seen_utc\",\"dst_ip\",\"dst_port\"\n\"2024-05-01\",\"192.0.2.1\",\"443\"\n", false,
     1, "loaded 1 entries (1 v4, 0 v6) from %1$s, 0 lines skipped\n", NULL},
};

int main(void)
{
    feeds_test_begin("test_feed_format");
    RUN_CASES(samples, run_load_case);
    RUN_CASES(lines, run_load_case);
    const char *dir = new_dir("csv-header-place");
    for (size_t i = 0; i < sizeof(csv_header_place) / sizeof(csv_header_place[0]); i++)
        run_check_case(dir, &csv_header_place[i]);
    return feeds_test_end();
}
