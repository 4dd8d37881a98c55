// dwtarget: the C target of the DWARF tests (e2e_dwarf_test.go), built
// with -g -O0 so uprobes are typed from its debug info (optimized, the
// stores of the fields the callees do not read would be gone).
//
//	dwtarget N
//
// serves N requests with known contents, then exits.
#include <stdlib.h>
#include <string.h>

enum color { RED, GREEN = 5, BLUE };
typedef struct { int x, y; } point_t;

struct request {
	const char *path;
	int id;
	unsigned flags : 3;
	unsigned mode : 5;
	enum color color;
	point_t at;
	char tag[8];
	struct request *next;
};

volatile long sink;

__attribute__((noinline)) int handle(struct request *req, int n, char c)
{
	return req->id + n + c;
}

__attribute__((noinline)) struct request *next_of(struct request *r) { return r->next; }

__attribute__((noinline)) enum color paint(point_t *p, enum color c) { return p->x > 1 ? c : RED; }

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	static const char *paths[] = {"/index.html", "/about", "/b"};
	struct request tail = {.path = "/tail", .id = 99};
	// Fault the strings' pages in: a probe reads memory without faulting.
	sink += strlen(paths[0]) + strlen(paths[1]) + strlen(paths[2]) + strlen(tail.path);
	for (int i = 1; i <= n; i++) {
		struct request r = {.path = paths[(i - 1) % 3], .id = i, .flags = i & 7, .mode = 16 + i,
			.color = i % 2 ? GREEN : BLUE, .at = {i, 10 * i}, .next = &tail};
		strcpy(r.tag, i % 2 ? "odd" : "even");
		sink += handle(&r, 10 * i, 'a' + i);
		sink += next_of(&r)->id;
		sink += paint(&r.at, r.color);
	}
	return 0;
}
