/* A -I directory's header: it wraps the system's with #include_next. */
#include_next <linux/socket.h>
#define AF_LOCAL_FIRST 100
#undef REMOVED
