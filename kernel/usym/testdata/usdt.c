// usdt: a target with USDT probes. These have no semaphore; the one in
// usdt_sema.c has.
#include <sys/sdt.h>

long counter = 5;
void fire_guarded(int a, long *arr, long idx);

__attribute__((noinline)) void fire(int a, long b) {
	long local = b * 2;
	DTRACE_PROBE2(sonde, plain, a, local);
	STAP_PROBE1(sonde, global, counter);
}

int main(int argc, char **argv) {
	long arr[4] = {1, 2, 3, 4};
	(void)argv;
	fire(argc, 10);
	fire_guarded(argc, arr, argc);
	return 0;
}
