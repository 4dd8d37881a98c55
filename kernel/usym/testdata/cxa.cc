// cxa: the C++ runtime's own demangler, one name a line, as the
// reference for Demangle.
#include <cxxabi.h>
#include <iostream>
#include <string>
#include <cstdlib>
int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    int st = 0;
    char *r = abi::__cxa_demangle(line.c_str(), nullptr, nullptr, &st);
    std::cout << (r ? r : "") << "\n";
    free(r);
  }
}
