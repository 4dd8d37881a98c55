// burn spends its CPU time in known proportions, for the flame-graph
// tests: main -> run -> hot 60%, warm -> warm_inner 30%, cold 10%. Each
// function burns its own loop, so it is the leaf of its samples. Built with
// -O0 -fno-omit-frame-pointer, so user stacks walk and nothing is inlined.
#include <time.h>

volatile unsigned long sink;

#define UNIT 200000UL

void hot(void) {
	for (unsigned long i = 0; i < 6 * UNIT; i++) sink += i;
}

void warm_inner(void) {
	for (unsigned long i = 0; i < 3 * UNIT; i++) sink += i;
}

void warm(void) { warm_inner(); }

void cold(void) {
	for (unsigned long i = 0; i < 1 * UNIT; i++) sink += i;
}

// run repeats the round until `seconds` of CPU time are spent.
void run(double seconds) {
	clock_t end = clock() + (clock_t)(seconds * CLOCKS_PER_SEC);
	while (clock() < end) {
		hot();
		warm();
		cold();
	}
}

int main(void) {
	run(1.5);
	return 0;
}
