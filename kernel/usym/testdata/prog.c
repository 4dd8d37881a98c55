// prog: a target with known functions for the usym tests. It prints the
// addresses of spin_here and (built with -DWITH_LIB) of lib_add, then
// calls them forever, or once when run as "prog once".
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int lib_add(int a, int b); /* from libusymtest.so when linked with -DWITH_LIB */

__attribute__((noinline)) int usym_alpha(int x) { return x * 3 + 1; }
__attribute__((noinline)) int usym_beta(int x) { return usym_alpha(x) - 2; }
__attribute__((noinline)) long usym_gamma(long a, long b) {
	long s = 0;
	for (long i = a; i < b; i++)
		s += i;
	return s;
}

/* Many small functions, for wildcard benchmarks: usym_many_000..099. */
#define F(n) __attribute__((noinline)) int usym_many_##n(int x) { return x + 1##n; }
#define F10(t) F(t##0) F(t##1) F(t##2) F(t##3) F(t##4) F(t##5) F(t##6) F(t##7) F(t##8) F(t##9)
F10(00) F10(01) F10(02) F10(03) F10(04) F10(05) F10(06) F10(07) F10(08) F10(09)

__attribute__((noinline)) void spin_here(volatile int *v) {
	for (int i = 0; i < 1000; i++)
		(*v)++;
}

int main(int argc, char **argv) {
	volatile int v = 0;
#ifdef WITH_LIB
	printf("%p %p\n", (void *)spin_here, (void *)lib_add);
	v += lib_add(1, 2);
#else
	printf("%p\n", (void *)spin_here);
#endif
	fflush(stdout);
	v += usym_beta(argc) + (int)usym_gamma(0, argc) + usym_many_042(argc);
	if (argc > 1 && strcmp(argv[1], "once") == 0)
		return 0;
	for (;;) {
		spin_here(&v);
		usleep(1000);
	}
}
