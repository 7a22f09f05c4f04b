#include <stdio.h>

int main(void)
{
    puts("hello from autotools");
    return 0;
}
