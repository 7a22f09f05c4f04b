/* hello.c - the smallest real program hoist's demo and tests build. */
#include <stdio.h>

#ifndef GREETING
#define GREETING "hello from hoist"
#endif

int main(void)
{
    puts(GREETING);
    return 0;
}
