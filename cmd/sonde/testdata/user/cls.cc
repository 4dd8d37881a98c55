// cls: the C++ target of the user-probe tests: app::Cls::set and
// app::Cls::get called N times (N from argv[1]).
#include <cstdlib>
namespace app {
struct Cls {
	int v;
	__attribute__((noinline)) int get() const { return v; }
	__attribute__((noinline)) void set(int x) { v = x; }
};
}
int main(int argc, char **argv) {
	int n = argc > 1 ? std::atoi(argv[1]) : 1;
	app::Cls c{0};
	volatile int s = 0;
	for (int i = 0; i < n; i++) { c.set(i); s += c.get(); }
	return 0;
}
