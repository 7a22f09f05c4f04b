#include <stdio.h>

int main(void)
{
    puts("hello from no-cc-var");
    return 0;
}
