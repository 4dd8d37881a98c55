/* The kernel's include/net/tcp.h: what it brings in, for constants. */
#include <net/sock.h>
#include <net/inet_sock.h>
#include <linux/tcp.h>
