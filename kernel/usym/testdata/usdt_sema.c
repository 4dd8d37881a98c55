// The semaphore-guarded probe: sys/sdt.h references
// provider_name_semaphore, which the program defines in .probes.
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

unsigned short sonde_guarded_semaphore __attribute__((unused, section(".probes")));

__attribute__((noinline)) void fire_guarded(int a, long *arr, long idx) {
	if (sonde_guarded_semaphore)
		STAP_PROBE3(sonde, guarded, a, 5, arr[idx]);
}
