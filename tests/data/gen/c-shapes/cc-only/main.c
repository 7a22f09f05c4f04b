#include <stdio.h>

int main(void)
{
    puts("hello from cc-only");
    return 0;
}
