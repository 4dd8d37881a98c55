/* The kernel's include/net/inet_sock.h: what it brings in, for constants. */
#include <net/sock.h>
#include <linux/ip.h>
