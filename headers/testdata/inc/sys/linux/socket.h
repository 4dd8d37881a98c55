#ifndef _LINUX_SOCKET_H
#define _LINUX_SOCKET_H
#include <asm/socket.h>
#include "types.h"
#define REMOVED 1
#define AF_INET	2	/* Internet IP Protocol */
#define AF_INET6 \
	10
#define PF_INET AF_INET
#define _BITUL(x) (1UL << (x))
#define MSG_MORE _BITUL(15)
#define ADD(a, ...) (a + __VA_ARGS__)
#define SUM ADD(1, 2)
#define SELF SELF
#define STR(x) #x
#define STRINGIZED STR(1)

#if __SIZEOF_LONG__ == 8 && defined(__x86_64__)
# define WORD 64
#elif __SIZEOF_LONG__ == 4
# define WORD 32
#else
# define WORD 0
#endif

#ifdef __KERNEL__
#define KERNEL_ONLY 1
#endif

#if 0
#define DEAD 1
#if 1
#define DEAD_NESTED 1
#endif
#else
#define ALIVE 1
#endif

enum sock_shutdown_cmd {
	SHUT_RD,
	SHUT_WR = 5,
	SHUT_RDWR,
};

enum { IPPROTO_IP = 0,
#define IPPROTO_IP IPPROTO_IP
	IPPROTO_TCP = 6,
#define IPPROTO_TCP IPPROTO_TCP
};

struct sockaddr { unsigned short sa_family; char sa_data[14]; };
static inline int f(int x) { return x; }
#endif
