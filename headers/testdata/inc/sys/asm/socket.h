#define SOL_SOCKET	1
#define SO_DEBUG	1
