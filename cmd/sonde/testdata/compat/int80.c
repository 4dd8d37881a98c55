/* Makes 32-bit (ia32) system calls from a 64-bit process through int $0x80:
 * ia32 getpid is 20, which is x86_64's writev. The syscalls tracepoints
 * ignore ia32 syscalls; raw_syscalls sees them with their ia32 numbers.
 * argv[1]: how many. Exits 0 when int $0x80 works (IA32 emulation on),
 * 3 when it does not. */
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
	int n = argc > 1 ? atoi(argv[1]) : 5;
	for (int i = 0; i < n; i++) {
		long ret;
		__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
		if (ret != getpid())
			return 3;
	}
	return 0;
}
