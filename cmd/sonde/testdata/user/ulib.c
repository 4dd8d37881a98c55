// libutarget.so: a shared library function for uprobes in libraries.
__attribute__((noinline)) int lib_mul(int a, int b) { return a * b; }
