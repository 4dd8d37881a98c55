// libusymtest.so: a shared library with a known exported function.
__attribute__((noinline)) int lib_add(int a, int b) { return a + b; }
__attribute__((noinline)) static int lib_hidden(int a) { return a * 7; }
int lib_mul(int a, int b) { return lib_hidden(a) * b; }
