/*
 * Linux side of `cargo xtask bench net`: TCP bulk receive. Runs as /init
 * (PID 1) of the initramfs that net.sh builds, under QEMU/TCG with
 * -icount shift=0,sleep=off and one NIC on QEMU's user network.
 * Build: gcc -O2 -static -o init net.c
 *
 * It loads the modules listed in /lib/modules/order (finit_module, in
 * modprobe's order), gives the first Ethernet interface 10.0.2.15/24 (QEMU's
 * user network forwards the host's connections there), listens on TCP port
 * anchor.port (default 5201) and says so with ANCHOR_LISTENING. The host
 * connects through a host forward and writes until it closes; /init
 * accepts, then read()s into a 64 KiB buffer until end of stream.
 *
 * The timed window runs from accept() returning to the read() that returns
 * 0. Time is the raw TSC: under -icount shift=0 one tick per guest
 * instruction, plus the forward jumps of the virtual clock while the vCPU
 * is halted waiting for packets (sleep=off). Those are taken out with the
 * kernel's own idle accounting (/proc/timer_list idle_sleeptime +
 * iowait_sleeptime, ns, as the storage anchor does), so
 *   busy = tsc - idle_ns   is the guest instructions executed.
 *
 * Output:
 *   ANCHOR_INFO <key> <value>
 *   ANCHOR_LISTENING <port>                       (at once, unbuffered)
 *   ANCHOR_sleep_100ms <tsc> 1 idle_ns=.. busy=..  (checks the idle counter)
 *   ANCHOR_net_rx <tsc> <bytes> idle_ns=.. busy=.. reads=..
 *   ANCHOR_DONE
 *   ANCHOR_ERROR <what> errno=..                  (then power off)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <termios.h>
#include <unistd.h>

#define BUFFER (64u * 1024)

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Lines are written straight to the console: nothing is printed inside the
 * timed window. */
static void out(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1, off = 0;
    while (off < len) {
        ssize_t w = write(1, line + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    tcdrain(1);
}

static void power_off(void)
{
    sync();
    reboot(RB_POWER_OFF);
    int fd = open("/proc/sysrq-trigger", O_WRONLY);
    if (fd >= 0) {
        ssize_t ignored = write(fd, "o", 1);
        (void)ignored;
    }
    for (;;)
        pause();
}

static void fail(const char *what)
{
    out("ANCHOR_ERROR %s errno=%d (%s)\n", what, errno, strerror(errno));
    power_off();
}

static ssize_t read_all(const char *path, char *buf, size_t n)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    size_t got = 0;
    for (;;) {
        ssize_t r = read(fd, buf + got, n - 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
        if (got == n - 1)
            break;
    }
    close(fd);
    buf[got] = 0;
    return (ssize_t)got;
}

static void read_line(const char *path, char *buf, size_t n)
{
    if (read_all(path, buf, n) < 0) {
        snprintf(buf, n, "?");
        return;
    }
    char *nl = strchr(buf, '\n');
    if (nl)
        *nl = 0;
}

/* The kernel's idle time of all CPUs: idle_sleeptime + iowait_sleeptime, ns. */
static char timer_list[1 << 18];

static uint64_t idle_ns(void)
{
    if (read_all("/proc/timer_list", timer_list, sizeof timer_list) < 0)
        fail("/proc/timer_list");
    uint64_t sum = 0;
    for (char *p = timer_list; (p = strstr(p, "sleeptime")) != NULL; p += 9) {
        /* "  .idle_sleeptime : 123 nsecs" and "  .iowait_sleeptime: 456 nsecs" */
        char *c = strchr(p, ':');
        if (!c)
            break;
        sum += strtoull(c + 1, NULL, 10);
    }
    return sum;
}

struct mark {
    uint64_t tsc, idle;
};

static void mark(struct mark *m)
{
    m->idle = idle_ns();
    m->tsc = rdtsc();
}

static void report(const char *name, const struct mark *a, const struct mark *b,
                   unsigned long long amount, const char *extra)
{
    unsigned long long tsc = b->tsc - a->tsc, idle = b->idle - a->idle;
    out("ANCHOR_%s %llu %llu idle_ns=%llu busy=%lld%s%s\n", name, tsc, amount, idle,
        (long long)(tsc - idle), extra ? " " : "", extra ? extra : "");
}

static void load_modules(void)
{
    static char list[8192];
    if (read_all("/lib/modules/order", list, sizeof list) < 0)
        fail("/lib/modules/order");
    for (char *l = strtok(list, "\n"); l; l = strtok(NULL, "\n")) {
        char path[256];
        snprintf(path, sizeof path, "/lib/modules/%s", l);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            fail(path);
        long rc = syscall(SYS_finit_module, fd, "", 0);
        int e = rc ? errno : 0;
        close(fd);
        out("ANCHOR_INFO module %s %s\n", l, e == 0 ? "ok" : strerror(e));
    }
}

/* The first interface other than lo, as the driver named it. */
static int find_interface(char *name, size_t n)
{
    DIR *d = opendir("/sys/class/net");
    if (!d)
        return 0;
    struct dirent *e;
    int found = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "lo") == 0)
            continue;
        size_t len = strnlen(e->d_name, n - 1);
        memcpy(name, e->d_name, len);
        name[len] = 0;
        found = 1;
        break;
    }
    closedir(d);
    return found;
}

