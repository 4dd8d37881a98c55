// utarget: the C target of the user-probe tests (e2e_user_test.go).
//
//	utarget N [wait|linger]
//
// runs N rounds of calls with known arguments and results, then exits.
// With "wait" it reads a line from stdin before the rounds, so a test can
// attach to the running process (-p) first, and reads stdin to its end
// after them, so the process is still there while the test's sonde prints
// its symbols. With "linger" it sleeps 300 ms after the rounds.
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int lib_mul(int a, int b);

unsigned short sonde_plain_semaphore __attribute__((unused, section(".probes")));
unsigned short sonde_global_semaphore __attribute__((unused, section(".probes")));
unsigned short sonde_guarded_semaphore __attribute__((unused, section(".probes")));

long counter = 100;
volatile long sink;

__attribute__((noinline)) int add(int a, int b) { return a + b; }

__attribute__((noinline)) long str_len(const char *s) { return (long)strlen(s); }

__attribute__((noinline)) void level3(int i) {
	sink += i;
	__asm__ volatile("" ::: "memory");
}
__attribute__((noinline)) void level2(int i) { level3(i); sink++; }
__attribute__((noinline)) void level1(int i) { level2(i); sink++; }

__attribute__((noinline)) void fire(int a, long b, const char *s) {
	long local = b * 2;
	short neg = -a;
	DTRACE_PROBE4(sonde, plain, a, local, neg, s);
	STAP_PROBE1(sonde, global, counter);
	if (sonde_guarded_semaphore)
		STAP_PROBE2(sonde, guarded, a, 5);
}

int main(int argc, char **argv) {
	int n = argc > 1 ? atoi(argv[1]) : 1;
	char line[64];
	int wait = argc > 2 && strcmp(argv[2], "wait") == 0;
	if (wait && fgets(line, sizeof line, stdin) == NULL)
		return 2;
	const char *words[] = {"alpha", "be", "gamma"};
	// Fault the strings' page in: a probe reads memory without faulting.
	for (int k = 0; k < 3; k++)
		sink += *(volatile const char *)words[k];
	for (int i = 1; i <= n; i++) {
		const char *w = words[(i - 1) % 3];
		sink += add(i, 10);
		sink += str_len(w);
		sink += lib_mul(i, 3);
		fire(i, 10 * i, w);
		level1(i);
		counter++;
	}
	if (wait)
		while (fgets(line, sizeof line, stdin) != NULL)
			;
	if (argc > 2 && strcmp(argv[2], "linger") == 0)
		usleep(300000);
	return 0;
}
