/* main.c - c-sample: prints a greeting (built by hoist init's Dockerfile). */
#include <stdio.h>

const char *greeting(void);

int main(void)
{
    puts(greeting());
    return 0;
}