static void set_address(int fd, const char *ifname, unsigned long request, const char *addr)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
    sin->sin_family = AF_INET;
    inet_pton(AF_INET, addr, &sin->sin_addr);
    if (ioctl(fd, request, &ifr) < 0)
        fail(request == SIOCSIFADDR ? "SIOCSIFADDR" : "SIOCSIFNETMASK");
}

static void bring_up(const char *ifname)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        fail("socket for ioctl");
    set_address(fd, ifname, SIOCSIFADDR, "10.0.2.15");
    set_address(fd, ifname, SIOCSIFNETMASK, "255.255.255.0");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
        fail("SIOCGIFFLAGS");
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
        fail("SIOCSIFFLAGS");
    close(fd);
}

static char buffer[BUFFER];

int main(void)
{
    mount("proc", "/proc", "proc", 0, NULL);
    mount("sysfs", "/sys", "sysfs", 0, NULL);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);

    char cmdline[1024], line[512], path[512];
    read_line("/proc/cmdline", cmdline, sizeof cmdline);
    int port = 5201;
    char *p = strstr(cmdline, "anchor.port=");
    if (p)
        port = atoi(p + 12);

    struct utsname u;
    uname(&u);
    out("ANCHOR_INFO kernel %s %s\n", u.release, u.version);
    out("ANCHOR_INFO cmdline %s\n", cmdline);
    load_modules();

    char ifname[IFNAMSIZ] = {0};
    for (int tries = 0; tries < 500 && !find_interface(ifname, sizeof ifname); tries++)
        usleep(20000);
    if (!ifname[0]) {
        errno = ENODEV;
        fail("no network interface");
    }
    snprintf(path, sizeof path, "/sys/class/net/%s/device/driver/module", ifname);
    ssize_t len = readlink(path, line, sizeof line - 1);
    line[len > 0 ? len : 0] = 0;
    out("ANCHOR_INFO interface %s driver %s\n", ifname,
        strrchr(line, '/') ? strrchr(line, '/') + 1 : "?");
    bring_up(ifname);
    read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource", line, sizeof line);
    out("ANCHOR_INFO clocksource %s\n", line);
    read_line("/proc/sys/net/ipv4/tcp_rmem", line, sizeof line);
    out("ANCHOR_INFO tcp_rmem %s\n", line);

    /* let late boot work (module init follow-ups, link up) settle */
    sleep(2);
    {
        struct mark a, b;
        mark(&a);
        usleep(100000);
        mark(&b);
        report("sleep_100ms", &a, &b, 1, NULL);
    }

    int listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0)
        fail("socket");
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0)
        fail("bind");
    if (listen(listener, 1) < 0)
        fail("listen");
    out("ANCHOR_LISTENING %d\n", port);
    int conn = accept(listener, NULL, NULL);
    if (conn < 0)
        fail("accept");

    struct mark a, b;
    mark(&a);
    unsigned long long bytes = 0, reads = 0;
    for (;;) {
        ssize_t r = read(conn, buffer, sizeof buffer);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            fail("read");
        if (r == 0)
            break;
        bytes += (unsigned long long)r;
        reads++;
    }
    mark(&b);
    close(conn);
    char extra[64];
    snprintf(extra, sizeof extra, "reads=%llu", reads);
    report("net_rx", &a, &b, bytes, extra);
    out("ANCHOR_DONE\n");
    power_off();
    return 0;
}
