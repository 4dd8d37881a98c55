/* The kernel's include/net/sock.h: what it brings in, for constants. */
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/errno.h>
#include <net/tcp_states.h>
