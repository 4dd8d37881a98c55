/* The kernel's include/linux/net.h: socket types and states. */
#include <linux/socket.h>
#include <linux/fcntl.h>
#include_next <linux/net.h>

enum sock_type {
	SOCK_STREAM	= 1,
	SOCK_DGRAM	= 2,
	SOCK_RAW	= 3,
	SOCK_RDM	= 4,
	SOCK_SEQPACKET	= 5,
	SOCK_DCCP	= 6,
	SOCK_PACKET	= 10,
};

#define SOCK_MAX	(SOCK_PACKET + 1)
#define SOCK_TYPE_MASK	0xf
#define SOCK_CLOEXEC	O_CLOEXEC
#define SOCK_NONBLOCK	O_NONBLOCK
