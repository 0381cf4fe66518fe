/* A 32-bit victim for guard.sh: i386 system calls through int $0x80, no libc (so that no
 * 32-bit C library is needed to build or run it). It connects a TCP socket to 127.0.0.2
 * port 9100 through socketcall(2) ("socketcall") or the direct i386 calls, 4.3 on
 * ("direct"); prints "error N" when the connect fails, else sends 7 bytes and prints
 * "sent"; then "alive", and exits 0. A guard that kills prints none of it. "check" exits
 * 0 at once: whether this kernel runs 32-bit programs at all.
 * build: cc -m32 -static -nostdlib -ffreestanding -fno-pic -fno-stack-protector -O1
 * usage: victim32 socketcall|direct|check */

#define NR_EXIT 1
#define NR_WRITE 4
#define NR_SOCKETCALL 102
#define NR_SOCKET 359
#define NR_CONNECT 362
#define SOCKETCALL_SOCKET 1
#define SOCKETCALL_CONNECT 3
#define SOCKETCALL_SEND 9

static long sys3(long nr, long a, long b, long c)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}

static void say(const char *s)
{
    long n = 0;
    while (s[n])
        n++;
    sys3(NR_WRITE, 1, (long)s, n);
}

static void say_error(long err)
{
    char buf[16] = "error ";
    int at = 6;
    char digits[8];
    int n = 0;
    do
        digits[n++] = (char)('0' + err % 10);
    while ((err /= 10) && n < 7);
    while (n)
        buf[at++] = digits[--n];
    buf[at++] = '\n';
    buf[at] = '\0';
    say(buf);
}

/* struct sockaddr_in for 127.0.0.2:9100, in network order. */
static const unsigned char to[16] = {2, 0, 0x23, 0x8c, 127, 0, 0, 2};

static long run(int socketcall)
{
    long s, rc;
    if (socketcall) {
        long args[3] = {2 /* AF_INET */, 1 /* SOCK_STREAM */, 0};
        s = sys3(NR_SOCKETCALL, SOCKETCALL_SOCKET, (long)args, 0);
    } else {
        s = sys3(NR_SOCKET, 2, 1, 0);
    }
    if (s < 0)
        return s;
    if (socketcall) {
        long args[3] = {s, (long)to, sizeof(to)};
        rc = sys3(NR_SOCKETCALL, SOCKETCALL_CONNECT, (long)args, 0);
    } else {
        rc = sys3(NR_CONNECT, s, (long)to, sizeof(to));
    }
    if (rc < 0)
        return rc;
    if (socketcall) {
        long args[4] = {s, (long)"VICTIM\n", 7, 0};
        rc = sys3(NR_SOCKETCALL, SOCKETCALL_SEND, (long)args, 0);
    } else {
        rc = sys3(NR_WRITE, s, (long)"VICTIM\n", 7); /* sendto would need six registers */
    }
    return rc < 0 ? rc : 0;
}

__attribute__((used, noreturn)) static void start(long *sp)
{
    char **argv = (char **)(sp + 1);
    const char *mode = sp[0] > 1 ? argv[1] : "";
    int status = 0;
    if (mode[0] == 's' || mode[0] == 'd') {
        long rc = run(mode[0] == 's');
        if (rc < 0)
            say_error(-rc);
        else
            say("sent\n");
        say("alive\n");
    } else if (mode[0] != 'c') {
        say("usage: victim32 socketcall|direct|check\n");
        status = 2;
    }
    sys3(NR_EXIT, status, 0, 0);
    __builtin_unreachable();
}

/* The kernel's initial stack: argc, then argv. */
__asm__(".globl _start\n"
        "_start:\n"
        "  xorl %ebp, %ebp\n"
        "  movl %esp, %eax\n"
        "  andl $-16, %esp\n"
        "  subl $12, %esp\n"
        "  pushl %eax\n"
        "  call start\n");
