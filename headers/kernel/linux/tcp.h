/* The kernel's include/linux/tcp.h: TCP options and, through the socket
 * headers, TCP states. */
#include <linux/skbuff.h>
#include <net/tcp_states.h>
#include_next <linux/tcp.h>
