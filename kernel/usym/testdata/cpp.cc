// cpp: C++ functions whose demangled names the usym tests match.
#include <cstdio>
#include <string>
#include <vector>

namespace sonde {
namespace {
__attribute__((noinline)) int hidden(int x) { return x + 1; }
} // namespace

struct Widget {
	int v;
	__attribute__((noinline)) Widget(int x) : v(x) {}
	__attribute__((noinline)) ~Widget() { std::printf("%d\n", v); }
	__attribute__((noinline)) int get() const { return v; }
	__attribute__((noinline)) void set(int x, const char *why) { v = x + (why ? 1 : 0); }
	__attribute__((noinline)) Widget &operator+=(const Widget &o) { v += o.v; return *this; }
};

template <typename T> __attribute__((noinline)) T twice(T x) { return x + x; }

__attribute__((noinline)) size_t total(const std::vector<std::string> &v, unsigned long extra) {
	size_t n = extra;
	for (auto &s : v)
		n += s.size();
	return n;
}
} // namespace sonde

int main(int argc, char **) {
	sonde::Widget w(argc), o(2);
	w.set(sonde::hidden(argc), "x");
	w += o;
	auto f = [&](int k) { return w.get() + k; };
	std::vector<std::string> v{"a", "bc"};
	return f(sonde::twice(argc) + (int)sonde::twice(1.5) + (int)sonde::total(v, 1)) & 1;
}
