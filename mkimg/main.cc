#include <cstdio>
int main() { std::puts("mkimg"); return 0; }
