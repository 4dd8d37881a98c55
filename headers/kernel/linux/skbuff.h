/* The kernel's include/linux/skbuff.h: what it brings in, for constants. */
#include <linux/socket.h>
#include <linux/net.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/if_ether.h>
