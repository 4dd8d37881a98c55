/* Types the DWARF conversion must get right; built with cc -g by the tests. */
#include <stdint.h>

enum color { RED, GREEN = 5, BLUE };
enum sign { NEG = -1, POS = 1 };
typedef struct { int x, y; } point_t;
typedef unsigned long ulong_t;

struct node {
	struct node *next;
	void *data;
	int (*fn)(int);
};

struct request {
	const char *path;
	int id;
	unsigned flags : 3;
	unsigned mode : 5;
	signed wide : 20;
	enum color color;
	point_t at;
	char tag[8];
	int grid[2][3];
	struct node *list;
	union {
		long l;
		char c[8];
	};
	union value { int i; double d; } v;
	volatile ulong_t count;
	_Bool ok;
	uint16_t port;
	char tail[];
};

int handle(struct request *req, int n, const char *why) { return req->id + n + why[0]; }
enum color paint(point_t *p, enum color c) { return p->x ? c : RED; }
void nothing(void) {}

struct request r;
enum sign s;
int main(void) { return handle(&r, 1, "x") + paint(&r.at, BLUE) + s; }
